"""Bytes from the serial port into command lines, one byte at a time, with no allocation
per byte. A line ends at CR or LF (CR LF counts once); 0x03 (Ctrl-C) is reported on its
own, never as part of a line, and drops any half-typed line. A line longer than MAX bytes
is not cut into pieces that could each mean something: it is reported once as OVERLONG
when its end arrives. Half a line followed by silence is reported as STALE, so a cable
pulled mid-line gets an answer instead of waiting forever. Backspace (0x08) and DEL
(0x7F, what most terminals send for the Backspace key) take back the last byte typed, so
a typo fixed in miniterm, picocom, tio or `mpremote repl` is not a line that fails; in a
line already over MAX they change nothing (its end is refused whole anyway)."""
from micropython import const

MAX = const(200)
SILENCE_MS = const(20_000)

LINE = const(1)
INTERRUPT = const(2)
OVERLONG = const(3)
STALE = const(4)

_CR = const(13)
_LF = const(10)
_CTRL_C = const(3)
_BS = const(8)
_DEL = const(127)


class LineReader:
    def __init__(self):
        self.buf = bytearray(MAX)
        self.n = 0
        self.over = False
        self.last_ms = 0
        self.after_cr = False
        self.ready = 0

    def feed(self, byte, now_ms):
        """One byte in; returns None, or a kind (LINE, INTERRUPT, OVERLONG). After LINE,
        line() holds the bytes until the next feed."""
        self.last_ms = now_ms
        if byte == _LF and self.after_cr:
            self.after_cr = False
            return None
        self.after_cr = byte == _CR
        if byte == _CTRL_C:
            self._clear()
            return INTERRUPT
        if byte == _BS or byte == _DEL:
            if self.n and not self.over:
                self.n -= 1
            return None
        if byte == _CR or byte == _LF:
            if self.over:
                self._clear()
                return OVERLONG
            kind = LINE
            self.ready = self.n
            self.n = 0
            return kind
        if self.n < MAX:
            self.buf[self.n] = byte
            self.n += 1
        else:
            self.over = True
        return None

    def line(self):
        return bytes(self.buf[:self.ready])

    def check_silence(self, now_ms):
        """STALE once, if half a line has waited SILENCE_MS for its end."""
        if (self.n or self.over) and now_ms - self.last_ms >= SILENCE_MS:
            self._clear()
            return STALE
        return None

    def _clear(self):
        self.n = 0
        self.over = False
        self.ready = 0
