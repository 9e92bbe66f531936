"""The ideal dose of the primary drug over time, as a piecewise-linear record, kept for the
last 24 h so any rolling window can be summed exactly.

Rolling-hour and rolling-24 h limits are checked against it (with one step of margin, since
the motor trails the ideal by less than one step). Bounded: entries older than the longest
window are dropped. Each piece is one tuple, added in one append, so running out of memory
can never leave the record half written. Never reads a clock; times are monotonic ms."""
from pump.dose_units import DAY_MS as KEEP_MS  # the longest window


class DoseLedger:
    def __init__(self):
        self.pieces = []  # (start_ms, ideal dose at start in U, rate in U per ms)

    def mark(self, now_ms, rate):
        """From now on the ideal rises at `rate` U/ms."""
        p = self.pieces
        c = self.cum_at(now_ms)
        if p and p[-1][0] == now_ms:
            p[-1] = (now_ms, c, rate)
        else:
            p.append((now_ms, c, rate))
        # Keep one piece that starts before the window so its dose can be interpolated.
        while len(p) > 1 and p[1][0] <= now_ms - KEEP_MS:
            p.pop(0)

    def bump(self, dose_u):
        """Add a dose (positive or negative) at once at the latest piece's start: the
        correction for the part of a millisecond a bolus ramp overran, so the record stays
        exact. Callers start a piece at that instant first, so the past is not shifted."""
        if self.pieces:
            t, c, r = self.pieces[-1]
            self.pieces[-1] = (t, c + dose_u, r)

    def cum_at(self, t_ms):
        """Ideal cumulative dose at t_ms (U); before the record began it is the first."""
        p = self.pieces
        if not p:
            return 0
        if t_ms <= p[0][0]:
            return p[0][1]
        lo, hi = 0, len(p) - 1
        while lo < hi:  # last piece starting at or before t_ms
            mid = (lo + hi + 1) // 2
            if p[mid][0] <= t_ms:
                lo = mid
            else:
                hi = mid - 1
        t, c, r = p[lo]
        return c + r * (t_ms - t)
