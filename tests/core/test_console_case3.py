"""docs/clinical_background.md case 3 played through console lines alone: a 52-year-old on
morphine started at 0.4 mg/day, raised to 0.6 mg/day before discharge, then 0.7 mg/day
with myPTM 0.1 mg every 6 h (at most 4 a day), later 1.0 mg/day with 0.2 mg every 4 h (at
most 6 a day); presses at the very edges of each lockout; then a refill that brings the
low-reservoir alarm, which sounds at the millisecond worked out here. Every expected
figure comes from the case's numbers with plain integer sums, not from the firmware. Runs
under pytest and MicroPython.

The case gives no concentration. At 10 mg/mL, a common strength, the rig's least flow
(48 uL/day) is 0.48 mg/day, above the first dose: the pump refuses 0.4 mg/day there (it
used to raise it silently), so the case runs at 5 mg/mL (least flow 0.24 mg/day). With
lockout x maximum = 24 h in both settings, the lockout is
always what refuses: the fifth (or seventh) bolus comes exactly as the first leaves the
rolling 24 h."""
from builders import DAY_MS, HOUR_MS, MIN_MS
from console_fakes import Board, events, kv

STEP_NL = 1400  # bench rig: 1.4 uL a step
CONC_NG_PER_NL = 5  # morphine 5 mg/mL
FLOOR_NG_D = 48_000 * CONC_NG_PER_NL  # the catheter-open flow as a dose
PRIME_STEPS = 150_000 // STEP_NL
UNFILLED_NL = 150_000 - PRIME_STEPS * STEP_NL
STEP_DOSE = STEP_NL * CONC_NG_PER_NL * DAY_MS  # one step, in ng * DAY_MS
LOW_NL = 2_000_000
REFILL_NL = 2_500_000


def mono(day, hh, mm, ss=0):
    """Monotonic ms of a wall time; the console's clock is set to 07:00 at monotonic 0."""
    return day * DAY_MS + hh * HOUR_MS + mm * MIN_MS + ss * 1000 - 7 * HOUR_MS


def iso(t):
    """Wall time of monotonic t, in January 2026, as the console writes it."""
    w = t + 7 * HOUR_MS
    return "2026-01-%02dT%02d:%02d:%02d" % (w // DAY_MS + 1, w % DAY_MS // HOUR_MS,
                                            w % HOUR_MS // MIN_MS, w % MIN_MS // 1000)


# (when, the clinician's lines): the doses of the case, raised over days
CHANGES = (
    (mono(2, 7, 10), ("basal 0.6mg/d",)),
    (mono(3, 7, 10), ("basal 0.7mg/d", "ptm 0.1mg lockout=6h max=4")),
    (mono(5, 7, 10), ("basal 1mg/d", "ptm 0.2mg lockout=4h max=6")),
)
RATES = ((mono(0, 7, 10), 400_000), (mono(2, 7, 10), 600_000), (mono(3, 7, 10), 700_000),
         (mono(5, 7, 10), 1_000_000))
# (when, dose if granted else 0, refusal code, boluses in the last 24 h afterwards)
PRESSES = (
    (mono(3, 9, 0), 100_000, 0, 1),
    (mono(3, 14, 59, 59), 0, 44, 1),  # a second before the 6 h lockout ends
    (mono(3, 15, 0), 100_000, 0, 2),
    (mono(3, 21, 0), 100_000, 0, 3),
    (mono(4, 3, 0), 100_000, 0, 4),  # the 4th: the maximum is reached
    (mono(4, 8, 59, 59), 0, 44, 4),  # the lockout is checked first, and is the reason
    (mono(4, 9, 0), 100_000, 0, 4),  # yesterday's 09:00 is exactly 24 h old: out
    (mono(5, 8, 0), 200_000, 0, 2),  # the new setting; only 4/09:00 is still in the 24 h
    (mono(5, 11, 59, 59), 0, 44, 1),  # a second before the 4 h lockout ends; 4/09 is out
    (mono(5, 12, 0), 200_000, 0, 2),
    (mono(5, 16, 0), 200_000, 0, 3),
    (mono(5, 20, 0), 200_000, 0, 4),
    (mono(6, 0, 0), 200_000, 0, 5),
    (mono(6, 4, 0), 200_000, 0, 6),  # the 6th since 5/08:00: the maximum
    (mono(6, 7, 59, 59), 0, 44, 6),
    (mono(6, 8, 0), 200_000, 0, 6),  # 5/08:00 is exactly 24 h old: out
)
REFILL_AT = mono(6, 10, 0)


def ideal_at(t):
    """The ideal dose in ng * DAY_MS up to monotonic t: each rate (or the catheter-open
    floor, if higher) over its stretch, plus every granted bolus (each ends in minutes)."""
    total = 0
    for i in range(len(RATES)):
        a, rate = RATES[i]
        b = RATES[i + 1][0] if i + 1 < len(RATES) else t
        b = b if b < t else t
        if b > a:
            total += (b - a) * (rate if rate > FLOOR_NG_D else FLOOR_NG_D)
    for when, dose, _code, _n in PRESSES:
        if dose and when < t:
            total += dose * DAY_MS
    return total


def run_case3():
    """The case up to the refill: returns the board and every press's reply."""
    b = Board()
    for line in ("pin 2468", "login 2468", "time 2026-01-01T07:00:00",
                 "drug morphine 5mg/mL", "basal 0.4mg/d", "ptm off", "capacity 20mL",
                 "reservoir-alarm 2mL", "refill 20mL", "confirm", "prime 150uL"):
        b.ok(line)
    b.ok("sim advance %dms" % mono(0, 7, 10))
    b.login()
    b.ok("start")
    plan = [(t, "change", lines) for t, lines in CHANGES] + \
        [(t, "press", (dose, code, n)) for t, dose, code, n in PRESSES]
    for t, kind, what in sorted(plan, key=lambda p: p[0]):
        b.ok("sim advance %dms" % (t - b.clock.now_ms()))
        if kind == "change":
            b.login()
            for line in what:
                assert kv(b.ok(line))["rx"] == "staged"  # for review: console/cmd_review.py
            # Each of the case's steps is within the usual one (+50 %, +17 %, +43 %): a
            # plain commit, no override.
            assert kv(b.ok("commit"))["override"] == "-"
            continue
        dose, code, n = what
        if dose:
            assert kv(b.ok("bolus"))["dose_ng"] == str(dose), iso(t)
        else:
            b.err("bolus", code)
        assert kv(b.ok("status"))["boluses_24h"] == str(n), iso(t)
    return b


def test_case3_doses_raised_over_days_and_boluses_at_their_lockout_edges():
    b = run_case3()
    end = mono(6, 9, 0)
    b.ok("sim advance %dms" % (end - b.clock.now_ms()))
    s = kv(b.ok("status"))
    delivery_steps = ideal_at(end) // STEP_DOSE  # never ahead, less than a step behind
    assert b.motor.total == PRIME_STEPS + delivery_steps
    assert s["reservoir_nl"] == str(20_000_000 - b.motor.total * STEP_NL)
    assert s["delivered_ng"] == str((delivery_steps * STEP_NL - UNFILLED_NL) * CONC_NG_PER_NL)
    assert (s["basal_ng_d"], s["boluses_24h"], s["state"]) == ("1000000", "6", "running")
    # At 09:00 the lockout from 08:00 and the count (5/12:00 leaves the window at 12:00)
    # both say three hours.
    assert s["next_bolus_s"] == str(3 * 3600)


def test_case3_refill_brings_the_low_reservoir_alarm_at_the_predicted_millisecond():
    b = run_case3()
    b.ok("sim advance %dms" % (REFILL_AT - b.clock.now_ms()))
    b.login()
    b.ok("stop")
    b.ok("refill 2500uL withdrawn=%dnL" % b.dev.pump.reservoir.volume_nl())
    assert kv(b.ok("confirm"))["new_nl"] == str(REFILL_NL)
    b.ok("start")
    steps_then = ideal_at(REFILL_AT) // STEP_DOSE
    # The alarm sounds at the step that takes the reservoir to 2 mL or below.
    k = -(-(REFILL_NL - LOW_NL) // STEP_NL)
    due = REFILL_AT + -(-((steps_then + k) * STEP_DOSE - ideal_at(REFILL_AT)) // 1_000_000)
    predicted = kv(b.ok("status"))["low_alarm_at"]
    assert predicted == iso(due + 999), (predicted, iso(due))  # rounded up to the second
    reply = b.ok("sim advance %dms" % (due - 1 - b.clock.now_ms()))
    assert events(reply, "alarm") == []
    reply = b.ok("sim advance 1ms")
    assert events(reply, "alarm") == ["alarm name=low_reservoir time=" + iso(due)]
    assert b.motor.total == PRIME_STEPS + steps_then + k
    s = kv(b.ok("status"))
    assert s["reservoir_nl"] == str(REFILL_NL - k * STEP_NL)
    assert (s["state"], s["alarms"]) == ("running", "low_reservoir")  # INFORM: basal goes on
