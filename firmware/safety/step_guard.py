"""The independent guard: a second, deliberately simple count of the steps the motor
really issued, over a rolling hour and a rolling 24 h.

It knows nothing of schedules, boluses or the dose ledger, so a bug there cannot blind it:
it compares raw step counts with limits fixed when the prescription is set. Past a limit it
refuses every further step, keeps the driver disabled, and says "guard", which the pump
latches as a critical STOP alarm; only reset() by a clinician lifts it. Counts in fixed
time buckets made at start-up (no allocation while delivering), and counts a bucket that
straddles a window's edge in full, so it may trip early, never late."""
from array import array
from micropython import const
from pump.dose_units import DAY_MS, NL_PER_ML

_HOUR_MS = const(3_600_000)
_HOUR_BUCKET_MS = const(60_000)  # 60 buckets of a minute for the rolling hour
_DAY_BUCKET_MS = const(300_000)  # 288 buckets of 5 minutes for the rolling 24 h
_MAX_COUNT = 0xFFFF_FFFF  # what a bucket holds (array "I")


def steps_allowed(limit_ng, conc_ng_ml, step_num, step_den):
    """Whole steps whose volume at this concentration carries at most `limit_ng`."""
    return limit_ng * NL_PER_ML * step_den // (conc_ng_ml * step_num)


def limits_for(hour_ng, day_ng, conc_ng_ml, rig):
    """(max steps per hour, per 24 h) for a rig: the dose the guard allows in its hour and
    its day (pump/limits.py guard_ng(): the hourly limit plus one bolus, the daily limit
    plus one hour's), in whole steps at this concentration, rounded down. No slack in
    volume: at a high concentration a volume is many hourly limits. A prime is allowed
    apart (safety/limits.py), once for the line it fills."""
    return (steps_allowed(hour_ng, conc_ng_ml, rig.step_num, rig.step_den),
            steps_allowed(day_ng, conc_ng_ml, rig.step_num, rig.step_den))


class _Window:
    def __init__(self, window_ms, bucket_ms):
        self.bucket_ms = bucket_ms
        self.n = window_ms // bucket_ms + 1  # one more: the bucket on the edge
        self.counts = array("I", bytes(4 * self.n))
        self.last = 0  # index (in bucket_ms units since time 0) of the newest bucket
        # The buckets' sum, kept as they change: the guard asks before every move, and
        # adding 289 buckets each time was a seventh of a simulated month's time.
        # tests/core/test_step_guard.py checks it against the buckets' own sum.
        self.sum = 0

    def _roll(self, now_ms):
        idx = now_ms // self.bucket_ms
        gap = idx - self.last
        if gap <= 0:
            return
        if gap >= self.n:
            gap = self.n  # everything is older than the window
        counts = self.counts
        for k in range(1, gap + 1):
            j = (self.last + k) % self.n
            self.sum -= counts[j]
            counts[j] = 0
        self.last = idx

    def total(self, now_ms):
        self._roll(now_ms)
        return self.sum

    def add(self, now_ms, steps):
        self._roll(now_ms)
        self.counts[self.last % self.n] += steps
        self.sum += steps

    def next_exit_ms(self, now_ms):
        """When the oldest steps still counted at now_ms leave the window (ms on the same
        clock), or None if it counts none. Reads only (rolls nothing)."""
        idx = now_ms // self.bucket_ms
        for age in range(self.n - 1, -1, -1):  # oldest first
            j = self.last - age  # the bucket's index since time 0
            if j + self.n > idx and self.counts[j % self.n]:
                return (j + self.n) * self.bucket_ms
        return None

    def scale(self, now_ms, num, den):
        """Every count times num/den: the counts in another unit (a new mix's steps,
        safety/limits.py). Each bucket rounded down, what that lost added to the newest,
        so the sum is the old sum's ceiling and never leaves the window sooner than it
        would have."""
        self._roll(now_ms)
        total = 0
        for j in range(self.n):
            c = self.counts[j] * num // den
            c = c if c < _MAX_COUNT else _MAX_COUNT  # far past any limit: tripped anyway
            self.counts[j] = c
            total += c
        whole = -(-self.sum * num // den)
        j = self.last % self.n
        extra = whole - total if whole - total < _MAX_COUNT - self.counts[j] else 0
        self.counts[j] += extra
        self.sum = total + extra

    def by_age(self, now_ms):
        """The counts, newest bucket first."""
        self._roll(now_ms)
        return [self.counts[(self.last - k) % self.n] for k in range(self.n)]

    def restore(self, now_ms, counts):
        """Counts from by_age() put back at the same ages before now: time the board was
        off counts as none, so steps stay in the window at least as long as they should."""
        self._roll(now_ms)
        total = 0
        for k in range(self.n):
            c = counts[k] if k < len(counts) else 0
            self.counts[(self.last - k) % self.n] = c
            total += c
        self.sum = total


class StepGuard:
    def __init__(self, max_steps_hour, max_steps_day):
        self.hour = _Window(_HOUR_MS, _HOUR_BUCKET_MS)
        self.day = _Window(DAY_MS, _DAY_BUCKET_MS)
        self.max_hour = max_steps_hour
        self.max_day = max_steps_day
        self.tripped = False

    def set_limits(self, max_steps_hour, max_steps_day):
        self.max_hour = max_steps_hour
        self.max_day = max_steps_day

    def allows(self, now_ms, steps, day_steps=None):
        """Would `steps` more, now, keep both windows within their limits? (`day_steps`:
        the day's count of them, when the two windows' units differ: safety/limits.py.)
        Changes only the rolling of old buckets out of the windows."""
        if self.tripped:
            return False
        return (self.hour.total(now_ms) + steps <= self.max_hour
                and self.day.total(now_ms) + (steps if day_steps is None else day_steps)
                <= self.max_day)

    def record(self, now_ms, steps, day_steps=None):
        self.hour.add(now_ms, steps)
        self.day.add(now_ms, steps if day_steps is None else day_steps)

    def scale(self, now_ms, hour, day):
        """Counts into new units: hour and day as (num, den), safety/limits.py."""
        self.hour.scale(now_ms, hour[0], hour[1])
        self.day.scale(now_ms, day[0], day[1])

    def reset(self):
        """A clinician's acknowledgement; the counts stay, so the windows still hold."""
        self.tripped = False

    def next_exit_ms(self, now_ms):
        """When a window's total next falls as its oldest steps leave it, or None."""
        a = self.hour.next_exit_ms(now_ms)
        b = self.day.next_exit_ms(now_ms)
        return a if b is None or (a is not None and a < b) else b

    def dump(self, now_ms):
        """(tripped, hour counts, day counts), newest first, for the snapshot on flash."""
        return self.tripped, self.hour.by_age(now_ms), self.day.by_age(now_ms)

    def load(self, now_ms, tripped, hour, day):
        """Back from dump() after a reset. Counts beyond a window's length are refused."""
        if len(hour) > self.hour.n or len(day) > self.day.n:
            raise ValueError("guard counts")
        for c in hour + day:
            if not 0 <= c <= 0xFFFF_FFFF:  # what the buckets' array holds
                raise ValueError("guard counts")
        self.hour.restore(now_ms, hour)
        self.day.restore(now_ms, day)
        self.tripped = bool(tripped)
