"""The Pico clock: monotonic ms that keep counting across ticks_ms wraps (every 2^30 ms)
and never go back, on fake ticks with MicroPython's wrap arithmetic."""
from test_pico_fakes import TICKS_PERIOD, Ticks, fake_clock

from hal.pico.clock import Clock


def test_now_counts_from_zero_across_many_wraps():
    clock, ticks = fake_clock(start=TICKS_PERIOD - 3)
    total = 0
    for step in (1, 2, 5, 1000, TICKS_PERIOD // 4, TICKS_PERIOD // 3, 7) * 5:
        ticks.sleep_ms(step)
        total += step
        assert clock.now_ms() == total


def test_an_older_reading_is_ignored_so_time_never_goes_back():
    ticks = Ticks(1000)
    clock = Clock(ticks.ticks_ms, ticks.ticks_diff, ticks.sleep_ms)
    ticks.t = 1500
    assert clock.now_ms() == 500
    ticks.t = 1400  # a reading out of order
    assert clock.now_ms() == 500
    ticks.t = 1600
    assert clock.now_ms() == 600


def test_sleep_ms_waits_on_the_time_base():
    clock, ticks = fake_clock()
    clock.sleep_ms(250)
    assert clock.now_ms() == 250
