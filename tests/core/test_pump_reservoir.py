"""Reservoir accounting through the pump: the volume is the fill less the steps issued, to
the nanolitre; low and empty alarms at the exact step; a refill only counts once confirmed,
and a new concentration reaches the patient only after the old drug in the line.
Runs under pytest and MicroPython (plain asserts, integers only)."""
from builders import (CASE1_DRUGS, CASE1_FLAT, CASE1_FLEX, DAY_MS, HOUR_MS, MCG, MIN_MS,
                      START_MS, basal_ng_ms, case1_pump, case1_rx, filled_pump, prime_steps,
                      ready_pump)
from check import raises
from pump.errors import (E_CONC_MISMATCH, E_INVALID_EVENT, E_NO_PENDING, E_RANGE,
                         E_REFILL_OVER, E_RESERVOIR_EMPTY)
from pump.prescription import Bolus, Prescription
from pump.rig import Rig, bench_rig
from pump.schedule import BasalSchedule

RIG = bench_rig()
STEP_NL = RIG.step_num // RIG.step_den  # 1400 nL
PRIMED = prime_steps(RIG)
LOW_NL = 2_000_000
# 700 ug/day of 1 mg/mL is one 1.4 uL step every 172.8 s exactly.
STEP_EVERY_MS = 172_800


def fractional_rig():
    """4.487 nL a step: the accounting must not round a step to whole nanolitres."""
    return Rig(step_num=4_487, step_den=1000, capacity_nl=60_000_000, dead_volume_nl=150_000,
               bolus_nl_per_min=10_000, prime_nl_per_min=50_000, min_flow_nl_per_day=48_000)


def test_volume_is_the_fill_less_the_steps_issued_to_the_nanolitre():
    rig = fractional_rig()
    pump = case1_pump(CASE1_FLEX, rig=rig)

    def check(t):
        pump.advance(t)
        steps = pump.motor.total
        assert pump.status()["steps"] == steps
        left_vu = 40_000_000 * rig.step_den - steps * rig.step_num
        assert pump.reservoir.volume_vu == left_vu
        assert pump.status()["reservoir_nl"] == left_vu // rig.step_den

    check(START_MS + 7)
    pump.request_bolus(START_MS + HOUR_MS)
    check(START_MS + HOUR_MS + 13)
    check(START_MS + DAY_MS + 5)
    assert pump.motor.total > 100_000  # a day of ~4.5 nL steps


def test_volume_on_the_bench_rig_after_a_day_with_boluses():
    pump = case1_pump(CASE1_FLEX)
    for h in (2, 4, 9):
        pump.request_bolus(START_MS + h * HOUR_MS)
    pump.advance(START_MS + DAY_MS)
    assert pump.status()["reservoir_nl"] == 40_000_000 - pump.motor.total * STEP_NL


def test_low_reservoir_alarm_raised_at_the_crossing_step_and_not_before():
    over = 10 * STEP_NL + 300  # the 11th basal step takes the volume to the threshold or below
    fill = LOW_NL + PRIMED * STEP_NL + over
    pump = case1_pump(CASE1_FLAT, fill_nl=fill)
    assert "low_reservoir" not in pump.status()["alarms"]
    crossing = START_MS + 11 * STEP_EVERY_MS
    pump.advance(crossing - 1)
    st = pump.status()
    assert st["reservoir_nl"] == LOW_NL + 300
    assert "low_reservoir" not in st["alarms"]
    pump.advance(crossing)
    st = pump.status()
    assert st["reservoir_nl"] == LOW_NL + 300 - STEP_NL
    assert st["alarms"] == ["low_reservoir"]
    assert st["state"] == "running"  # it informs; delivery goes on


def test_low_reservoir_alarm_is_dated_at_the_crossing_step_within_a_long_advance():
    fill = LOW_NL + PRIMED * STEP_NL + 10 * STEP_NL + 300
    pump = case1_pump(CASE1_FLAT, fill_nl=fill)
    pump.advance(START_MS + DAY_MS)
    assert pump.alarms.state["low_reservoir"][0] == START_MS + 11 * STEP_EVERY_MS


def test_low_reservoir_at_exactly_the_threshold_alarms():
    fill = LOW_NL + PRIMED * STEP_NL + 3 * STEP_NL
    pump = case1_pump(CASE1_FLAT, fill_nl=fill)
    pump.advance(START_MS + 3 * STEP_EVERY_MS - 1)
    assert pump.status()["alarms"] == []
    pump.advance(START_MS + 3 * STEP_EVERY_MS)
    assert pump.status()["reservoir_nl"] == LOW_NL
    assert pump.status()["alarms"] == ["low_reservoir"]


def test_raising_the_low_threshold_above_the_volume_left_alarms_at_once():
    pump = case1_pump(CASE1_FLAT, fill_nl=5_000_000)
    t = START_MS + HOUR_MS
    rx = Prescription(CASE1_DRUGS, BasalSchedule(CASE1_FLAT), Bolus(30 * MCG, HOUR_MS, 7),
                      40_000_000, 6_000_000, RIG)
    pump.program(rx, t)
    assert pump.status()["alarms"] == ["low_reservoir"]
    pump.program(case1_rx(), t)  # back to 2 mL
    assert pump.status()["alarms"] == []


def test_low_reservoir_alarm_goes_by_itself_after_a_confirmed_refill():
    pump = case1_pump(CASE1_FLAT, fill_nl=LOW_NL + PRIMED * STEP_NL + STEP_NL)
    pump.advance(START_MS + DAY_MS // 2)
    assert "low_reservoir" in pump.status()["alarms"]
    pump.stop(START_MS + DAY_MS // 2)
    pump.refill(40_000_000, None, START_MS + DAY_MS // 2)
    assert "low_reservoir" in pump.status()["alarms"]
    pump.confirm(START_MS + DAY_MS // 2)
    assert pump.status()["alarms"] == []


def empty_pump():
    """Case 1 with 30 steps beyond the line: runs dry 30 steps after the start."""
    pump = case1_pump(CASE1_FLAT, fill_nl=PRIMED * STEP_NL + 30 * STEP_NL + 500)
    pump.advance(START_MS + 30 * STEP_EVERY_MS - 1)
    assert pump.sm.state == "running"
    pump.advance(START_MS + 30 * STEP_EVERY_MS)
    return pump


def test_empty_alarm_stops_delivery_and_disables_the_motor():
    pump = empty_pump()
    st = pump.status()
    assert st["state"] == "alarm"
    assert "empty" in st["alarms"]
    assert st["reservoir_nl"] == 500
    assert not pump.motor.enabled
    total = pump.motor.total
    assert total == PRIMED + 30
    pump.advance(START_MS + DAY_MS)
    assert pump.motor.total == total
    assert pump.steps_missed == 0  # it stopped for want of drug, not for a stall


def test_emptied_pump_is_refilled_after_the_alarm_is_acknowledged():
    pump = empty_pump()
    t = START_MS + 2 * HOUR_MS
    pump.ack("empty", t)
    assert pump.sm.state == "stopped"  # not running: the clinician restarts it
    err = raises(E_RESERVOIR_EMPTY, pump.start, t)
    assert err.values == ()
    pump.refill(20_000_000, None, t)
    pump.confirm(t)
    assert pump.status()["reservoir_nl"] == 20_000_000
    pump.start(t)
    pump.advance(t + HOUR_MS)
    assert pump.sm.state == "running"
    assert pump.status()["alarms"] == []


def test_refill_changes_nothing_until_confirmed():
    pump = filled_pump(case1_rx(), fill_nl=10_000_000)
    pump.refill(30_000_000, None, MIN_MS)
    st = pump.status()
    assert st["state"] == "refilling"
    assert st["reservoir_nl"] == 10_000_000
    raises(E_INVALID_EVENT, pump.start, MIN_MS)
    raises(E_INVALID_EVENT, pump.prime, 1000, MIN_MS)
    pump.confirm(MIN_MS)
    assert pump.status()["reservoir_nl"] == 30_000_000
    assert pump.sm.state == "stopped"


def test_cancelled_refill_changes_nothing():
    pump = case1_pump()
    t = START_MS + 3 * HOUR_MS
    pump.stop(t)
    before = pump.status()
    pump.refill(40_000_000, (("hydromorphone", 2000 * MCG),) + CASE1_DRUGS[1:], t)
    pump.cancel(t)
    assert pump.status() == before
    assert pump.rx.drugs == CASE1_DRUGS
    assert pump.pending is None
    raises(E_NO_PENDING, pump.confirm, t)


def test_refill_above_capacity_refused_and_nothing_staged():
    pump = filled_pump(case1_rx(), fill_nl=10_000_000)
    pump.advance(MIN_MS)
    before = pump.status()
    err = raises(E_REFILL_OVER, pump.refill, 40_000_001, None, MIN_MS)
    assert err.values == (40_000_001, 40_000_000)
    assert pump.status() == before
    assert pump.pending is None
    for bad in (0, -1, True):
        err = raises(E_RANGE, pump.refill, bad, None, MIN_MS)
        assert err.values == (bad, 40_000_000)
    assert pump.status() == before
    pump.refill(40_000_000, None, MIN_MS)  # the capacity itself is fine
    pump.confirm(MIN_MS)
    assert pump.status()["reservoir_nl"] == 40_000_000


def test_refill_refused_while_delivering():
    pump = case1_pump()
    raises(E_INVALID_EVENT, pump.refill, 1_000_000, None, START_MS + MIN_MS)
    assert pump.sm.state == "running"


def test_program_with_another_concentration_than_the_reservoir_is_refused():
    pump = case1_pump()
    double = (("hydromorphone", 2000 * MCG),) + CASE1_DRUGS[1:]
    err = raises(E_CONC_MISMATCH, pump.program, case1_rx(drugs=double), START_MS + HOUR_MS)
    assert err.values == ("hydromorphone",)
    assert pump.rx.drugs == CASE1_DRUGS
    no_clonidine = CASE1_DRUGS[:2]
    raises(E_CONC_MISMATCH, pump.program, case1_rx(drugs=no_clonidine), START_MS + HOUR_MS)


def test_refill_with_a_new_concentration_delivers_the_old_line_first_then_the_right_dose():
    pump = case1_pump(CASE1_FLAT)
    t_stop = START_MS + 12 * HOUR_MS
    pump.stop(t_stop)
    double = (("hydromorphone", 2000 * MCG),) + CASE1_DRUGS[1:]
    pump.refill(40_000_000, double, t_stop)
    pump.confirm(t_stop)
    assert pump.rx.drugs == double
    pump.start(t_stop)
    steps0 = pump.motor.total
    # The first hour still pushes out 1 mg/mL from the line: ~20.8 steps, not ~10.4.
    pump.advance(t_stop + HOUR_MS)
    assert pump.motor.total - steps0 in (20, 21)
    # 150 uL of old drug is 150 ug, some 5.1 h of basal; after that, half the steps.
    pump.advance(t_stop + 10 * HOUR_MS)
    mark = pump.motor.total
    pump.advance(t_stop + 11 * HOUR_MS)
    assert pump.motor.total - mark in (10, 11)
    end = t_stop + 36 * HOUR_MS
    pump.advance(end)
    ideal_ng = (basal_ng_ms(CASE1_FLAT, START_MS, t_stop)
                + basal_ng_ms(CASE1_FLAT, t_stop, end)) // DAY_MS
    one_step_ng = STEP_NL * 2000 * MCG // 1_000_000  # at the stronger concentration
    gap = ideal_ng - pump.delivered_ng()
    assert -one_step_ng < gap < one_step_ng, gap


def test_bolus_across_the_change_to_a_weaker_refill_keeps_to_the_rig_bolus_speed():
    strong = (("hydromorphone", 2000 * MCG),) + CASE1_DRUGS[1:]
    pump = ready_pump(case1_rx(drugs=strong))
    t = START_MS + 10 * HOUR_MS
    pump.stop(t)
    pump.refill(40_000_000, CASE1_DRUGS, t)
    pump.confirm(t)
    pump.start(t)
    steps0 = pump.motor.total
    # The line's 150 uL of 2 mg/mL goes first; press with some 4 uL of it left.
    while pump.motor.total - steps0 < 104:
        t += MIN_MS
        pump.advance(t)
    assert 150_000 - (pump.motor.total - steps0) * STEP_NL <= 4_400
    pump.request_bolus(t)
    # 10 uL/min is 3.6 steps in 30 s; with basal and rounding, never 5.
    prev = pump.motor.total
    for k in range(1, 21):
        pump.advance(t + k * 30_000)
        assert pump.motor.total - prev <= 4, k
        prev = pump.motor.total
    assert pump.sm.state == "running"  # and done within the 10 minutes


def test_refill_with_a_new_concentration_then_program_at_it():
    pump = case1_pump()
    t = START_MS + HOUR_MS
    pump.stop(t)
    double = (("hydromorphone", 2000 * MCG),) + CASE1_DRUGS[1:]
    pump.refill(40_000_000, double, t)
    pump.confirm(t)
    raises(E_CONC_MISMATCH, pump.program, case1_rx(), t)
    pump.program(case1_rx(drugs=double), t)
    assert pump.rx.drugs == double


def test_secondary_drugs_follow_the_same_flow_after_a_refill():
    pump = case1_pump(CASE1_FLAT)
    t_stop = START_MS + 6 * HOUR_MS
    pump.stop(t_stop)
    before = pump.motor.total - PRIMED
    clonidine_up = CASE1_DRUGS[:2] + (("clonidine", 150 * MCG),)
    pump.refill(40_000_000, clonidine_up, t_stop)
    pump.confirm(t_stop)
    pump.start(t_stop)
    pump.advance(t_stop + 2 * DAY_MS)
    after = pump.motor.total - PRIMED - before
    line_nl = RIG.dead_volume_nl
    out_nl = (before + after) * STEP_NL - 200  # the first step topped up the line
    # Unchanged concentrations: dose = volume out of the tip * concentration.
    assert pump.delivered_ng() == out_nl * 1000 * MCG // 1_000_000
    assert pump.delivered_ng("ropivacaine") == out_nl * 2500 * MCG // 1_000_000
    # Clonidine: everything before the refill and the line's contents at 75 ug/mL, the
    # rest at 150 ug/mL.
    old_nl = before * STEP_NL - 200 + line_nl
    new_nl = after * STEP_NL - line_nl
    assert pump.delivered_ng("clonidine") == (old_nl * 75 * MCG + new_nl * 150 * MCG) // 1_000_000
