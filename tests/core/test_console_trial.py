"""A trial dose (issue 16, item 7; DOMAIN case 2: an intrathecal trial of morphine
200 mcg before the pump): `trial <dose>` from stopped starts the pump, gives the dose as
a clinician's bolus and stops once it is given. Refused whole, nothing moved, where the
start or the bolus would be; stopped early it stays stopped, and no later bolus stops
the pump. Runs under pytest and MicroPython. Case 2's set-up: morphine 1 mg/mL at the
least flow on the bench rig (10 uL/min: 200 ug in 20 minutes)."""
from builders import MIN_MS
from console_fakes import Board, events, kv
from pump.errors import E_CLINICIAN_BOLUS_LIMIT, E_INVALID_EVENT, E_ROLE
from test_console_case2 import advance_to

STEP_NL = 1400


def stopped():
    b = Board()
    for line in ("pin 2468", "login 2468", "time 2026-01-01T07:00:00",
                 "drug morphine 1mg/mL", "basal min", "ptm off", "capacity 20mL",
                 "reservoir-alarm 2mL", "refill 20mL", "confirm", "prime 150uL",
                 "sim advance 10m"):
        b.ok(line)
    b.login()
    assert kv(b.ok("status"))["state"] == "stopped"
    return b


def test_a_trial_gives_its_dose_then_the_pump_stops_itself():
    b = stopped()
    before = b.dev.pump.delivered_ng("morphine")
    t0 = b.clock.now_ms()
    assert kv(b.ok("trial 200ug")) == {"dose_ng": "200000", "by": "clinician", "trial": "1",
                                       "state": "bolusing"}
    advance_to(b, t0 + 20 * MIN_MS - 1)
    assert kv(b.ok("status"))["state"] == "bolusing"
    reply = advance_to(b, t0 + 20 * MIN_MS)
    assert events(reply, "bolus-done"), reply
    assert kv(b.ok("status"))["state"] == "stopped"
    given = b.dev.pump.delivered_ng("morphine") - before
    # The dose, and twenty minutes of the least flow (48 uL/day at 1 mg/mL), to a step.
    assert abs(given - (200_000 + 48_000 * 20 // 1440)) <= STEP_NL, given
    steps = b.motor.total
    b.ok("sim advance 2h")
    assert b.motor.total == steps  # stopped: nothing more moves
    assert "trial dose_ng=200000" in " ".join(b.ok("log 20"))


def test_a_trial_spread_over_a_time_stops_at_its_end():
    b = stopped()
    t0 = b.clock.now_ms()
    b.ok("trial 200ug over=1h")
    advance_to(b, t0 + 59 * MIN_MS)
    assert kv(b.ok("status"))["state"] == "bolusing"
    advance_to(b, t0 + 60 * MIN_MS)
    assert kv(b.ok("status"))["state"] == "stopped"


def test_a_trial_that_would_be_refused_changes_nothing():
    b = stopped()
    steps = b.motor.total
    b.err("trial 600ug", E_CLINICIAN_BOLUS_LIMIT)  # over the table's 500 ug
    assert kv(b.ok("status"))["state"] == "stopped" and b.motor.total == steps
    b.ok("start")
    b.err("trial 200ug", E_INVALID_EVENT)  # only from stopped
    b.ok("logout")
    b.err("trial 200ug", E_ROLE)


def test_a_trial_stopped_early_stays_stopped_and_a_later_bolus_does_not_stop_the_pump():
    b = stopped()
    b.ok("trial 200ug")
    b.ok("sim advance 5m")
    b.login()
    b.ok("stop")
    b.ok("start")
    t0 = b.clock.now_ms()
    b.ok("bolus 100ug")
    advance_to(b, t0 + 10 * MIN_MS)
    assert kv(b.ok("status"))["state"] == "running"
