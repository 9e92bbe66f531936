"""The console's stdio port: each line leaves as its text and exactly one CR LF, also where
the text stdout is "cooked" as on the rp2 port ("\\n" written becomes "\\r\\n"); bytes come
in raw. Runs under pytest and MicroPython."""
from app.port import StdioPort
from store_helpers import scratch_dir

LINES = ("! ready firmware=0.2.0 board=bench driver=sim step_nl=1400", "OK",
         "ERR 71 wrong arguments for mem (see help)", "")


class RawOut:
    """A byte stream onto the wire, as it is written."""

    def __init__(self, wire):
        self.wire = wire

    def write(self, data):
        assert type(data) is bytes, data  # the raw stream takes bytes, never text
        self.wire.extend(data)
        return len(data)


class CookedStdout:
    """rp2's sys.stdout: write() cooks each "\\n" into "\\r\\n"; held here until flush(), as
    CPython's text layer holds it; `.buffer` writes bytes to the same wire as they come."""

    def __init__(self):
        self.wire = bytearray()
        self.held = []
        self.buffer = RawOut(self.wire)

    def write(self, text):
        self.held.append(text.replace("\n", "\r\n"))
        return len(text)

    def flush(self):
        for text in self.held:
            self.wire.extend(text.encode())
        self.held = []


class TextOnly:
    """A text stream with no raw one beneath (no `.buffer`, no flush)."""

    def __init__(self):
        self.got = []

    def write(self, text):
        self.got.append(text)


def port(stdout, data=b""):
    """A StdioPort on `stdout`, reading `data` from a file (poll accepts a file on both
    interpreters; pytest's own stdin cannot be polled). Returns (port, file to close)."""
    path = scratch_dir("port") + "/in"
    with open(path, "wb") as f:
        f.write(data)
    stdin = open(path, "rb")
    return StdioPort(stdin=stdin, stdout=stdout), stdin


def test_a_cooked_stdout_would_double_the_cr_so_the_test_can_fail():
    out = CookedStdout()
    out.write("OK\r\n")
    out.flush()
    assert bytes(out.wire) == b"OK\r\r\n"


def test_each_line_leaves_with_exactly_one_crlf_through_the_raw_stream():
    out = CookedStdout()
    p, stdin = port(out)
    try:
        for line in LINES:
            p.write(line)
    finally:
        stdin.close()
    wire = bytes(out.wire)
    assert wire == b"".join(line.encode() + b"\r\n" for line in LINES), wire
    assert wire.count(b"\r\n") == len(LINES) and b"\r\r" not in wire, wire
    assert out.held == []


def test_text_printed_before_a_line_still_comes_first():
    # boot.py print()s `! world ...` to the text layer; CPython holds that until a flush.
    out = CookedStdout()
    p, stdin = port(out)
    try:
        out.write("! world no file\n")
        p.write("OK")
    finally:
        stdin.close()
    assert bytes(out.wire) == b"! world no file\r\nOK\r\n"


def test_a_stream_without_a_raw_one_gets_the_text_and_one_crlf():
    out = TextOnly()
    p, stdin = port(out)
    try:
        for line in LINES:
            p.write(line)
    finally:
        stdin.close()
    assert out.got == [line + "\r\n" for line in LINES]
    assert all(type(t) is str for t in out.got)


def test_bytes_come_in_raw_then_the_end_of_the_stream():
    p, stdin = port(TextOnly(), b"ok\r\n\x03\xff")
    try:
        got = [p.read_byte(0) for _ in range(7)]
    finally:
        stdin.close()
    assert got == [111, 107, 13, 10, 3, 255, -1]  # CR kept, Ctrl-C a byte, then ended
