"""The 24-hour basal schedule: refused when built if it could not run, and its rates,
step times and integrals exact to the millisecond and the nanogram.
Runs under pytest and MicroPython (plain asserts, integers only)."""
from check import raises
from pump.dose_units import NG_E6_DAY
from pump.errors import E_RANGE, E_SCHEDULE
from pump.schedule import BasalSchedule, MAX_RATE_NG_D

MIN_MS = 60_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000
E6 = 1_000_000
FLEX = ((0, 600_000), (8 * 60, 800_000), (20 * 60, 700_000))


def test_flex_schedule_from_midnight_in_order_is_accepted():
    s = BasalSchedule(FLEX)
    assert s.starts_ms == (0, 8 * HOUR_MS, 20 * HOUR_MS)
    assert s.rates == (600_000, 800_000, 700_000)


def test_empty_schedule_refused_with_its_length():
    err = raises(E_SCHEDULE, BasalSchedule, ())
    assert err.values == (0,)


def test_twenty_four_steps_accepted_and_twenty_five_refused():
    hourly = tuple((h * 60, 1000 * h) for h in range(24))
    assert len(BasalSchedule(hourly).rates) == 24
    err = raises(E_SCHEDULE, BasalSchedule, hourly + ((1439, 5),))
    assert err.values == (25,)


def test_first_step_must_start_at_midnight():
    err = raises(E_SCHEDULE, BasalSchedule, ((1, 600_000), (60, 700_000)))
    assert err.values == (1,)
    err = raises(E_SCHEDULE, BasalSchedule, ((-1, 600_000),))
    assert err.values == (-1,)


def test_steps_out_of_order_or_repeated_are_refused_naming_the_start():
    err = raises(E_SCHEDULE, BasalSchedule, ((0, 1), (600, 2), (480, 3)))
    assert err.values == (480,)
    err = raises(E_SCHEDULE, BasalSchedule, ((0, 1), (480, 2), (480, 3)))
    assert err.values == (480,)


def test_start_must_be_a_whole_minute_of_the_day():
    assert BasalSchedule(((0, 1), (1439, 2))).starts_ms[1] == 1439 * MIN_MS
    err = raises(E_SCHEDULE, BasalSchedule, ((0, 1), (1440, 2)))
    assert err.values == (1440,)
    err = raises(E_SCHEDULE, BasalSchedule, ((0, 1), ("480", 2)))
    assert err.values == ("480",)


def test_rates_from_zero_to_the_ceiling_accepted_others_refused():
    assert BasalSchedule(((0, 0), (60, MAX_RATE_NG_D))).rates == (0, MAX_RATE_NG_D)
    for bad in (-1, MAX_RATE_NG_D + 1, True, "700000", None):
        err = raises(E_RANGE, BasalSchedule, ((0, 600_000), (60, bad)))
        assert err.values == (bad,)


def test_rate_at_changes_exactly_on_the_step_boundary():
    s = BasalSchedule(FLEX)
    assert s.rate_at(0) == 600_000
    assert s.rate_at(8 * HOUR_MS - 1) == 600_000
    assert s.rate_at(8 * HOUR_MS) == 800_000
    assert s.rate_at(20 * HOUR_MS - 1) == 800_000
    assert s.rate_at(20 * HOUR_MS) == 700_000
    assert s.rate_at(DAY_MS - 1) == 700_000


def test_rate_at_wraps_past_midnight():
    s = BasalSchedule(FLEX)
    assert s.rate_at(DAY_MS) == 600_000
    assert s.rate_at(DAY_MS + 8 * HOUR_MS) == 800_000
    assert s.rate_at(3 * DAY_MS - 1) == 700_000


def test_ms_to_next_step_counts_to_the_next_boundary_or_midnight():
    s = BasalSchedule(FLEX)
    assert s.ms_to_next_step(0) == 8 * HOUR_MS
    assert s.ms_to_next_step(8 * HOUR_MS - 1) == 1
    assert s.ms_to_next_step(8 * HOUR_MS) == 12 * HOUR_MS
    assert s.ms_to_next_step(20 * HOUR_MS) == 4 * HOUR_MS
    assert s.ms_to_next_step(DAY_MS - 1) == 1
    assert s.ms_to_next_step(DAY_MS + 7 * HOUR_MS) == HOUR_MS


def test_ms_to_next_step_of_a_single_step_is_time_to_midnight():
    s = BasalSchedule(((0, 700_000),))
    assert s.ms_to_next_step(0) == DAY_MS
    assert s.ms_to_next_step(DAY_MS - 5) == 5


def test_daily_total_is_the_exact_sum_of_rate_times_duration():
    s = BasalSchedule(FLEX)
    expect = (600_000 * 8 + 800_000 * 12 + 700_000 * 4) * HOUR_MS * E6
    assert s.daily_e6() == expect
    assert s.daily_e6() // NG_E6_DAY == (600_000 * 8 + 800_000 * 12 + 700_000 * 4) // 24
    assert s.integral(0, DAY_MS) == expect
    assert s.integral(13 * HOUR_MS + 17, DAY_MS) == expect  # any 24 h holds one whole day


def test_daily_total_keeps_the_nanogram_a_float_would_lose():
    s = BasalSchedule(((0, 1), (1, 0), (1439, 1)))  # 1 ng/day for 2 min of the day
    assert s.daily_e6() == 2 * MIN_MS * E6
    assert s.daily_e6() * 720 == NG_E6_DAY  # exactly 1/720 ng


def test_integral_splits_at_steps_and_wraps_at_midnight():
    s = BasalSchedule(FLEX)
    assert s.integral(7 * HOUR_MS, 2 * HOUR_MS) == (600_000 + 800_000) * HOUR_MS * E6
    assert s.integral(23 * HOUR_MS, 2 * HOUR_MS) == (700_000 + 600_000) * HOUR_MS * E6
    assert s.integral(8 * HOUR_MS - 1, 2) == (600_000 + 800_000) * E6
    assert s.integral(5, 0) == 0


def test_integral_applies_the_floor_only_where_the_rate_is_below_it():
    s = BasalSchedule(((0, 0), (12 * 60, 800_000)))
    floor_e6 = 48_000 * 1_000_000  # 48 uL/day of 1 mg/mL, as ng/day * 1e6
    expect = 12 * HOUR_MS * floor_e6 + 12 * HOUR_MS * 800_000 * E6
    assert s.daily_e6(floor_e6) == expect
    assert s.daily_e6() == 12 * HOUR_MS * 800_000 * E6


def test_max_window_finds_the_spike_hour():
    s = BasalSchedule(((0, 240_000), (600, 2_400_000), (660, 240_000)))
    assert s.max_window_e6(HOUR_MS) == 2_400_000 * HOUR_MS * E6
    # Two hours: the spike plus one hour of the low rate on either side.
    assert s.max_window_e6(2 * HOUR_MS) == (2_400_000 + 240_000) * HOUR_MS * E6


def test_max_window_finds_a_window_that_ends_on_a_step_and_starts_inside_one():
    s = BasalSchedule(((0, 500_000), (540, 1_000_000), (560, 0)))
    # 08:20 to 09:20: 40 min at 500_000 and 20 min at 1_000_000, more than any window
    # starting on a step (00:00 or 08:00: 60 min at 500_000).
    assert s.max_window_e6(HOUR_MS) == (500_000 * 40 + 1_000_000 * 20) * MIN_MS * E6
    assert s.integral(8 * HOUR_MS + 20 * MIN_MS, HOUR_MS) == s.max_window_e6(HOUR_MS)


def test_max_window_sees_a_window_across_midnight():
    s = BasalSchedule(((0, 900_000), (30, 100_000), (1410, 900_000)))
    # 23:30 to 00:30 is the only hour at 900_000 throughout.
    assert s.max_window_e6(HOUR_MS) == 900_000 * HOUR_MS * E6
    assert s.integral(0, HOUR_MS) < s.max_window_e6(HOUR_MS)


def test_max_window_of_a_spike_shorter_than_the_window():
    s = BasalSchedule(((0, 0), (600, 4_800_000), (615, 0)))
    assert s.max_window_e6(HOUR_MS) == 4_800_000 * 15 * MIN_MS * E6
    floor_e6 = 100_000 * E6
    assert s.max_window_e6(HOUR_MS, floor_e6) == (4_800_000 * 15 + 100_000 * 45) * MIN_MS * E6


def test_max_window_of_a_flat_schedule_is_rate_times_window():
    s = BasalSchedule(((0, 700_000),))
    assert s.max_window_e6(HOUR_MS) == 700_000 * HOUR_MS * E6
    assert s.max_window_e6(DAY_MS) == s.daily_e6()
