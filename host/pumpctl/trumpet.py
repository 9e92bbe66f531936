"""The trumpet curve (IEC 60601-2-24 style): the worst positive and negative flow error
over observation windows of P minutes, from cumulative volumes read on a regular grid.

Pure and exact: volumes are Fractions (or ints), errors are Fractions of a percent.
For a window of k consecutive grid intervals starting at interval j,

    E(j, P) = 100 * (delivered volume in the window - programmed volume in the window)
                  / programmed volume in the window

and Ep_max(P), Ep_min(P) are the largest and smallest E(j, P) over every window whose k
intervals are all steady (the caller decides which are: delivering at a set rate, no
bolus, no state change). With a constant programmed rate r this is the standard's
E_p = (100/k) * sum((Q_i - r) / r); here the programmed volume comes from the pump's
own ideal, so a schedule step inside a window is no error. The overall error A is the
same ratio over every steady interval together. Never plots, never reads a file."""
from fractions import Fraction
from math import lcm

WINDOWS_MIN = (2, 5, 11, 19, 31)  # the standard's observation windows
INTERVAL_MS = 30_000  # the standard's sampling interval S


class Window:
    """One row of the curve: P in minutes, how many windows were judged, and the worst
    errors in % (None when no window fitted)."""

    def __init__(self, minutes, count, e_max, e_min):
        self.minutes = minutes
        self.count = count
        self.e_max = e_max
        self.e_min = e_min

    def __repr__(self):
        return "Window(%d min, n=%d, max=%s, min=%s)" % (
            self.minutes, self.count, _f(self.e_max), _f(self.e_min))


def _f(x):
    return "-" if x is None else "%.3f%%" % float(x)


def increments(cumulative):
    """Per-interval amounts from cumulative readings on the grid (None stays None)."""
    out = []
    for a, b in zip(cumulative, cumulative[1:]):
        out.append(None if a is None or b is None else b - a)
    return out


def window_errors(delivered, programmed, steady, k):
    """E(j) in % for every window of k intervals that are all steady and programmed a
    positive volume. delivered, programmed: per-interval amounts; steady: per-interval
    booleans. Returns [(j, error)]."""
    delivered, programmed = _common_integers(delivered, programmed)
    n = len(steady)
    out = []
    run = 0  # steady intervals ending at i, in a row
    d_sum = p_sum = 0
    for i in range(n):
        ok = steady[i] and delivered[i] is not None and programmed[i] is not None
        if not ok:
            run, d_sum, p_sum = 0, 0, 0
            continue
        run += 1
        d_sum += delivered[i]
        p_sum += programmed[i]
        if run > k:  # slide: drop the interval that left the window
            d_sum -= delivered[i - k]
            p_sum -= programmed[i - k]
        if run >= k and p_sum > 0:
            out.append((i - k + 1, Fraction(100) * (d_sum - p_sum) / p_sum))
    return out


def _common_integers(*lists):
    """The lists times one common factor, as ints: the ratios are unchanged, and a
    month of sliding sums runs in integers instead of Fractions (20 times faster)."""
    scale = 1
    for values in lists:
        for x in values:
            if x is not None:
                scale = lcm(scale, Fraction(x).denominator)
    return [[None if x is None else int(x * scale) for x in values] for values in lists]


def trumpet(delivered, programmed, steady, interval_ms=INTERVAL_MS, windows_min=WINDOWS_MIN):
    """The curve as a list of Window, from per-interval amounts (see window_errors)."""
    rows = []
    for minutes in windows_min:
        k, rem = divmod(minutes * 60_000, interval_ms)
        if rem or k == 0:
            raise ValueError("a %d min window is not a whole number of %d ms intervals"
                             % (minutes, interval_ms))
        errors = [e for _, e in window_errors(delivered, programmed, steady, k)]
        rows.append(Window(minutes, len(errors), max(errors) if errors else None,
                           min(errors) if errors else None))
    return rows


def overall_error(delivered, programmed, steady):
    """A: 100 * (delivered - programmed) / programmed over every steady interval, in %;
    None if none programmed anything."""
    d = p = 0
    for di, pi, ok in zip(delivered, programmed, steady):
        if ok and di is not None and pi is not None:
            d += di
            p += pi
    return None if p <= 0 else Fraction(100) * (d - p) / p
