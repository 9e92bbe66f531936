"""The simulated board's monotonic clock.

Two sources: a manual one that moves only when told (tests, fast-forward), and real time
plus every jump made so far (the virtual Pico runs at real speed, and `sim advance` jumps
it). Real time is the Pico's own clock (hal/pico/clock.py, which owns the tick-wrap
handling) fed by MicroPython's ticks, or by CPython's monotonic clock on the host."""
import time

from hal.pico.clock import Clock


def _host_ticks():
    return time.monotonic_ns() // 1_000_000


def _host_diff(a, b):
    return a - b


def _host_sleep(ms):
    time.sleep(ms / 1000)  # CPython only: a host-side wait, not a dose


class SimClock:
    def __init__(self, real=False):
        self._base = None
        if real:
            if hasattr(time, "ticks_ms"):
                self._base = Clock()
            else:
                self._base = Clock(_host_ticks, _host_diff, _host_sleep)
        self._jumped = 0

    def now_ms(self):
        base = self._base.now_ms() if self._base is not None else 0
        return base + self._jumped

    def jump(self, ms):
        if type(ms) is not int or ms < 0:
            raise ValueError("a clock jumps forward by whole ms")
        self._jumped += ms

    def sleep_ms(self, ms):
        if self._base is not None:
            self._base.sleep_ms(ms)
        else:
            self._jumped += ms
