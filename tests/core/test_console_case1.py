"""docs/clinical_background.md case 1 played through console lines alone: programmed,
filled, primed, started, a day and a half advanced with the fake sim, boluses granted and
refused by the lockout and by the rolling 24 h maximum, and the totals checked against
numbers worked out here (plain integer sums, no firmware schedule code). Runs under pytest
and MicroPython."""
from builders import CASE1_FLEX, DAY_MS, HOUR_MS, MIN_MS, basal_ng_ms
from console_fakes import Board, events, kv

STEP_NL = 1400  # bench rig: 1.4 uL a step
CONC_NG_PER_NL = 1  # hydromorphone 1000 ug/mL
# 2026-01-01 is 56 years after 1970 with 14 leap days between (1972 ... 2024).
JAN1_2026_MS = (56 * 365 + 14) * DAY_MS
T0_WALL = JAN1_2026_MS + 7 * HOUR_MS  # the console's clock is set to 07:00 at monotonic 0


def mono(day, hh, mm, ss=0):
    """Monotonic ms of a wall time on day 0 (Jan 1) or day 1 (Jan 2)."""
    return day * DAY_MS + hh * HOUR_MS + mm * MIN_MS + ss * 1000 - 7 * HOUR_MS


def advance_to(b, t):
    gap = t - b.clock.now_ms()
    assert gap > 0
    return b.ok("sim advance %dms" % gap)


PRESSES = (  # (day, hh, mm, ss, granted, refusal code)
    (0, 9, 0, 0, True, 0),
    (0, 9, 30, 0, False, 44),  # lockout: 30 min left
    (0, 10, 1, 0, True, 0),
    (0, 13, 0, 0, True, 0),
    (0, 14, 0, 0, True, 0),
    (0, 15, 0, 0, True, 0),
    (0, 18, 0, 0, True, 0),
    (0, 19, 0, 0, True, 0),  # the 7th
    (0, 21, 0, 0, False, 45),  # 7 in 24 h
    (0, 23, 30, 0, False, 45),
    (1, 8, 59, 59, False, 45),  # the first is a second short of 24 h old
    (1, 9, 0, 0, True, 0),  # now it is 24 h old: out of the window
)


def _program_and_start():
    b = Board()
    b.ok("pin 2468")
    b.ok("login 2468")
    b.ok("time 2026-01-01T07:00:00")
    b.ok("drug hydromorphone 1000ug/mL ropivacaine 2500ug/mL clonidine 75ug/mL")
    b.ok("basal 00:00=600ug/d 08:00=800ug/d 20:00=700ug/d")
    b.ok("ptm 30ug lockout=1h max=7")
    b.ok("capacity 40mL")
    assert kv(b.ok("reservoir-alarm 2mL"))["rx"] == "programmed"
    b.ok("refill 40mL")
    assert kv(b.ok("confirm"))["new_nl"] == "40000000"
    b.ok("prime 150uL")
    reply = advance_to(b, mono(0, 7, 10))
    assert events(reply, "primed") == ["primed volume_nl=149800 time=2026-01-01T07:02:59"]
    assert kv(b.ok("start"))["new"] == "running"
    return b


def test_case1_day_through_the_console_gives_the_exact_totals():
    b = _program_and_start()
    granted = 0
    for day, hh, mm, ss, ok, code in PRESSES:
        advance_to(b, mono(day, hh, mm, ss))
        if ok:
            reply = b.ok("bolus")
            assert kv(reply)["dose_ng"] == "30000"
            assert events(reply, "bolus")[0].startswith("bolus dose_ng=30000 by=patient")
            granted += 1
        else:
            reply = b.err("bolus", code)
            assert events(reply, "refused")[0].startswith("refused code=%d" % code)
    assert granted == 8
    end = mono(1, 9, 30)
    advance_to(b, end)
    s = kv(b.ok("status"))

    start = mono(0, 7, 10)
    basal = basal_ng_ms(CASE1_FLEX, T0_WALL + start, T0_WALL + end)  # ng * DAY_MS
    ideal = basal + granted * 30_000 * DAY_MS
    delivery_steps = ideal // (STEP_NL * CONC_NG_PER_NL * DAY_MS)  # never ahead, < 1 behind
    prime_steps = 150_000 // STEP_NL
    assert prime_steps == 107
    assert b.motor.total == prime_steps + delivery_steps
    assert s["reservoir_nl"] == str(40_000_000 - (prime_steps + delivery_steps) * STEP_NL)
    # The first delivery step topped up the line's last 200 nL; the rest left the tip.
    unfilled = 150_000 - prime_steps * STEP_NL
    assert unfilled == 200
    assert s["delivered_ng"] == str((delivery_steps * STEP_NL - unfilled) * CONC_NG_PER_NL)
    assert s["time"] == "2026-01-02T09:30:00"
    assert s["state"] == "running"
    assert s["alarms"] == "-"  # not low, and the step guard never tripped
    assert s["basal_ng_d"] == "800000"
    assert s["boluses_24h"] == "7"  # 10:01 ... 19:00 and today's 09:00
    assert s["step_nl"] == "1400"


def test_case1_status_tells_the_patient_how_long_to_wait():
    b = _program_and_start()
    advance_to(b, mono(0, 9, 0))
    b.ok("bolus")
    advance_to(b, mono(0, 9, 30))
    assert kv(b.ok("status"))["next_bolus_s"] == "1800"
    err = b.err("bolus", 44)[-1]
    assert "next bolus in 30m" in err  # the wait, in readable units
    for hh in (10, 13, 14, 15, 18, 19):
        advance_to(b, mono(0, hh, 0))
        b.ok("bolus")
    advance_to(b, mono(0, 21, 0))
    s = kv(b.ok("status"))
    assert (s["boluses_24h"], s["next_bolus_s"]) == ("7", str(12 * 3600))  # until 09:00
    assert b.err("bolus", 45)[-1] == "ERR 45 7 boluses in the last 24 h, maximum 7"
