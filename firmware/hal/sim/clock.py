"""The simulated board's monotonic clock.

Two sources: a manual one that moves only when told (tests, fast-forward), and the host's
real ticks plus every jump made so far (the virtual Pico runs at real speed, and
`sim advance` jumps it). Either way it never goes back and never wraps: it is a plain int."""
import time

try:
    _ticks = time.ticks_ms
    _diff = time.ticks_diff
    _sleep = time.sleep_ms
    _WRAP = 1 << 30  # MicroPython's ticks period
except AttributeError:  # CPython: a monotonic clock that does not wrap
    def _ticks():
        return time.monotonic_ns() // 1_000_000

    def _diff(a, b):
        return a - b

    def _sleep(ms):
        time.sleep(ms / 1000)  # CPython only: a host-side wait, not a dose

    _WRAP = 0


class SimClock:
    def __init__(self, real=False):
        self._real = real
        self._jumped = 0
        self._manual = 0
        self._t0 = _ticks() if real else 0
        self._last = 0
        self._wrap = 0

    def now_ms(self):
        if not self._real:
            return self._manual
        raw = _diff(_ticks(), self._t0)
        # ticks wrap after 2**30 ms on MicroPython (12 days): count the wraps so the
        # clock keeps rising on a virtual Pico that runs for weeks.
        if raw < self._last:
            self._wrap += _WRAP
        self._last = raw
        return raw + self._wrap + self._jumped

    def jump(self, ms):
        if type(ms) is not int or ms < 0:
            raise ValueError("a clock jumps forward by whole ms")
        if self._real:
            self._jumped += ms
        else:
            self._manual += ms

    def sleep_ms(self, ms):
        if self._real:
            _sleep(ms)
        else:
            self._manual += ms
