"""Patient bolus (myPTM) history and the two count rules: lockout and maximum per rolling
24 h. Each rule is checked here and nowhere else.

Counts boluses by the real monotonic time they were granted, so a reboot or a clock change
cannot make room for another. The verdicts change nothing; only record() does."""
from pump.errors import E_LOCKOUT, E_DAILY_MAX
from pump.schedule import DAY_MS



class BolusHistory:
    def __init__(self):
        self.grants = []  # monotonic ms of granted patient boluses, oldest first

    def record(self, now_ms):
        self.grants.append(now_ms)
        while self.grants and self.grants[0] <= now_ms - DAY_MS:
            self.grants.pop(0)

    def count_24h(self, now_ms):
        """Grants in the rolling window (now - 24 h, now]."""
        n = 0
        for t in self.grants:
            if t > now_ms - DAY_MS:
                n += 1
        return n

    def lockout_left_ms(self, now_ms, lockout_ms):
        if not self.grants:
            return 0
        left = self.grants[-1] + lockout_ms - now_ms
        return left if left > 0 else 0

    def next_count_slot_ms(self, now_ms, max_per_day):
        """Time until the 24 h count would allow one more (0 if it does now)."""
        inside = [t for t in self.grants if t > now_ms - DAY_MS]
        if len(inside) < max_per_day:
            return 0
        return inside[len(inside) - max_per_day] + DAY_MS - now_ms

    def verdict(self, now_ms, lockout_ms, max_per_day):
        """0, or (E_LOCKOUT, ms_left), or (E_DAILY_MAX, count, max)."""
        left = self.lockout_left_ms(now_ms, lockout_ms)
        if left:
            return (E_LOCKOUT, left)
        n = self.count_24h(now_ms)
        if n >= max_per_day:
            return (E_DAILY_MAX, n, max_per_day)
        return 0
