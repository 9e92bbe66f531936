"""Patient (myPTM) and clinician boluses through the pump: granted and refused at the exact
edges of the case reports, every refusal with its reason and changing nothing, the bolus
given at the rig's bolus speed with its exact volume, the rolling-hour limit enforced.
Runs under pytest and MicroPython (plain asserts, integers only)."""
from builders import (DAY_MS, HOUR_MS, MCG, MG, MIN_MS, MORPHINE_CONC, START_MS,
                      case1_pump, case1_rx, case2_rx, case3_pump, ready_pump)
from check import raises
from hal.sim.motor import SimMotor
from pump.errors import (E_HOURLY_LIMIT, E_BOLUS_RUNNING, E_CLINICIAN_BOLUS_LIMIT, E_CRITICAL, E_DAILY_MAX,
                         E_DOSE_WINDOW, E_LOCKOUT, E_NO_RX, E_NOT_RUNNING, E_RESERVOIR_EMPTY,
                         E_SUSPENDED)
from pump.prescription import Bolus, Prescription
from pump.pump import Pump
from pump.rig import bench_rig
from pump.schedule import BasalSchedule

RIG = bench_rig()
STEP_NL = RIG.step_num // RIG.step_den  # 1400 nL on the bench rig


def refused_changes_nothing(pump, code, fn, *args):
    """fn(*args) raises `code` and leaves status, motor and bolus history as they were."""
    now = args[-1]
    pump.advance(now)
    before = (pump.status(), pump.motor.total, list(pump.history.grants), pump.sm.state)
    err = raises(code, fn, *args)
    assert (pump.status(), pump.motor.total, list(pump.history.grants), pump.sm.state) == before
    return err


def bolus_steps_within_one_step(pump, twin, volume_nl):
    """The steps the bolus added (over a twin that had none) hold its volume to a step."""
    extra = pump.motor.total - twin.motor.total
    assert (extra - 1) * STEP_NL < volume_nl < (extra + 1) * STEP_NL, extra


def test_case1_bolus_granted_then_locked_out_to_the_ms():
    pump = case1_pump()
    t = START_MS + HOUR_MS
    assert pump.request_bolus(t) == 30 * MCG
    err = refused_changes_nothing(pump, E_LOCKOUT, pump.request_bolus, t + HOUR_MS - 1)
    assert err.values == (1,)
    assert pump.request_bolus(t + HOUR_MS) == 30 * MCG
    assert pump.status()["boluses_24h"] == 2


def test_case1_eighth_bolus_in_24_h_refused_until_the_first_is_24_h_old():
    pump = case1_pump()
    t0 = START_MS + HOUR_MS
    for i in range(7):
        assert pump.request_bolus(t0 + i * HOUR_MS) == 30 * MCG
    err = refused_changes_nothing(pump, E_DAILY_MAX, pump.request_bolus, t0 + 7 * HOUR_MS)
    assert err.values == (7, 7)
    err = refused_changes_nothing(pump, E_DAILY_MAX, pump.request_bolus, t0 + DAY_MS - 1)
    assert err.values == (7, 7)
    assert pump.status()["next_bolus_ms"] == 1
    assert pump.request_bolus(t0 + DAY_MS) == 30 * MCG


def test_case3_6_h_lockout_refuses_1_ms_early_and_grants_on_time():
    pump = case3_pump()
    t0 = START_MS + HOUR_MS
    for i in range(4):
        t = t0 + i * 6 * HOUR_MS
        assert pump.request_bolus(t) == 100 * MCG
        err = refused_changes_nothing(pump, E_LOCKOUT, pump.request_bolus, t + 6 * HOUR_MS - 1)
        assert err.values == (1,)
    assert pump.status()["boluses_24h"] == 4
    # The first drops out at the very ms the last one's lockout ends.
    assert pump.request_bolus(t0 + DAY_MS) == 100 * MCG


def test_case3_4_h_lockout_six_a_day_refused_until_the_first_is_24_h_old():
    pump = case3_pump(rate_ng_d=1 * MG, dose_ng=200 * MCG, lockout_ms=4 * HOUR_MS,
                      max_per_day=6)
    t0 = START_MS
    for i in range(6):
        assert pump.request_bolus(t0 + i * 4 * HOUR_MS) == 200 * MCG
    err = refused_changes_nothing(pump, E_LOCKOUT, pump.request_bolus, t0 + DAY_MS - 1)
    assert err.values == (1,)
    assert pump.status()["boluses_24h"] == 6
    assert pump.request_bolus(t0 + DAY_MS) == 200 * MCG


def test_case3_fifth_bolus_in_24_h_refused_across_midnight():
    pump = case3_pump(lockout_ms=HOUR_MS)  # a shorter lockout, still 4 a day
    t0 = 20 * HOUR_MS
    for i in range(4):
        pump.request_bolus(t0 + i * HOUR_MS)  # 20:00 to 23:00
    err = refused_changes_nothing(pump, E_DAILY_MAX, pump.request_bolus, DAY_MS + HOUR_MS)
    assert err.values == (4, 4)


def test_bolus_completes_at_the_bolus_speed_well_within_10_minutes():
    pump = case1_pump()
    t = START_MS + HOUR_MS
    pump.request_bolus(t)
    # 30 ug of 1 mg/mL is 30 uL; at 10 uL/min that is exactly 3 min.
    pump.advance(t + 3 * MIN_MS - 1)
    assert pump.sm.state == "bolusing"
    pump.advance(t + 3 * MIN_MS)
    assert pump.sm.state == "running"
    assert pump.status()["next_bolus_ms"] == HOUR_MS - 3 * MIN_MS


def test_case1_bolus_volume_is_exact_to_one_step():
    pump, twin = case1_pump(), case1_pump()
    t = START_MS + 2 * HOUR_MS + 17
    pump.request_bolus(t)
    for when in (t + 10 * MIN_MS, t + 6 * HOUR_MS):
        pump.advance(when)
        twin.advance(when)
        bolus_steps_within_one_step(pump, twin, 30_000)
    assert pump.delivered_ng() - twin.delivered_ng() in (29_400, 30_800)  # 21 or 22 steps


def test_case3_bolus_volumes_are_exact_to_one_step():
    for dose, volume_nl in ((100 * MCG, 10_000), (200 * MCG, 20_000)):
        pump = case3_pump(dose_ng=dose)
        twin = case3_pump(dose_ng=dose)
        t = START_MS + 30 * MIN_MS
        pump.request_bolus(t)
        pump.advance(t + 10 * MIN_MS)
        twin.advance(t + 10 * MIN_MS)
        assert pump.sm.state == "running"
        bolus_steps_within_one_step(pump, twin, volume_nl)


def test_dose_record_holds_the_whole_bolus_to_the_last_fraction_of_a_ms():
    # 100_001 ng of 10 mg/mL at 10 uL/min lasts 60_000.6 ms: the 0.6 ms left at the end
    # still counts toward the rolling-window limits.
    pump = case3_pump(dose_ng=100_001)
    twin = case3_pump(dose_ng=100_001)
    t = START_MS + HOUR_MS
    pump.request_bolus(t)
    pump.advance(t + 10 * MIN_MS)
    twin.advance(t + 10 * MIN_MS)
    later = t + 10 * MIN_MS
    assert pump.ledger.cum_at(later) - twin.ledger.cum_at(later) == 100_001 * pump.u_per_ng


def test_bolus_refused_without_a_prescription():
    pump = Pump(RIG, SimMotor())
    err = refused_changes_nothing(pump, E_NO_RX, pump.request_bolus, 0)
    assert err.values == ()


def test_bolus_refused_when_the_prescription_has_no_patient_bolus():
    pump = ready_pump(case2_rx())
    err = refused_changes_nothing(pump, E_NO_RX, pump.request_bolus, START_MS + HOUR_MS)
    assert err.values == ()


def test_bolus_refused_while_suspended():
    pump = case1_pump()
    pump.suspend(START_MS + HOUR_MS)
    refused_changes_nothing(pump, E_SUSPENDED, pump.request_bolus, START_MS + 2 * HOUR_MS)


def test_bolus_refused_after_a_stop_alarm():
    pump = case1_pump()
    pump.motor.stall_after = 3
    pump.advance(START_MS + HOUR_MS)
    assert pump.sm.state == "alarm"
    err = refused_changes_nothing(pump, E_CRITICAL, pump.request_bolus, START_MS + HOUR_MS)
    assert err.values == ("stall",)


def test_bolus_refused_under_a_limit_alarm_while_basal_runs():
    pump = case1_pump()
    pump.fault("clock", START_MS + HOUR_MS)
    assert pump.sm.state == "running"
    err = refused_changes_nothing(pump, E_CRITICAL, pump.request_bolus, START_MS + 2 * HOUR_MS)
    assert err.values == ("clock",)
    err = refused_changes_nothing(pump, E_CRITICAL, pump.clinician_bolus, 50 * MCG,
                                  START_MS + 2 * HOUR_MS)
    assert err.values == ("clock",)


def test_bolus_refused_while_one_is_running_with_the_ms_left():
    pump = case1_pump()
    t = START_MS + HOUR_MS
    pump.request_bolus(t)
    err = refused_changes_nothing(pump, E_BOLUS_RUNNING, pump.request_bolus, t + MIN_MS)
    assert err.values == (2 * MIN_MS,)
    refused_changes_nothing(pump, E_BOLUS_RUNNING, pump.clinician_bolus, 10 * MCG, t + MIN_MS)
    assert pump.status()["boluses_24h"] == 1


def test_bolus_refused_when_not_running():
    pump = case1_pump()
    pump.stop(START_MS + HOUR_MS)
    err = refused_changes_nothing(pump, E_NOT_RUNNING, pump.request_bolus, START_MS + HOUR_MS)
    assert err.values == ("stopped",)


def test_bolus_refused_when_the_reservoir_cannot_give_it():
    # 20 uL left after priming; the 30 ug bolus needs 30 uL.
    pump = case1_pump(fill_nl=150_000 + 20_000)
    err = refused_changes_nothing(pump, E_RESERVOIR_EMPTY, pump.request_bolus, START_MS + MIN_MS)
    assert err.values == ()
    assert pump.status()["boluses_24h"] == 0


def test_clinician_trial_bolus_counts_as_dose_but_not_as_a_patient_bolus():
    # Case 2 on a pump also set for case 3's myPTM: the 200 ug trial, then a patient press.
    pump = case3_pump(lockout_ms=HOUR_MS)
    twin = case3_pump(lockout_ms=HOUR_MS)
    t = START_MS + HOUR_MS
    assert pump.clinician_bolus(200 * MCG, t) == 200 * MCG
    assert pump.sm.state == "bolusing"
    pump.advance(t + 10 * MIN_MS)
    twin.advance(t + 10 * MIN_MS)
    assert pump.sm.state == "running"
    bolus_steps_within_one_step(pump, twin, 20_000)  # 200 ug of 10 mg/mL
    st = pump.status()
    assert st["boluses_24h"] == 0
    assert st["next_bolus_ms"] == 0
    assert pump.request_bolus(t + 10 * MIN_MS) == 100 * MCG  # no lockout from it
    assert pump.status()["boluses_24h"] == 1


def test_case2_trial_bolus_up_to_the_table_limit_and_not_above():
    pump = ready_pump(case2_rx())
    t = START_MS + HOUR_MS
    err = refused_changes_nothing(pump, E_CLINICIAN_BOLUS_LIMIT, pump.clinician_bolus,
                                  500 * MCG + 1, t)
    assert err.values == (500 * MCG + 1, 500 * MCG)
    raises(E_CLINICIAN_BOLUS_LIMIT, pump.clinician_bolus, 0, t)
    assert pump.clinician_bolus(200 * MCG, t) == 200 * MCG
    pump.advance(t + HOUR_MS)
    assert pump.clinician_bolus(500 * MCG, t + HOUR_MS) == 500 * MCG


def test_clinician_limit_is_the_tightest_over_every_drug_in_the_mix():
    # Case 1: hydromorphone allows 100 ug; clonidine's 20 ug at 75/1000 allows 266 ug.
    pump = case1_pump()
    err = raises(E_CLINICIAN_BOLUS_LIMIT, pump.clinician_bolus, 100 * MCG + 1, START_MS)
    assert err.values == (100 * MCG + 1, 100 * MCG)
    # Morphine 10 mg/mL with clonidine 1 mg/mL: clonidine's 20 ug caps morphine at 200 ug.
    rx = Prescription((("morphine", MORPHINE_CONC), ("clonidine", 1000 * MCG)),
                      BasalSchedule(((0, 700 * MCG),)), None, 20_000_000, 2_000_000, RIG)
    pump = ready_pump(rx)
    err = raises(E_CLINICIAN_BOLUS_LIMIT, pump.clinician_bolus, 200 * MCG + 1, START_MS)
    assert err.values == (200 * MCG + 1, 200 * MCG)
    assert pump.clinician_bolus(200 * MCG, START_MS) == 200 * MCG


# Morphine 10 mg/mL with a 2.1 mg hour at 01:00: with its 250 ug bolus, 2.35 mg in that
# hour, just under the table's rolling-hour limit of 2.375 mg.
SPIKE = ((0, 1 * MG), (60, 50_400 * MCG), (120, 1 * MG))
HOURLY_LIMIT = 500 * MCG + 15 * MG // 8


def spike_pump():
    rx = Prescription((("morphine", MORPHINE_CONC),), BasalSchedule(SPIKE),
                      Bolus(250 * MCG, HOUR_MS, 4), 20_000_000, 2_000_000, RIG)
    return ready_pump(rx)


def test_spike_prescription_bolus_alone_fits_the_hour():
    pump = spike_pump()
    assert pump.request_bolus(HOUR_MS + 3 * MIN_MS) == 250 * MCG


def test_bolus_that_would_break_the_rolling_hour_is_refused_with_the_numbers():
    pump = spike_pump()
    assert pump.clinician_bolus(200 * MCG, HOUR_MS) == 200 * MCG
    t = HOUR_MS + 3 * MIN_MS
    pump.advance(t)
    assert pump.sm.state == "running"
    err = refused_changes_nothing(pump, E_DOSE_WINDOW, pump.request_bolus, t)
    # 01:00-02:00: 2.1 mg basal + the 200 ug trial + this 250 ug.
    assert err.values == (HOUR_MS, 2_100 * MCG + 200 * MCG + 250 * MCG, HOURLY_LIMIT)
    # The same press once that hour has passed: the window no longer holds both.
    assert pump.request_bolus(2 * HOUR_MS + 3 * MIN_MS) == 250 * MCG


def test_an_hour_within_one_step_of_the_limit_is_refused_when_programmed():
    # A 2.115 mg hour: with the 250 ug bolus, 2.365 mg, 10 ug under the limit, but one
    # 14 ug step of motor lag could carry it over, so the prescription itself is refused.
    err = raises(E_HOURLY_LIMIT, Prescription, (("morphine", MORPHINE_CONC),),
                 BasalSchedule(((0, 1 * MG), (60, 50_760 * MCG), (120, 1 * MG))),
                 Bolus(250 * MCG, HOUR_MS, 4), 20_000_000, 2_000_000, RIG)
    assert err.values == ("morphine", 2_365 * MCG, HOURLY_LIMIT)


def test_a_bolus_that_leaves_exactly_one_step_under_the_hourly_limit_is_granted():
    # A 2.111 mg hour: with the bolus, 2.361 mg, exactly one 14 ug step under 2.375 mg.
    rx = Prescription((("morphine", MORPHINE_CONC),),
                      BasalSchedule(((0, 1 * MG), (60, 50_664 * MCG), (120, 1 * MG))),
                      Bolus(250 * MCG, HOUR_MS, 4), 20_000_000, 2_000_000, RIG)
    pump = ready_pump(rx)
    assert pump.request_bolus(HOUR_MS) == 250 * MCG


def test_a_second_clinician_bolus_is_held_to_the_rolling_hour_too():
    pump = spike_pump()
    pump.clinician_bolus(200 * MCG, HOUR_MS)
    err = refused_changes_nothing(pump, E_DOSE_WINDOW, pump.clinician_bolus, 200 * MCG,
                                  HOUR_MS + 30 * MIN_MS)
    assert err.values[0] == HOUR_MS
    assert err.values[1] == 2_500 * MCG


def test_reprogramming_with_a_bolus_running_keeps_the_bolus_and_the_limits():
    pump = case1_pump()
    t = START_MS + HOUR_MS
    pump.request_bolus(t)
    pump.program(case1_rx(((0, 600 * MCG),)), t + MIN_MS)
    assert pump.sm.state == "bolusing"
    pump.advance(t + 3 * MIN_MS)
    assert pump.sm.state == "running"
    err = raises(E_LOCKOUT, pump.request_bolus, t + 3 * MIN_MS)
    assert err.values == (HOUR_MS - 3 * MIN_MS,)
