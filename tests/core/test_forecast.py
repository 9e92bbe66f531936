"""The low-reservoir forecast: when the alarm sounds under the schedule (exact to the ms)
and the earliest it can sound if the patient takes every bolus allowed. Runs under pytest
and MicroPython; the pump itself is the judge, by running to the forecast time."""
from builders import (CASE1_FLEX, DAY_MS, HOUR_MS, MIN_MS, ML, case1_pump, case1_rx,
                      filled_pump)
from pump.errors import PumpError
from pump.forecast import low_alarm_eta_ms


def _low(pump):
    return pump.alarms.is_active("low_reservoir")


def _sounds_exactly_at(pump, eta):
    """Run the pump: silent 1 ms before the forecast, sounding at it."""
    t0 = pump.t
    pump.advance(t0 + eta - 1)
    assert not _low(pump)
    pump.advance(t0 + eta)
    assert _low(pump)


def test_forecast_under_the_flex_schedule_is_exact_to_the_ms():
    pump = case1_pump(CASE1_FLEX, fill_nl=4 * ML)
    eta = low_alarm_eta_ms(pump)
    assert 2 * DAY_MS < eta < 3 * DAY_MS  # 2 mL above the threshold at ~0.7 mL/day
    _sounds_exactly_at(pump, eta)


def test_forecast_over_weeks_skips_whole_days_without_losing_a_ms():
    pump = case1_pump(fill_nl=40 * ML)  # flat 700 ug/day: 38 mL above 2 mL, ~54 days
    eta = low_alarm_eta_ms(pump)
    assert 54 * DAY_MS < eta < 55 * DAY_MS
    _sounds_exactly_at(pump, eta)


def test_forecast_with_every_bolus_is_earlier_and_an_eager_patient_meets_it():
    pump = case1_pump(CASE1_FLEX, fill_nl=4 * ML)
    t0 = pump.t
    basal_eta = low_alarm_eta_ms(pump)
    earliest = low_alarm_eta_ms(pump, with_boluses=True)
    assert earliest < basal_eta
    while not _low(pump):
        press = pump.t + pump.status()["next_bolus_ms"]
        pump.advance(press)
        if _low(pump):
            break
        try:
            pump.request_bolus(press)
        except PumpError:
            pump.advance(press + MIN_MS)  # refused by a window: try a minute later
    sounded = pump.alarms.state["low_reservoir"][0] - t0
    # Each bolus runs at the rig's bolus speed in the forecast as in the pump: to the ms.
    assert sounded == earliest, (earliest, sounded)


def test_no_forecast_while_not_delivering():
    pump = filled_pump(case1_rx())
    assert low_alarm_eta_ms(pump) is None
    running = case1_pump()
    running.suspend(running.t + HOUR_MS)
    assert low_alarm_eta_ms(running) is None


def test_forecast_is_one_step_away_then_zero_once_the_threshold_is_reached():
    pump = case1_pump(fill_nl=2 * ML + 150_000 + 1_400)  # the line, then 2 mL + a step
    eta = low_alarm_eta_ms(pump)
    assert 0 < eta < HOUR_MS  # one 1.4 uL step at 700 ug/day of 1 mg/mL: ~3 minutes
    pump.advance(pump.t + eta)
    assert _low(pump)
    assert low_alarm_eta_ms(pump) == 0


def test_forecast_changes_nothing():
    pump = case1_pump(CASE1_FLEX, fill_nl=4 * ML)
    before = (pump.status(), pump.integ.acc, pump.motor.total, list(pump.history.grants))
    low_alarm_eta_ms(pump)
    low_alarm_eta_ms(pump, with_boluses=True)
    assert (pump.status(), pump.integ.acc, pump.motor.total, list(pump.history.grants)) == before
