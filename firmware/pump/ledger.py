"""The ideal dose of the primary drug over time, as a piecewise-linear record, kept for the
last 24 h so any rolling window can be summed exactly.

Rolling-hour and rolling-24 h limits are checked against it (with one step of margin, since
the motor trails the ideal by less than one step). Bounded: entries older than the longest
window are dropped. Never reads a clock; times are the pump's monotonic ms."""
from pump.compat import const

KEEP_MS = const(86_400_000)


class DoseLedger:
    def __init__(self):
        self.t = []  # start of each piece (ms)
        self.cum = []  # ideal dose at that start (U)
        self.rate = []  # U per ms over the piece

    def mark(self, now_ms, rate):
        """From now on the ideal rises at `rate` U/ms."""
        c = self.cum_at(now_ms) if self.t else 0
        if self.t and self.t[-1] == now_ms:
            self.cum[-1] = c
            self.rate[-1] = rate
        else:
            self.t.append(now_ms)
            self.cum.append(c)
            self.rate.append(rate)
        # Keep one piece that starts before the window so its dose can be interpolated.
        while len(self.t) > 1 and self.t[1] <= now_ms - KEEP_MS:
            self.t.pop(0)
            self.cum.pop(0)
            self.rate.pop(0)

    def cum_at(self, t_ms):
        """Ideal cumulative dose at t_ms (U); before the record began it is the first."""
        if not self.t or t_ms <= self.t[0]:
            return self.cum[0] if self.t else 0
        lo, hi = 0, len(self.t) - 1
        while lo < hi:  # last piece starting at or before t_ms
            mid = (lo + hi + 1) // 2
            if self.t[mid] <= t_ms:
                lo = mid
            else:
                hi = mid - 1
        return self.cum[lo] + self.rate[lo] * (t_ms - self.t[lo])

    def breakpoints(self, since_ms, until_ms):
        out = []
        for t in self.t:
            if since_ms < t < until_ms:
                out.append(t)
        return out

    def bump(self, dose_u):
        """Add a dose delivered at once at the latest piece's start (a bolus's last
        fraction of a millisecond), so the record stays exact."""
        if self.t:
            self.cum[-1] += dose_u
