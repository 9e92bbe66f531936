"""The trumpet curve's maths (host/pumpctl/trumpet.py, resample.py) on step logs whose
worst errors can be worked out by hand: every expected figure here is computed in the
test from the pattern's definition, never copied from the code's output."""
from fractions import Fraction
from math import ceil, floor

import pytest

from pumpctl import resample, trumpet

S_MS = 30_000  # the standard's 30 s reading interval


def cumulative(per_interval):
    out = [0]
    for x in per_interval:
        out.append(out[-1] + x)
    return out


def brute_force(delivered, programmed, steady, k):
    """Every window of k steady intervals, summed the plain way."""
    found = []
    for j in range(len(steady) - k + 1):
        if all(steady[j:j + k]):
            d, p = sum(delivered[j:j + k]), sum(programmed[j:j + k])
            if p:
                found.append(Fraction(100) * (d - p) / p)
    return found


def test_a_perfectly_steady_flow_has_no_error_in_any_window():
    n = 200
    rate = Fraction(7, 3)  # nL per interval, not a round number on purpose
    per = [rate] * n
    rows = trumpet.trumpet(per, per, [True] * n)
    assert [r.minutes for r in rows] == [2, 5, 11, 19, 31]
    for r in rows:
        assert r.e_max == 0 and r.e_min == 0
        assert r.count == n - 2 * r.minutes + 1  # P minutes are 2P intervals of 30 s
    assert trumpet.overall_error(per, per, [True] * n) == 0


def test_a_pulse_every_third_interval_gives_the_errors_of_its_whole_pulses():
    # 3 nL at the end of every third interval, 1 nL per interval programmed: a window of
    # k intervals holds floor(k/3) or ceil(k/3) pulses, whatever the phase.
    n = 300
    delivered = [3 if i % 3 == 2 else 0 for i in range(n)]
    programmed = [1] * n
    rows = trumpet.trumpet(delivered, programmed, [True] * n)
    for r in rows:
        k = 2 * r.minutes
        assert k % 3  # none of the standard windows is a whole number of pulses
        assert r.e_max == Fraction(100 * (3 * ceil(k / 3) - k), k)
        assert r.e_min == Fraction(100 * (3 * floor(k / 3) - k), k)
    by_p = {r.minutes: r for r in rows}
    assert by_p[2].e_max == 50 and by_p[2].e_min == -25  # 6 or 3 nL where 4 were due
    assert trumpet.overall_error(delivered, programmed, [True] * n) == 0  # 100 pulses


def test_the_sliding_sums_agree_with_summing_every_window_afresh():
    import random
    rng = random.Random(8)
    n = 150
    delivered = [rng.randrange(0, 5) for _ in range(n)]
    programmed = [rng.randrange(1, 4) for _ in range(n)]
    steady = [rng.random() > 0.05 for _ in range(n)]
    for k in (1, 4, 10, 22):
        fast = [e for _, e in trumpet.window_errors(delivered, programmed, steady, k)]
        assert fast == brute_force(delivered, programmed, steady, k)


def test_a_window_never_spans_an_unsteady_interval():
    n = 20
    steady = [i != 10 for i in range(n)]
    per = [1] * n
    delivered = list(per)
    delivered[10] = 1000  # the bolus-like interval must not show
    starts = [j for j, _ in trumpet.window_errors(delivered, per, steady, 4)]
    assert len(starts) == (10 - 4 + 1) + (9 - 4 + 1)
    assert all(not (j <= 10 < j + 4) for j in starts)
    rows = trumpet.trumpet(delivered, per, steady, windows_min=(2,))
    assert rows[0].e_max == 0


def test_windows_that_programmed_nothing_are_not_judged():
    per = [0] * 10
    rows = trumpet.trumpet([1] * 10, per, [True] * 10, windows_min=(2,))
    assert rows[0].count == 0 and rows[0].e_max is None
    assert trumpet.overall_error([1] * 10, per, [True] * 10) is None


def test_a_window_that_is_not_whole_intervals_is_refused():
    with pytest.raises(ValueError):
        trumpet.trumpet([1] * 10, [1] * 10, [True] * 10, interval_ms=45_000)


def test_increments_of_cumulative_readings_keep_unknowns_unknown():
    assert trumpet.increments([0, 2, None, 7, 9]) == [2, None, None, 2]


def test_a_value_between_readings_is_on_the_straight_line_exactly():
    times, values = [0, 30_000, 90_000], [0, 7, 10]
    assert resample.at(times, values, 30_000) == 7
    assert resample.at(times, values, 60_000) == Fraction(17, 2)
    assert resample.at(times, values, 45_000) == Fraction(31, 4)
    assert resample.at(times, values, -1) is None
    assert resample.at(times, values, 90_001) is None  # never past the last reading
    assert resample.grid(0, 90_000) == [0, 30_000, 60_000, 90_000]


def test_the_balance_volume_is_mass_over_density_in_nl():
    readings = [(0, Fraction(0)), (30_000, Fraction("0.9982"))]
    vol = resample.balance_volume_nl(readings, Fraction("998.2"), [0, 15_000, 30_000])
    assert vol == [0, 500, 1000]  # 0.9982 mg of water at 998.2 mg/mL is 1 uL
