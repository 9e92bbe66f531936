"""The serial console's byte stream: stdin/stdout, which is USB CDC on a Pico and the
pseudo-terminal on the virtual Pico. Reads never block longer than asked, so the control
loop keeps running between keystrokes."""
import select
import sys


class StdioPort:
    def __init__(self):
        self._poll = select.poll()
        self._poll.register(sys.stdin, select.POLLIN)
        self._in = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else sys.stdin
        self._out = sys.stdout

    def read_byte(self, timeout_ms):
        """One byte as an int, None after timeout_ms without one, or -1 if the stream has
        ended (only a host can close it: the virtual Pico's terminal went away)."""
        if not self._poll.poll(timeout_ms):
            return None
        b = self._in.read(1)
        if not b:
            return -1
        return b[0] if type(b) is bytes else ord(b)

    def write(self, line):
        # CR LF as a board's REPL writes it, so a raw terminal shows lines, not stairs.
        self._out.write(line + "\r\n")
        if hasattr(self._out, "flush"):
            self._out.flush()
