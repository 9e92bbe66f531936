"""The board's one time source: monotonic ms since boot from time.ticks_ms, which never
wraps and never goes back. The only module that calls ticks_ms/ticks_diff.

Hazards first:
- ticks_ms wraps every 2^30 ms (12.4 days) and ticks_diff is right only within half
  that, so now_ms() must be called at least once every 6 days; the control loop calls
  it every pass. A reading older than the last one (a negative difference) is ignored,
  so the clock never goes back.
- Python ints do not overflow, so the count itself never wraps."""


class Clock:
    """`ticks_ms`, `ticks_diff` and `sleep_ms` let host tests pass fakes; on the Pico
    leave them None and the `time` module's are used."""

    def __init__(self, ticks_ms=None, ticks_diff=None, sleep_ms=None):
        self.sleep_us = None  # a fake clock has none: callers then wait whole ms
        if ticks_ms is None or ticks_diff is None or sleep_ms is None:
            import time  # MicroPython's: ticks_ms, ticks_diff, sleep_ms, sleep_us

            ticks_ms, ticks_diff, sleep_ms = time.ticks_ms, time.ticks_diff, time.sleep_ms
            self.sleep_us = time.sleep_us
        self._ticks_ms = ticks_ms
        self._ticks_diff = ticks_diff
        self._sleep_ms = sleep_ms
        self._last = ticks_ms()
        self._ms = 0

    def now_ms(self):
        t = self._ticks_ms()
        d = self._ticks_diff(t, self._last)
        if d > 0:
            self._ms += d
            self._last = t
        return self._ms

    def sleep_ms(self, ms):
        self._sleep_ms(ms)
