"""The 24-hour basal schedule ("flex dosing"): up to 24 time-of-day steps, each a dose
rate of the primary drug in ng/day.

Rejects a schedule it could not run (out of order, not starting at 00:00, too many steps)
when it is built, never later. Integrals are exact integers in ng*ms/day; never reads a
clock: callers pass the time of day in ms."""
from micropython import const
from pump.dose_units import DAY_MS, MIN_MS, MIN_PER_DAY, basal_e6
from pump.errors import PumpError, E_SCHEDULE, E_RANGE

# DAY_MS and MIN_MS (their one home is dose_units.py) and HOUR_MS: every pump module
# imports them here.
HOUR_MS = const(3_600_000)
MAX_STEPS = const(24)
MAX_RATE_NG_D = const(1_000_000_000)  # 1 g/day: far beyond any drug table limit


class BasalSchedule:
    """Immutable. `starts_ms[i]` is the time of day step i begins; it runs until the next."""

    def __init__(self, steps, most=MAX_STEPS):
        # `most`: more for the schedule scheduled boluses join to it (pump/sched_bolus.py)
        steps = tuple(steps)
        if not 1 <= len(steps) <= most:
            raise PumpError(E_SCHEDULE, len(steps))
        prev = -1
        for start_min, rate in steps:
            if type(start_min) is not int or not prev < start_min < MIN_PER_DAY:
                raise PumpError(E_SCHEDULE, start_min)
            if prev == -1 and start_min != 0:
                raise PumpError(E_SCHEDULE, start_min)
            if type(rate) is not int or not 0 <= rate <= MAX_RATE_NG_D:
                raise PumpError(E_RANGE, rate)
            prev = start_min
        self.steps = steps
        self.starts_ms = tuple(s * MIN_MS for s, _ in steps)
        self.rates = tuple(r for _, r in steps)

    def index_at(self, tod_ms):
        i = len(self.starts_ms) - 1
        while self.starts_ms[i] > tod_ms:
            i -= 1
        return i

    def rate_at(self, tod_ms):
        return self.rates[self.index_at(tod_ms % DAY_MS)]

    def ms_to_next_step(self, tod_ms):
        """Time from tod_ms until the rate may next change (next step or midnight)."""
        tod_ms %= DAY_MS
        i = self.index_at(tod_ms)
        end = self.starts_ms[i + 1] if i + 1 < len(self.starts_ms) else DAY_MS
        return end - tod_ms

    def segments(self, tod_ms, length_ms):
        """Yield (duration_ms, rate_ng_d) pieces covering [tod_ms, tod_ms + length_ms)."""
        while length_ms > 0:
            d = self.ms_to_next_step(tod_ms)
            if d > length_ms:
                d = length_ms
            yield d, self.rate_at(tod_ms)
            tod_ms = (tod_ms + d) % DAY_MS
            length_ms -= d

    def integral(self, tod_ms, length_ms, floor_e6=0):
        """Dose over a span in ng*ms/day*1e6 (so ng = result / 8.64e13). `floor_e6` is a
        minimum rate in ng/day*1e6, the catheter-open flow expressed as dose."""
        total = 0
        for d, rate in self.segments(tod_ms, length_ms):
            total += d * basal_e6(rate, floor_e6)
        return total

    def daily_e6(self, floor_e6=0):
        return self.integral(0, DAY_MS, floor_e6)

    def max_window_e6(self, window_ms, floor_e6=0):
        """Largest dose (ng*ms/day*1e6) in any window of this length: piecewise linear in
        the window's start, so its maximum sits where an edge meets a step boundary."""
        best = 0
        for s in self.starts_ms:
            for start in (s, (s - window_ms) % DAY_MS):
                v = self.integral(start, window_ms, floor_e6)
                if v > best:
                    best = v
        return best
