"""A delivery log's readings put on a regular grid (the standard's 30 s), as the
trumpet curve needs them: cumulative delivered and programmed volume at each grid time,
and which grid intervals were steady delivery.

Exact: a grid time that has a reading takes its value; one between two readings takes
the straight line between them, as a Fraction (the recorder reads on the grid, so this
only happens where a real board's polls drifted). Never invents a value outside the
readings: a grid time before the first or after the last gets None."""
from bisect import bisect_left, bisect_right
from fractions import Fraction

from pumpctl.trumpet import INTERVAL_MS

# Events that change the rate or the state: an interval that holds one is not steady.
UNSTEADY_EVENTS = ("bolus", "bolus-done", "state", "refill", "primed", "ready", "boot",
                   "program")
ML_NL = 1_000_000


def grid(t_first, t_last, interval_ms=INTERVAL_MS):
    return list(range(t_first, t_last + 1, interval_ms))


def at(times, values, t):
    """The value at t by straight lines between readings; the last reading at a time
    wins (several at one time: commands that took no time). None outside, or next to a
    None."""
    i = bisect_right(times, t) - 1
    if i < 0:
        return None
    if times[i] == t:
        return values[i]
    if i + 1 >= len(times):
        return None
    a, b = values[i], values[i + 1]
    if a is None or b is None:
        return None
    return a + (b - a) * Fraction(t - times[i], times[i + 1] - times[i])


def step_volume_nl(sample):
    """Volume the motor has pushed since boot (priming included), exact nL."""
    if sample.steps is None or sample.step_nl is None:
        return None
    return sample.steps * sample.step_nl


def programmed_volume_nl(sample):
    """The ideal dose as volume at the concentration leaving the tip, exact nL. Only its
    differences over a steady interval mean anything (the concentration is the same at
    both ends there)."""
    if sample.ideal_pg is None or not sample.conc_ng_ml:
        return None
    return Fraction(sample.ideal_pg * 1000, sample.conc_ng_ml)


def series(log, value, grid_ms):
    times = [s.t_ms for s in log.samples]
    values = [value(s) for s in log.samples]
    return [at(times, values, t) for t in grid_ms]


def steady_intervals(log, grid_ms):
    """True for [g_k, g_k+1] when every reading from the one at or before g_k to the one
    at or after g_k+1 says `running` at one concentration, and no event that changes the
    rate or state falls in [g_k, g_k+1]."""
    samples = log.samples
    times = [s.t_ms for s in samples]
    events = sorted(e.t_ms for e in log.events if e.kind in UNSTEADY_EVENTS)
    out = []
    for a, b in zip(grid_ms, grid_ms[1:]):
        first = _last_at_or_before(times, a)
        last = _first_at_or_after(times, b)
        ok = first is not None and last is not None
        if ok:
            span = samples[first:last + 1]
            ok = all(s.state == "running" for s in span) and \
                len({s.conc_ng_ml for s in span}) == 1
        if ok:  # an event in [a, b]? (one at a may have come after a's reading)
            ok = bisect_right(events, b) == bisect_left(events, a)
        out.append(ok)
    return out


def _last_at_or_before(times, t):
    i = bisect_right(times, t) - 1
    return i if i >= 0 else None


def _first_at_or_after(times, t):
    i = bisect_left(times, t)
    return i if i < len(times) else None


def balance_volume_nl(readings, density_mg_ml, grid_ms):
    """Balance readings [(t_ms, mass_mg)] as cumulative volume on the grid, exact nL:
    mass / density. Grid times outside the readings get None."""
    times = [t for t, _ in readings]
    values = [Fraction(m) * ML_NL / density_mg_ml for _, m in readings]
    return [at(times, values, t) for t in grid_ms]
