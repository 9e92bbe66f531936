"""Debouncing as a pure function of (level, now_ms) samples: end stops, fault lines and
the bolus button. Never reads a pin or a clock; the caller hands over both.

Hazards first:
- An input reads ACTIVE until it has been seen stably inactive. An end stop that was
  never read counts as triggered, so a motor cannot start against it; a button already
  held at boot (or stuck, or shorted) never makes a press, because its start was not seen.
- A bolus press counts only when the button was held stably for `hold_ms` AND then
  released stably. A bump, a bounce or a train of bounces shorter than the hold never
  counts; a button held forever counts once, when it is at last released (a stuck
  button therefore gives no bolus at all while it stays stuck).
- Two presses completed between two reads of `pressed()` give one press: the button
  can ask for less than was pressed, never more.

A level change counts once the new level has held for `settle_ms` across samples: the
first sample at the new level starts the wait, so a glitch seen in a single sample is
ignored however sparse the sampling. Times are the caller's monotonic ms."""
from micropython import const

SETTLE_MS = const(20)  # contact bounce of a microswitch or tact switch is < 10 ms


def _check_level(active_level):
    if type(active_level) is not int or active_level not in (0, 1):
        raise ValueError("active level must be 0 or 1")


def _check_ms(ms, low):
    if type(ms) is not int or ms < low:
        raise ValueError("ms out of range")


class Debounced:
    """One input. `active` is the debounced logical level (True = active); `since` is
    when its current run began (the first sample of that level), or None if that start
    was never seen (from boot)."""

    def __init__(self, active_level, settle_ms=SETTLE_MS):
        _check_level(active_level)
        _check_ms(settle_ms, 0)
        self._level = active_level
        self._settle = settle_ms
        self._raw = True
        self._raw_since = None  # first sample of the current raw run; None before any
        self.active = True
        self.since = None

    def sample(self, level, now_ms):
        """Feed the electrical level (0/1) read at now_ms; returns the debounced level."""
        logical = (1 if level else 0) == self._level
        if self._raw_since is None or logical != self._raw:
            self._raw = logical
            self._raw_since = now_ms
        if self._raw != self.active and now_ms - self._raw_since >= self._settle:
            self.active = self._raw
            self.since = self._raw_since
        return self.active


class HoldButton:
    """The bolus button: one deliberate press is stably active for at least `hold_ms`
    (measured from the first sample of the press to the first sample of the release),
    then stably released."""

    def __init__(self, active_level, hold_ms, settle_ms=SETTLE_MS):
        _check_ms(hold_ms, 1)
        self._in = Debounced(active_level, settle_ms)
        self._hold = hold_ms
        self._pressed_at = None  # start of the current press, None if not seen
        self._ready = False

    def sample(self, level, now_ms):
        was = self._in.active
        if self._in.sample(level, now_ms) == was:
            return
        if self._in.active:
            self._pressed_at = self._in.since
        else:
            if (self._pressed_at is not None
                    and self._in.since - self._pressed_at >= self._hold):
                self._ready = True
            self._pressed_at = None

    def pressed(self):
        """True once for the deliberate press(es) completed since the last call."""
        ready = self._ready
        self._ready = False
        return ready

    def held(self):
        """True while the button is (debounced) down: for a stuck-button check."""
        return self._in.active
