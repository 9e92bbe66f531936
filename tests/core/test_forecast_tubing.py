"""The reservoir forecast across a refill at a new concentration (issue 14, item 5): the
old mix in the line leaves the tip first, and the rates are dose rates at the strength
leaving the tip, so the volume per ms changes when the boundary reaches it. The forecast
walks the line and must meet the pump to the ms: basal alone, with every bolus allowed,
for the low-reservoir alarm and for running dry. The pump itself is the judge, by running
to the forecast time. Runs under pytest and MicroPython."""
from builders import (CASE1_DRUGS, CASE1_FLAT, CASE1_FLEX, DAY_MS, HOUR_MS, MCG, ML,
                      case1_rx, eager_patient, ready_pump)
from pump.forecast import alarm_times, eta_ms, low_alarm_eta_ms


def _mix(hydromorphone_ug_ml):
    return (("hydromorphone", hydromorphone_ug_ml * MCG),) + CASE1_DRUGS[1:]


def _refilled(before_ug_ml, after_ug_ml, steps=CASE1_FLAT, fill_nl=40 * ML, days=1):
    """Case 1 run for `days` at one strength, then stopped, refilled at another and started:
    the line's 150 uL of the old mix is what leaves the tip first."""
    pump = ready_pump(case1_rx(steps, drugs=_mix(before_ug_ml)), fill_nl=4 * ML)
    t = pump.t + days * DAY_MS
    pump.advance(t)
    pump.stop(t)
    pump.refill(fill_nl, _mix(after_ug_ml), t)
    pump.confirm(t)
    pump.start(t)
    return pump


def _sounds_exactly_at(pump, eta, name="low_reservoir"):
    """Run the pump: the alarm silent 1 ms before the forecast, sounding at it."""
    t0 = pump.t
    pump.advance(t0 + eta - 1)
    assert not pump.alarms.is_active(name), (name, eta)
    pump.advance(t0 + eta)
    assert pump.alarms.is_active(name), (name, eta)


def test_forecast_after_a_refill_at_a_weaker_mix_follows_the_old_line_out_to_the_ms():
    # 2 mg/mL in the line, 1 mg/mL behind it: the old forecast read the whole 38 mL at
    # 2 mg/mL and said ~108 days, 54 days late; it is ~54 days.
    pump = _refilled(2000, 1000)
    eta = low_alarm_eta_ms(pump)
    assert 54 * DAY_MS < eta < 55 * DAY_MS, eta / DAY_MS
    _sounds_exactly_at(pump, eta)


def test_forecast_after_a_refill_at_a_stronger_mix_under_the_flex_schedule_to_the_ms():
    # 1 mg/mL in the line, 2 mg/mL behind it, the boundary reaching the tip within hours
    # while the flex schedule changes rate: half the volume a day once it has.
    pump = _refilled(1000, 2000, CASE1_FLEX, fill_nl=6 * ML)
    eta = low_alarm_eta_ms(pump)
    assert 9 * DAY_MS < eta < 12 * DAY_MS, eta / DAY_MS
    _sounds_exactly_at(pump, eta)


def test_empty_at_is_the_ms_the_reservoir_runs_dry_after_a_new_mix():
    pump = _refilled(2000, 1000, CASE1_FLEX, fill_nl=3 * ML)
    low, empty = eta_ms(pump)
    assert 0 < low < empty
    _sounds_exactly_at(pump, low)
    _sounds_exactly_at(pump, empty - low, "empty")
    assert pump.sm.state == "alarm"


def test_two_refills_leave_two_boundaries_in_the_line_and_the_forecast_meets_both():
    pump = _refilled(1000, 2000, CASE1_FLEX, fill_nl=4 * ML, days=1)
    t = pump.t + 2 * HOUR_MS  # ~60 uL of the 1 mg/mL left the tip; 2 mg/mL behind it
    pump.advance(t)
    pump.stop(t)
    pump.refill(3 * ML, _mix(500), t)
    pump.confirm(t)
    pump.start(t)
    assert len(pump.tubing.segments) == 2  # 1 mg/mL at the tip, then 2 mg/mL
    low, empty = eta_ms(pump)
    _sounds_exactly_at(pump, low)
    _sounds_exactly_at(pump, empty - low, "empty")


def test_the_steps_after_a_new_mix_do_not_depend_on_how_time_is_walked():
    # Before the first step after the refill the line held one fluid, and the pump saw no
    # boundary ahead: two days walked at once ran past it at the old mix's step dose.
    at_once = _refilled(2000, 1000)
    hourly = _refilled(2000, 1000)
    t0 = at_once.t
    at_once.advance(t0 + 2 * DAY_MS)
    for h in range(1, 49):
        hourly.advance(t0 + h * HOUR_MS)
    assert at_once.steps_issued == hourly.steps_issued
    assert at_once.integ.acc == hourly.integ.acc


def test_worst_case_after_a_new_mix_is_when_a_patient_pressing_at_every_chance_hears_it():
    pump = _refilled(2000, 1000, CASE1_FLEX, fill_nl=5 * ML)
    t0 = pump.t
    low, empty = eta_ms(pump, with_boluses=True)
    assert low < low_alarm_eta_ms(pump)
    assert eager_patient(pump, "low_reservoir") - t0 == low
    assert eager_patient(pump, "empty") - t0 == empty


def test_a_bolus_that_meets_the_weaker_mix_slows_and_both_forecasts_follow_it():
    # 2 mg/mL in the line, 1 mg/mL behind it: a bolus pressed with 5 uL of the old mix
    # left reaches the new one within its first half minute, and slows to the rig's bolus
    # speed (a dose rate at 1 mg/mL is twice the volume): both forecasts must say so.
    pump = _refilled(2000, 1000, CASE1_FLAT, fill_nl=3 * ML)
    while pump.tubing.vu_until_change(pump.reservoir.concs) > 5_000 * pump.rig.step_den:
        pump.advance(pump.t + 60_000)
    pump.request_bolus(pump.t)
    rate = pump.bolus_rate
    t0 = pump.t
    basal = low_alarm_eta_ms(pump)
    low, empty = eta_ms(pump, with_boluses=True)
    pump.advance(t0 + 60_000)
    assert pump.bolus_left and pump.bolus_rate < rate  # it met the new mix and slowed
    assert eager_patient(pump, "low_reservoir") - t0 == low < basal
    assert eager_patient(pump, "empty") - t0 == empty
    again = _refilled(2000, 1000, CASE1_FLAT, fill_nl=3 * ML)
    while again.tubing.vu_until_change(again.reservoir.concs) > 5_000 * again.rig.step_den:
        again.advance(again.t + 60_000)
    again.request_bolus(again.t)
    _sounds_exactly_at(again, basal)


def test_the_low_alarm_crossed_inside_a_bolus_is_forecast_to_the_ms():
    # The 2 mL mark is 10 uL away and a 30 uL bolus is running: the step that crosses it
    # comes at the bolus's speed, not at basal and not at once.
    pump = ready_pump(case1_rx(), fill_nl=150_000 + 2 * ML + 20_000)
    pump.advance(pump.t + 10 * 60_000)
    pump.request_bolus(pump.t)
    eta = low_alarm_eta_ms(pump)
    assert 0 < eta < 3 * 60_000
    _sounds_exactly_at(pump, eta)


def test_once_sounded_the_times_are_when_the_alarms_sounded():
    pump = _refilled(2000, 1000, CASE1_FLAT, fill_nl=2 * ML + 100_000)
    low = pump.t + low_alarm_eta_ms(pump)
    pump.advance(low + 5 * HOUR_MS)
    assert pump.alarms.state["low_reservoir"][0] == low
    times = alarm_times(pump)
    assert times[0] == times[1] == low  # when it sounded, not "now"
    assert times[2] > pump.t and times[3] > pump.t  # dry still ahead
    pump.advance(times[2])
    assert pump.alarms.is_active("empty")
    assert alarm_times(pump) == (low, low, times[2], times[2])


def test_no_times_without_a_prescription_and_none_raised_by_an_odd_state():
    from hal.sim.motor import SimMotor
    from pump.pump import Pump
    from pump.rig import bench_rig
    assert alarm_times(Pump(bench_rig(), SimMotor())) == (None, None, None, None)
    pump = ready_pump(case1_rx(), fill_nl=4 * ML)
    pump.stop(pump.t + HOUR_MS)
    assert alarm_times(pump) == (None, None, None, None)


def test_steps_owed_when_a_weaker_mix_reaches_the_tip_come_a_ms_later_as_the_pump_gives_them():
    # A rig of 1 nL steps and a 120 uL/min bolus: two steps a ms. The bolus at 2 mg/mL
    # meets the 1 mg/mL mix mid-ms; the remainder then holds a whole step of the new mix,
    # and the step after the boundary (the 180 uL level's) is due at once. The pump never
    # runs no time: it comes the next ms, and the forecast must say that ms, not this one.
    from hal.sim.motor import SimMotor
    from pump.prescription import Bolus, Prescription
    from pump.pump import Pump
    from pump.rig import Rig
    from pump.schedule import BasalSchedule
    rig = Rig(step_num=1000, step_den=1000, capacity_nl=3 * ML, dead_volume_nl=10_000,
              bolus_nl_per_min=120_000, prime_nl_per_min=120_000, min_flow_nl_per_day=48_000,
              max_step_hz=2000)
    pump = Pump(rig, SimMotor())
    pump.program(Prescription((("hydromorphone", 2000 * MCG),), BasalSchedule(CASE1_FLAT),
                              Bolus(30 * MCG, HOUR_MS, 7), 3 * ML, 180_000, rig), 0)
    pump.refill(500_000, None, 0)
    pump.confirm(0)
    pump.prime(10_000, 0)
    pump.start(60_000)
    t = 60_000 + HOUR_MS
    pump.advance(t)
    pump.stop(t)
    pump.refill(190_001, (("hydromorphone", 1000 * MCG),), t)
    pump.confirm(t)
    pump.start(t)
    low, empty = eta_ms(pump, with_boluses=True)
    assert 0 < low < 10_000  # within the first bolus
    assert eager_patient(pump, "low_reservoir") - t == low
    assert eager_patient(pump, "empty") - t == empty
