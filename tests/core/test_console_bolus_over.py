"""A clinician's bolus spread over a time (issue 16, item 7): `bolus 200ug over=30m` runs
at the dose over the time asked, not the rig's bolus speed, and every limit is checked
at the rate it will run at: a dose whose hour would be over the drug's hourly row at full
speed may be given over two hours. Never faster than the rig can, at most a day. Runs
under pytest and MicroPython. Case 2's trial set-up: morphine 1 mg/mL at the least flow."""
from builders import MIN_MS
from console_fakes import Board, kv, program_and_run
from pump.errors import E_BOLUS_OVER, E_DOSE_WINDOW, E_ROLE
from test_console_case2 import advance_to, mono, trial

STEP_NL = 1400  # the bench rig; morphine 1 mg/mL: 1.4 ug a step


def given_ng(b):
    return b.dev.pump.delivered_ng("morphine")


def test_a_bolus_over_half_an_hour_gives_its_dose_evenly_and_ends_on_time():
    b = trial()
    b.login()
    before = given_ng(b)
    t0 = b.clock.now_ms()
    reply = b.ok("bolus 200ug over=30m")
    assert kv(reply) == {"dose_ng": "200000", "by": "clinician", "over_s": "1800",
                         "state": "bolusing"}
    basal_ng_per_min = 48_000 // 1440  # the least flow at 1 mg/mL, ng a minute (33.3)
    advance_to(b, t0 + 15 * MIN_MS)
    half = given_ng(b) - before
    # Half the dose, plus a quarter hour of the least flow, within a step each way.
    assert abs(half - (100_000 + 15 * basal_ng_per_min)) <= STEP_NL, half
    assert kv(b.ok("status"))["state"] == "bolusing"
    advance_to(b, t0 + 30 * MIN_MS)
    assert kv(b.ok("status"))["state"] == "running"
    whole = given_ng(b) - before
    assert abs(whole - (200_000 + 30 * basal_ng_per_min)) <= STEP_NL, whole


def test_a_duration_the_rig_cannot_run_that_fast_or_over_a_day_is_refused():
    b = trial()
    b.login()
    # 200 uL at the bench rig's 10 uL/min takes 20 minutes at least.
    reply = b.err("bolus 200ug over=10m", E_BOLUS_OVER)
    assert reply[-1] == ("ERR 89 bolus over=10m: at least 20m (the rig's bolus speed) "
                         "and at most 1d"), reply
    b.err("bolus 200ug over=25h", E_BOLUS_OVER)
    assert kv(b.ok("status"))["state"] == "running"  # nothing changed
    b.ok("bolus 200ug over=20m")


def test_a_bolus_refused_for_its_hour_at_full_speed_may_run_over_two_hours():
    # Morphine 20 mg/mL: the bench rig's 10 uL/min gives 500 ug (the table's clinician
    # bolus) in 2.5 minutes. Four of them and the least flow leave less than 500 ug of
    # the 2.375 mg hourly row: a fifth is refused at full speed, and taken spread over
    # two hours, where less than half of it falls in this hour.
    b = program_and_run(Board(), (
        "time 2026-01-01T07:00:00", "drug morphine 20mg/mL", "basal min", "ptm off",
        "capacity 20mL", "reservoir-alarm 2mL", "refill 5mL", "confirm", "prime 150uL"),
        then="1h")
    b.login()
    for _ in range(4):
        b.ok("bolus 500ug")
        b.ok("sim advance 3m")
    b.err("bolus 500ug", E_DOSE_WINDOW)
    assert kv(b.ok("bolus 500ug over=2h"))["over_s"] == "7200"


def test_a_patient_cannot_spread_a_bolus():
    b = trial()
    b.ok("logout")
    b.err("bolus 200ug over=30m", E_ROLE)
