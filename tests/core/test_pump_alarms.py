"""Alarms through the pump: a stall stops delivery and waits for a clinician; a LIMIT alarm
cuts a bolus but keeps basal going; an INFORM alarm changes nothing; latching alarms stay
until acknowledged. Runs under pytest and MicroPython (plain asserts, integers only)."""
from builders import (CASE1_FLAT, HOUR_MS, MCG, MG, MIN_MS, MORPHINE_CONC, START_MS,
                      basal_ng_ms, case1_pump, prime_steps, ready_pump, steps_for_ng_ms)
from check import raises
from pump.alarms import AlarmSet, INFORM, LIMIT, STOP, row
from pump.errors import E_ACK_CLOCK, E_CRITICAL, E_DOSE_WINDOW, E_INVALID_EVENT, E_RANGE
from pump.prescription import Prescription
from pump.schedule import BasalSchedule
from pump.rig import bench_rig

RIG = bench_rig()
PRIMED = prime_steps(RIG)
STEP_EVERY_MS = 172_800  # 700 ug/day of 1 mg/mL in 1.4 uL steps


def basal_steps(pump):
    return pump.motor.total - PRIMED


def ideal_steps(t0, t1):
    num, den = steps_for_ng_ms(basal_ng_ms(CASE1_FLAT, t0, t1), 1000 * MCG, RIG)
    return num // den


def stalled_pump(after_steps=5):
    pump = case1_pump()
    pump.motor.stall_after = after_steps
    pump.advance(START_MS + HOUR_MS)
    return pump


def test_stall_raises_the_stall_alarm_and_moves_to_alarm():
    pump = stalled_pump(5)
    st = pump.status()
    assert st["state"] == "alarm"
    assert st["alarms"] == ["stall"]
    assert basal_steps(pump) == 5
    # The hour's steps were asked for in one move; all but the five are counted missed.
    assert pump.steps_missed == ideal_steps(START_MS, START_MS + HOUR_MS) - 5
    assert pump.alarms.state["stall"][0] == START_MS + HOUR_MS
    assert not pump.motor.enabled


def test_stall_is_raised_at_the_step_that_failed():
    pump = case1_pump()
    pump.motor.stall_after = 2
    pump.advance(START_MS + 3 * STEP_EVERY_MS - 1)
    assert pump.sm.state == "running"
    pump.advance(START_MS + 3 * STEP_EVERY_MS)
    assert pump.sm.state == "alarm"
    assert pump.alarms.state["stall"][0] == START_MS + 3 * STEP_EVERY_MS


def test_stall_late_in_a_long_advance_keeps_the_dose_before_it_in_the_rolling_hour():
    # Morphine 10 mg/mL, 2.1 mg from 01:00 to 02:00. The motor gives 120 steps of 14 ug
    # (1.68 mg) and stalls, found only at 01:50. A 500 ug trial bolus then would make that
    # hour 2.6 mg of ideal dose, over the 2.375 mg limit.
    rx = Prescription((("morphine", MORPHINE_CONC),),
                      BasalSchedule(((0, 1 * MG), (60, 50_400 * MCG), (120, 1 * MG))),
                      None, 20_000_000, 2_000_000, RIG)
    pump = ready_pump(rx)
    pump.advance(HOUR_MS)
    pump.motor.stall_after = 120
    t = HOUR_MS + 50 * MIN_MS
    pump.advance(t)
    assert pump.sm.state == "alarm"
    assert pump.alarms.state["stall"][0] == t  # when the pump met it, not when it last looked
    pump.motor.stall_after = None
    pump.ack("stall", t)
    pump.start(t)
    err = raises(E_DOSE_WINDOW, pump.clinician_bolus, 500 * MCG, t)
    assert err.values == (HOUR_MS, 2_100 * MCG + 500 * MCG, 500 * MCG + 15 * MG // 8)


def test_nothing_moves_while_in_alarm():
    pump = stalled_pump()
    pump.motor.stall_after = None  # the blockage clears by itself
    total = pump.motor.total
    pump.advance(START_MS + 10 * HOUR_MS)
    assert pump.motor.total == total
    assert pump.sm.state == "alarm"


def test_acknowledging_a_stop_alarm_returns_to_stopped_not_running():
    pump = stalled_pump()
    pump.motor.stall_after = None
    t = START_MS + 2 * HOUR_MS
    pump.ack("stall", t)
    st = pump.status()
    assert st["state"] == "stopped"
    # The stall stopped case 1's clonidine over an hour ago: the reminder stays until
    # delivery does (settle.py), whatever was acknowledged.
    assert st["alarms"] == ["withdrawal_risk"]
    total = pump.motor.total
    pump.advance(t + HOUR_MS)
    assert pump.motor.total == total  # no restart on its own, and no catch-up
    pump.start(t + HOUR_MS)
    assert pump.status()["alarms"] == []
    pump.advance(t + 3 * HOUR_MS)
    assert pump.sm.state == "running"
    ideal = ideal_steps(t + HOUR_MS, t + 3 * HOUR_MS)
    assert ideal <= pump.motor.total - total <= ideal + 1


def test_stall_during_a_bolus_ends_it_for_good():
    pump = case1_pump()
    t = START_MS + HOUR_MS
    pump.request_bolus(t)
    pump.motor.stall_after = 4
    pump.advance(t + MIN_MS)
    assert pump.sm.state == "alarm"
    pump.motor.stall_after = None
    pump.ack("stall", t + MIN_MS)
    restart = t + 2 * MIN_MS
    pump.start(restart)
    assert pump.sm.state == "running"  # not bolusing: the rest of the bolus is dropped
    total = pump.motor.total
    pump.advance(restart + HOUR_MS)
    ideal = ideal_steps(restart, restart + HOUR_MS)
    assert ideal <= pump.motor.total - total <= ideal + 1


def test_restart_on_a_motor_still_blocked_stalls_again():
    pump = stalled_pump()
    t = START_MS + 2 * HOUR_MS
    pump.ack("stall", t)
    pump.start(t)
    pump.advance(t + HOUR_MS)
    assert pump.sm.state == "alarm"
    assert pump.status()["alarms"] == ["stall"]


def test_stop_alarm_while_suspended_leaves_no_way_back_but_the_acknowledgement():
    pump = case1_pump()
    pump.suspend(START_MS + MIN_MS)
    pump.fault("occlusion", START_MS + 2 * MIN_MS)
    assert pump.sm.state == "alarm"
    assert pump.start_allowed() == (E_CRITICAL, "occlusion")
    for cmd in (pump.resume, pump.start):
        err = raises(E_INVALID_EVENT, cmd, START_MS + 3 * MIN_MS)
        assert err.values[1] == "alarm"
    err = raises(E_RANGE, pump.ack, "stall", START_MS + 3 * MIN_MS)  # not active
    assert err.values == ("stall",)
    assert pump.sm.state == "alarm"
    pump.ack("occlusion", START_MS + 3 * MIN_MS)
    assert pump.sm.state == "stopped"


def test_limit_alarm_cuts_a_bolus_in_progress_but_basal_continues():
    pump, twin = case1_pump(), case1_pump()
    t = START_MS + HOUR_MS
    pump.request_bolus(t)
    twin.request_bolus(t)
    pump.fault("clock", t + MIN_MS)
    assert pump.sm.state == "running"
    assert pump.status()["alarms"] == ["clock"]
    assert pump.motor.enabled
    pump.advance(t + MIN_MS)
    cut_at = pump.motor.total
    twin.advance(t + 3 * HOUR_MS)
    pump.advance(t + 3 * HOUR_MS)
    # Basal went on: the steps after the cut are basal's, within one step.
    after = pump.motor.total - cut_at
    ideal = ideal_steps(t + MIN_MS, t + 3 * HOUR_MS)
    assert ideal <= after <= ideal + 1, after
    # Two thirds of the 30 uL bolus were never given: about 14 steps fewer than the twin.
    assert 13 <= twin.motor.total - pump.motor.total <= 15


def test_limit_alarm_clears_with_its_acknowledgement_and_boluses_return():
    pump = case1_pump()
    pump.fault("dose_limit", START_MS + HOUR_MS)
    raises(E_CRITICAL, pump.request_bolus, START_MS + HOUR_MS)
    pump.ack("dose_limit", START_MS + HOUR_MS + 1)
    assert pump.status()["alarms"] == []
    assert pump.sm.state == "running"
    assert pump.request_bolus(START_MS + HOUR_MS + 1) == 30 * MCG


def test_inform_alarm_changes_nothing():
    pump, twin = case1_pump(), case1_pump()
    t = START_MS + HOUR_MS
    pump.fault("battery_eri", t)
    assert pump.sm.state == "running"
    assert pump.status()["alarms"] == ["battery_eri"]
    for p in (pump, twin):
        p.advance(t + 2 * HOUR_MS)
        assert p.request_bolus(t + 2 * HOUR_MS) == 30 * MCG
        p.advance(t + 5 * HOUR_MS)
    assert pump.motor.total == twin.motor.total
    assert pump.delivered_ng() == twin.delivered_ng()
    st, tw = pump.status(), twin.status()
    st.pop("alarms")
    tw.pop("alarms")
    assert st == tw


def test_stop_alarm_while_stopped_goes_to_alarm_with_the_motor_off():
    pump = case1_pump()
    pump.stop(START_MS + MIN_MS)
    pump.fault("memory", START_MS + 2 * MIN_MS)
    assert pump.sm.state == "alarm"
    assert not pump.motor.enabled


def test_unknown_alarm_name_refused():
    pump = case1_pump()
    err = raises(E_RANGE, pump.fault, "gremlins", START_MS)
    assert err.values == ("gremlins",)
    assert pump.sm.state == "running"


def test_stall_and_empty_stop_delivery_clock_limits_it_low_reservoir_informs():
    assert row("stall")[2] == STOP
    assert row("empty")[2] == STOP
    assert row("clock")[2] == LIMIT
    assert row("low_reservoir")[2] == INFORM
    assert row("battery_eri")[2] == INFORM


def test_latching_alarm_stays_after_its_cause_until_acknowledged():
    a = AlarmSet()
    assert a.raise_("clock", 10)
    a.cause_gone("clock")
    assert a.is_active("clock")
    a.ack("clock")
    assert not a.is_active("clock")


def test_non_latching_alarm_goes_with_its_cause():
    a = AlarmSet()
    assert a.raise_("low_reservoir", 10)
    a.cause_gone("low_reservoir")
    assert not a.is_active("low_reservoir")
    assert a.active() == []


def test_acknowledgement_does_not_silence_an_alarm_whose_cause_is_present():
    a = AlarmSet()
    a.raise_("occlusion", 10)
    a.ack("occlusion")
    assert a.is_active("occlusion")
    assert a.first_with(STOP) == "occlusion"
    a.cause_gone("occlusion")
    assert not a.is_active("occlusion")


def test_raising_an_active_alarm_again_keeps_its_first_time():
    a = AlarmSet()
    assert a.raise_("stall", 10)
    assert not a.raise_("stall", 20)
    assert a.state["stall"][0] == 10


def test_active_alarms_are_listed_highest_priority_first():
    a = AlarmSet()
    for name in ("low_reservoir", "clock", "stall", "battery_eri", "empty"):
        a.raise_(name, 0)
    assert a.active() == ["empty", "stall", "clock", "battery_eri", "low_reservoir"]
    assert a.worst_effect() == STOP
    assert a.first_with(LIMIT) == "clock"


def test_the_clock_alarm_is_not_acknowledged_only_a_confirmed_time_ends_it():
    pump = case1_pump()
    t = START_MS + HOUR_MS
    pump.fault("clock", t)
    raises(E_ACK_CLOCK, pump.ack, "clock", t + 1)
    assert pump.status()["alarms"] == ["clock"]
    raises(E_CRITICAL, pump.request_bolus, t + 1)
    pump.confirm_time(pump.t + pump.wall_offset_ms, t + 2)
    assert pump.status()["alarms"] == []
