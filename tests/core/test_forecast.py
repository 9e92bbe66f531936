"""The low-reservoir forecast: when the alarm sounds under the schedule (exact to the ms)
and the earliest it can sound if the patient takes every bolus allowed; what it costs (the
events it walks, as status asks for it on a Pico) and its corners: a day no other is like,
a bolus running across the day marks, a rhythm that never repeats, a level the reservoir
never reaches. Runs under pytest and MicroPython; the pump itself is the judge, by running
to the forecast time."""
from builders import (CASE1_CAPACITY_NL, CASE1_DRUGS, CASE1_FLEX, CASE1_LOW_NL, DAY_MS,
                      HOUR_MS, MCG, MIN_MS, ML, case1_pump, case1_rx, eager_patient,
                      filled_pump, ready_pump)
from pump.errors import PumpError
from pump.forecast import alarm_times, eta_ms, low_alarm_eta_ms
from pump.prescription import Bolus, Prescription
from pump.rig import bench_rig
from pump.schedule import BasalSchedule


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


class _Counted:
    """The schedule, counting the forecast's events (it asks for the next step once each)."""

    def __init__(self, sched):
        self.sched = sched
        self.n = 0

    def ms_to_next_step(self, tod):
        self.n += 1
        return self.sched.ms_to_next_step(tod)

    def __getattr__(self, name):
        return getattr(self.sched, name)


def _events(pump, f):
    """f(pump) with the events it walked counted."""
    rx = pump.rx
    rx.schedule = _Counted(rx.schedule)
    try:
        got = f(pump)
        return got, rx.schedule.n
    finally:
        rx.schedule = rx.schedule.sched


def test_status_dates_for_weeks_walk_a_few_days_not_every_day():
    # A Pico spends under 1 ms an event (tools/bench_forecast.py); status asks for the four
    # dates. 43 days with every bolus is ~16 events a day: ~700 walked one by one.
    pump = case1_pump(CASE1_FLEX, fill_nl=40 * ML)
    times, events = _events(pump, alarm_times)
    assert None not in times and times[3] - pump.t > 40 * DAY_MS
    assert events < 100, events


def test_a_lockout_out_of_step_with_the_day_is_bounded_early_never_late():
    # 97 min never falls into step with the day: no repeat within a week, so past the
    # event budget a day is counted at its most. The date comes earlier than an eager
    # patient hears the alarm (by hours), never later, for a bounded walk. Hydromorphone
    # alone: the case 1 mix's ropivacaine allows 12 a day, and 12 x 97 min fits a day.
    rx = Prescription(CASE1_DRUGS[:1], BasalSchedule(CASE1_FLEX),
                      Bolus(30 * MCG, 97 * MIN_MS, 24), CASE1_CAPACITY_NL, CASE1_LOW_NL,
                      bench_rig())
    pump = ready_pump(rx, fill_nl=40 * ML)
    (low, dry), events = _events(pump, lambda p: eta_ms(p, True))
    assert events < 600, events
    t0 = pump.t
    heard = eager_patient(pump, "low_reservoir") - t0
    assert heard - DAY_MS < low <= heard
    heard = eager_patient(pump, "empty") - t0
    assert heard - DAY_MS < dry <= heard


def test_a_level_under_the_part_of_a_step_left_never_sounds_and_dry_is_to_the_ms():
    # The pump stops at the last whole step with 1,200 nL left, above a 500 nL level: the
    # low alarm never sounds, and a forecast that waited for its step dated dry one step
    # late (the console refuses such a level: reservoir-alarm's least is a day's flow).
    rx = Prescription(CASE1_DRUGS, BasalSchedule(((0, 700 * MCG),)),
                      Bolus(30 * MCG, HOUR_MS, 7), CASE1_CAPACITY_NL, 500, bench_rig())
    pump = ready_pump(rx, fill_nl=3 * ML)
    assert pump.reservoir.volume_nl() % 1400 == 1200
    for with_boluses in (False, True):
        assert eta_ms(pump, with_boluses)[0] is None
    dry = eta_ms(pump)[1]
    t0 = pump.t
    pump.advance(t0 + dry - 1)
    assert pump.sm.state == "running"
    pump.advance(t0 + dry)
    assert pump.alarms.is_active("empty") and not _low(pump)


def test_a_clinician_bolus_running_now_is_counted_once_not_every_day():
    # Today holds a 100 ug clinician bolus: a day like no other. Had the walk taken the
    # first day for the repeat, every day skipped would hold the bolus too, days early.
    pump = case1_pump(CASE1_FLEX, fill_nl=4 * ML)
    pump.clinician_bolus(100 * MCG, pump.t)
    assert pump.bolus_left
    for with_boluses in (False, True):
        assert 0 < eta_ms(pump, with_boluses)[1]
    eta = low_alarm_eta_ms(pump)
    assert 2 * DAY_MS < eta < 3 * DAY_MS  # 1.7 mL above the level at ~0.7 mL/day
    _sounds_exactly_at(pump, eta)


def test_a_bolus_running_across_each_day_mark_is_carried_over_the_skipped_days():
    # Seven boluses an hour apart, the last 2 min ago: the next seven come 17 h 58 min on,
    # an hour apart, so the last of each day still runs at the walk's day mark (3 min at
    # 10 uL/min). Days are skipped with it running: its end moves with them.
    pump = case1_pump(CASE1_FLEX, fill_nl=4 * ML)
    t0 = pump.t
    for i in range(7):
        pump.advance(t0 + i * HOUR_MS)
        pump.request_bolus(pump.t)
    pump.advance(t0 + 6 * HOUR_MS + 2 * MIN_MS)
    assert pump.bolus_left
    low, dry = eta_ms(pump, with_boluses=True)
    t1 = pump.t
    assert 0 < low < dry
    assert eager_patient(pump, "low_reservoir") - t1 == low
    assert eager_patient(pump, "empty") - t1 == dry
