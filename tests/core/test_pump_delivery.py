"""Basal delivery by the pump on the bench rig: a day within one step of the ideal (worked
out here from the schedule by plain integer sums), rate changes at once, no catch-up after a
suspend, the catheter kept open, the motor disabled whenever the pump does not deliver.
Runs under pytest and MicroPython (plain asserts, integers only)."""
from builders import (CASE1_FLAT, CASE1_FLEX, DAY_MS, HOUR_MS, MCG, MIN_MS, START_MS,
                      basal_ng_ms, case1_pump, case1_rx, filled_pump, prime_steps,
                      steps_for_ng_ms)
from hal.sim.motor import SimMotor
from pump.pump import Pump
from pump.rig import bench_rig

RIG = bench_rig()
CONC = 1000 * MCG  # hydromorphone, case 1
PRIMED = prime_steps(RIG)


def basal_steps(pump):
    return pump.motor.total - PRIMED


def assert_within_one_step(issued, dose_ng_ms, conc=CONC, rig=RIG):
    """Never ahead of the ideal, never a whole step behind it."""
    num, den = steps_for_ng_ms(dose_ng_ms, conc, rig)
    assert issued * den <= num, (issued, num // den)
    assert num - issued * den < den, (issued, num // den)


def test_one_day_of_case1_flex_schedule_is_within_one_step_of_the_ideal():
    pump = case1_pump(CASE1_FLEX)
    end = START_MS + DAY_MS
    pump.advance(end)
    ideal = basal_ng_ms(CASE1_FLEX, START_MS, end)
    assert ideal == (600 * 8 + 800 * 12 + 700 * 4) * MCG * HOUR_MS  # a whole day, any start
    assert_within_one_step(basal_steps(pump), ideal)
    assert pump.status()["steps"] == pump.motor.total


def test_every_hour_of_the_day_stays_within_one_step_of_the_ideal():
    pump = case1_pump(CASE1_FLEX)
    for h in range(1, 25):
        t = START_MS + h * HOUR_MS - 7
        pump.advance(t)
        assert_within_one_step(basal_steps(pump), basal_ng_ms(CASE1_FLEX, START_MS, t))


def test_dose_at_the_tip_is_the_steps_less_what_filled_the_line():
    # Priming fills the line to within a step; the first step tops it up, the rest leaves.
    pump = case1_pump(CASE1_FLEX)
    pump.advance(START_MS + DAY_MS)
    unfilled_nl = RIG.dead_volume_nl - PRIMED * RIG.step_num // RIG.step_den
    assert unfilled_nl == 200
    out_nl = basal_steps(pump) * RIG.step_num // RIG.step_den - unfilled_nl
    assert pump.delivered_ng() == out_nl * CONC // 1_000_000
    assert pump.delivered_ng("ropivacaine") == out_nl * 2500 * MCG // 1_000_000
    assert pump.delivered_ng("clonidine") == out_nl * 75 * MCG // 1_000_000


def test_two_weeks_do_not_drift():
    pump = case1_pump(CASE1_FLEX)
    end = START_MS + 14 * DAY_MS
    pump.advance(end)
    assert_within_one_step(basal_steps(pump), basal_ng_ms(CASE1_FLEX, START_MS, end))


def test_basal_change_while_running_takes_effect_at_once_without_a_stop():
    low = ((0, 400 * MCG),)
    high = ((0, 700 * MCG),)
    pump = case1_pump(low)
    change = START_MS + 5 * HOUR_MS + 123
    pump.advance(change)
    pump.program(case1_rx(high), change)
    assert pump.sm.state == "running"
    assert pump.status()["basal_ng_d"] == 700 * MCG
    for t in (change + 10 * MIN_MS, change + HOUR_MS, change + 6 * HOUR_MS):
        pump.advance(t)
        ideal = basal_ng_ms(low, START_MS, change) + basal_ng_ms(high, change, t)
        assert_within_one_step(basal_steps(pump), ideal)


def test_suspend_stops_delivery_and_resume_does_not_catch_up():
    pump = case1_pump(CASE1_FLAT)
    t_suspend = START_MS + 3 * HOUR_MS
    pump.advance(t_suspend)
    pump.suspend(t_suspend)
    before = pump.motor.total
    t_resume = t_suspend + 4 * HOUR_MS
    pump.advance(t_resume)
    assert pump.motor.total == before
    assert pump.sm.state == "suspended"
    pump.resume(t_resume)
    assert pump.motor.total == before  # nothing made up at the resume
    end = t_resume + 5 * HOUR_MS
    pump.advance(end)
    ideal = basal_ng_ms(CASE1_FLAT, START_MS, t_suspend) + basal_ng_ms(CASE1_FLAT, t_resume, end)
    assert_within_one_step(basal_steps(pump), ideal)


def test_minimum_flow_keeps_the_catheter_open_when_the_schedule_says_zero():
    steps = ((0, 0),)
    pump = case1_pump(steps)
    pump.advance(START_MS + DAY_MS)
    # 48 uL/day of flow whatever the schedule: 48000 / 1400 = 34.28 steps.
    per_day = RIG.min_flow_nl_per_day * RIG.step_den // RIG.step_num
    assert per_day == 34
    assert basal_steps(pump) == per_day


def test_minimum_flow_fills_only_the_zero_steps_of_a_schedule():
    steps = ((0, 700 * MCG), (12 * 60, 0))
    pump = case1_pump(steps)
    end = START_MS + DAY_MS
    pump.advance(end)
    floor_ng_d = RIG.min_flow_nl_per_day * CONC // 1_000_000  # 48 ug/day at 1 mg/mL
    with_floor = ((0, 700 * MCG), (12 * 60, floor_ng_d))
    assert_within_one_step(basal_steps(pump), basal_ng_ms(with_floor, START_MS, end))


def test_motor_is_disabled_in_every_state_that_does_not_deliver():
    rig = bench_rig()
    motor = SimMotor()
    pump = Pump(rig, motor)
    seen = []

    def check(t):
        pump.advance(t)
        st = pump.sm.state
        seen.append(st)
        assert motor.enabled == (st in ("running", "bolusing", "priming")), st

    check(0)
    pump.program(case1_rx(), 0)
    check(0)
    pump.refill(40_000_000, None, 0)
    check(0)
    pump.confirm(0)
    check(0)
    pump.prime(rig.dead_volume_nl, 0)
    check(1000)
    check(START_MS)
    pump.start(START_MS)
    check(START_MS)
    pump.request_bolus(HOUR_MS)
    check(HOUR_MS + 1)
    pump.suspend(HOUR_MS + 2)
    check(2 * HOUR_MS)
    pump.resume(2 * HOUR_MS)
    check(2 * HOUR_MS)
    pump.stop(3 * HOUR_MS)
    check(4 * HOUR_MS)
    pump.fault("memory", 4 * HOUR_MS)
    check(5 * HOUR_MS)
    for st in ("unprogrammed", "stopped", "refilling", "priming", "running", "bolusing",
               "suspended", "alarm"):
        assert st in seen, st


def test_nothing_moves_while_stopped_or_suspended_for_a_day():
    pump = case1_pump(CASE1_FLAT)
    pump.stop(START_MS + HOUR_MS)
    total = pump.motor.total
    pump.advance(START_MS + 2 * DAY_MS)
    assert pump.motor.total == total
    pump.start(START_MS + 2 * DAY_MS)
    pump.suspend(START_MS + 2 * DAY_MS)
    pump.advance(START_MS + 3 * DAY_MS)
    assert pump.motor.total == total


def test_stop_during_a_bolus_ends_the_bolus():
    pump, twin = case1_pump(), case1_pump()
    t = START_MS + HOUR_MS
    pump.request_bolus(t)
    pump.advance(t + MIN_MS)
    twin.advance(t + MIN_MS)
    assert pump.motor.total >= twin.motor.total + 7  # a minute of it went out: 10 uL
    pump.stop(t + MIN_MS)
    assert pump.sm.state == "stopped"
    restart = t + MIN_MS + 1
    pump.start(restart)
    end = restart + 2 * HOUR_MS
    pump.advance(end)
    ideal = basal_ng_ms(CASE1_FLAT, START_MS, t + MIN_MS) + basal_ng_ms(CASE1_FLAT, restart, end)
    bolus_minute = 10_000 * CONC // 1_000_000 * DAY_MS  # 10 uL of 30 at 10 uL/min
    assert_within_one_step(basal_steps(pump), ideal + bolus_minute)
    assert pump.status()["state"] == "running"


def test_suspend_during_a_bolus_ends_the_bolus_and_resume_gives_basal_only():
    pump = case1_pump()
    t = START_MS + HOUR_MS
    pump.request_bolus(t)
    pump.advance(t + 2 * MIN_MS)
    pump.suspend(t + 2 * MIN_MS)
    assert pump.sm.state == "suspended"
    pump.resume(t + 2 * MIN_MS + 1)
    assert pump.sm.state == "running"
    end = t + 3 * HOUR_MS
    pump.advance(end)
    ideal = basal_ng_ms(CASE1_FLAT, START_MS, t + 2 * MIN_MS) \
        + basal_ng_ms(CASE1_FLAT, t + 2 * MIN_MS + 1, end) \
        + 20_000 * CONC // 1_000_000 * DAY_MS  # two minutes of bolus: 20 uL
    assert_within_one_step(basal_steps(pump), ideal)


def test_filled_pump_does_not_move_before_start():
    pump = filled_pump(case1_rx())
    pump.advance(DAY_MS)
    assert pump.motor.total == 0
    assert not pump.motor.enabled
