"""One progress line on stderr for long work (deploy, record, report), rewritten in place.

Never writes unless stderr is a terminal and the user did not ask for quiet: a CI log or a
pipe gets no carriage-return noise, and stdout (the transcript, the data) never gets any.
The line is cleared when the work ends, so what follows starts on a clean line."""
import sys
import time

MIN_INTERVAL_S = 0.2  # a terminal redrawn faster than this only flickers


class Progress:
    def __init__(self, label, total=None, stream=None, enabled=None, clock=time.monotonic):
        self.stream = sys.stderr if stream is None else stream
        if enabled is None:
            enabled = _isatty(self.stream)
        self.enabled = enabled
        self.label = label
        self.total = total
        self.clock = clock
        self._last = None
        self._width = 0

    def update(self, done, note="", force=False):
        if not self.enabled:
            return
        now = self.clock()
        if not force and self._last is not None and now - self._last < MIN_INTERVAL_S:
            return
        self._last = now
        text = self.label + ":"
        if self.total:
            text += " %3d%%" % min(100, 100 * done // self.total)
        if note:
            text += " " + note
        self._write(text)

    def finish(self):
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def _write(self, text):
        pad = max(0, self._width - len(text))
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()
        self._width = len(text)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.finish()


def _isatty(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream: not a terminal
        return False


def quiet():
    """A Progress that never writes, for callers that want none."""
    return Progress("", enabled=False)
