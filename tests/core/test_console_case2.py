"""docs/clinical_background.md case 2 played through console lines alone: a 43-year-old's
intrathecal trial of morphine 200 mcg given as a clinician bolus, then the pump. Totals
checked against numbers worked out here from the case's figures with plain integer sums.
Runs under pytest and MicroPython.

The case gives neither the concentration nor the pump's first dose: the test uses
morphine 1 mg/mL (at 10 mg/mL the rig's catheter-open flow alone would give 480 mcg a
day, more than the trial) and starts the pump at the trial dose as a daily rate,
200 mcg/day, with no patient bolus."""
from builders import DAY_MS, HOUR_MS, MIN_MS
from console_fakes import Board, events, kv

STEP_NL = 1400  # bench rig: 1.4 uL a step
CONC_NG_PER_NL = 1  # morphine 1 mg/mL
MIN_FLOW_NL_D = 48_000  # the bench rig's catheter-open flow
BOLUS_NL_PER_MIN = 10_000  # the bench rig's bolus speed
TRIAL_NG = 200_000  # 200 mcg
PUMP_NG_D = 200_000
PRIME_STEPS = 150_000 // STEP_NL  # the 150 uL line, whole steps
UNFILLED_NL = 150_000 - PRIME_STEPS * STEP_NL  # topped up by the first delivery step


def mono(day, hh, mm, ss=0):
    """Monotonic ms of a wall time; the console's clock is set to 07:00 at monotonic 0."""
    return day * DAY_MS + hh * HOUR_MS + mm * MIN_MS + ss * 1000 - 7 * HOUR_MS


def advance_to(b, t):
    return b.ok("sim advance %dms" % (t - b.clock.now_ms()))


def trial():
    b = Board()
    for line in ("pin 2468", "login 2468", "time 2026-01-01T07:00:00",
                 "drug morphine 1mg/mL", "basal min", "ptm off", "capacity 20mL",
                 "reservoir-alarm 2mL", "refill 20mL", "confirm", "prime 150uL"):
        b.ok(line)
    advance_to(b, mono(0, 7, 10))
    b.login()
    assert kv(b.ok("start"))["new"] == "running"
    advance_to(b, mono(0, 8, 0))
    return b


def test_case2_trial_bolus_runs_at_the_rig_speed_and_ends_to_the_millisecond():
    b = trial()
    b.err("bolus", 40)  # no patient bolus in a trial: only the clinician gives it
    b.login()
    reply = b.ok("bolus 200ug")
    assert kv(reply) == {"dose_ng": "200000", "by": "clinician", "state": "bolusing"}
    # 200 uL at 10 uL/min: exactly 20 minutes.
    run_ms = TRIAL_NG // CONC_NG_PER_NL * MIN_MS // BOLUS_NL_PER_MIN
    assert run_ms == 20 * MIN_MS
    advance_to(b, mono(0, 8, 0) + run_ms - 1)
    assert kv(b.ok("status"))["state"] == "bolusing"
    reply = advance_to(b, mono(0, 8, 0) + run_ms)
    assert events(reply, "bolus-done") == ["bolus-done time=2026-01-01T08:20:00"]
    assert kv(b.ok("status"))["state"] == "running"
    b.login()
    b.err("bolus 0.6mg", 48)  # over the drug table's 500 mcg clinician bolus


def test_case2_trial_then_the_pump_give_the_exact_totals():
    b = trial()
    b.login()
    b.ok("bolus 200ug")
    advance_to(b, mono(1, 8, 0))  # a day of relief: the pump is implanted and set
    b.login()
    # The trial ran the pump at the least flow (48 ug a day at 1 mg/mL): its dose is a
    # change for review, +317 %, over the usual step (pump/drug_soft.py), which the
    # clinician passes on purpose, logged as an override (console/cmd_review.py).
    assert kv(b.ok("basal 200ug/d"))["rx"] == "staged"
    b.err("commit", 99)
    assert kv(b.ok("commit override"))["override"] == "morphine,step"
    end = mono(2, 8, 0)
    advance_to(b, end)
    s = kv(b.ok("status"))

    # The ideal in ng * DAY_MS: the catheter-open flow until the pump's dose is set (the
    # schedule said 0), the trial, then 200 mcg a day (above the floor).
    floor_ng_d = MIN_FLOW_NL_D * CONC_NG_PER_NL
    ideal = floor_ng_d * (mono(1, 8, 0) - mono(0, 7, 10)) + TRIAL_NG * DAY_MS \
        + max(PUMP_NG_D, floor_ng_d) * (end - mono(1, 8, 0))
    delivery_steps = ideal // (STEP_NL * CONC_NG_PER_NL * DAY_MS)
    assert b.motor.total == PRIME_STEPS + delivery_steps
    assert s["reservoir_nl"] == str(20_000_000 - b.motor.total * STEP_NL)
    assert s["delivered_ng"] == str((delivery_steps * STEP_NL - UNFILLED_NL) * CONC_NG_PER_NL)
    assert (s["state"], s["basal_ng_d"], s["alarms"]) == ("running", "200000", "-")
    assert s["time"] == "2026-01-03T08:00:00"
