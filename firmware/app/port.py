"""The serial console's byte stream: stdin/stdout, which is USB CDC on a Pico and the
pseudo-terminal on the virtual Pico. Reads never block longer than asked, so the control
loop keeps running between keystrokes. Bytes go both ways through the raw streams, so a
line leaves as the same bytes on every port."""
import select
import sys


class StdioPort:
    def __init__(self, stdin=None, stdout=None):
        stdin = sys.stdin if stdin is None else stdin  # the streams are the tests' to swap
        stdout = sys.stdout if stdout is None else stdout
        self._poll = select.poll()
        self._poll.register(stdin, select.POLLIN)
        # MicroPython's ipoll() answers without allocating (poll() builds a list every
        # call, and this is every pass of the loop); CPython has only poll().
        self._ipoll = getattr(self._poll, "ipoll", None)
        self._in = stdin.buffer if hasattr(stdin, "buffer") else stdin
        # Out through the raw stream too, where there is one (MicroPython's unix and rp2
        # ports, CPython): rp2's text stdout is "cooked", each "\n" becomes "\r\n", so a
        # line's "\r\n" would reach the host as "\r\r\n". A stream without one is taken
        # to write its text as it is given.
        self._text = stdout
        self._raw = getattr(stdout, "buffer", None)

    def read_byte(self, timeout_ms):
        """One byte as an int, None after timeout_ms without one, or -1 if the stream has
        ended (only a host can close it: the virtual Pico's terminal went away)."""
        if self._ipoll is not None:
            for _ in self._ipoll(timeout_ms):
                break
            else:
                return None
        elif not self._poll.poll(timeout_ms):
            return None
        b = self._in.read(1)
        if not b:
            return -1
        return b[0] if type(b) is bytes else ord(b)

    def write(self, line):
        # CR LF as a board's REPL writes it, so a raw terminal shows lines, not stairs.
        data = line + "\r\n"
        if self._raw is None:
            _send(self._text, data)
            return
        # What print() left in the text layer goes first: CPython buffers it apart from
        # the bytes (MicroPython buffers neither).
        _flush(self._text)
        _send(self._raw, data.encode())


    def echo(self, data):
        """Raw bytes, no line end: a typed byte shown back (`echo on`)."""
        if self._raw is None:
            _send(self._text, data.decode())
            return
        _send(self._raw, data)


def _send(stream, data):
    stream.write(data)
    _flush(stream)


def _flush(stream):
    if hasattr(stream, "flush"):
        stream.flush()
