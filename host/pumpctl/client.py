"""The console protocol from the host side, over pyserial: send one line, collect its
reply. Shared by pumpctl and the tests; a real board and the virtual Pico look the same.

The protocol (docs/protocol.md): one ASCII command a line, at most MAX_LINE bytes, "\\n"
terminated. A reply is zero or more data lines, then exactly one final line, `OK` with
key=value pairs or `ERR <code> <message>`. Lines starting with "! " are events and may
come at any time, before a reply too. After boot the firmware prints `! ready ...`.

Never waits without a limit: every read has a gap timeout (longest silence) and a
deadline. A reply's deadline moves with every line that comes (the board is working on
it), and a `sim advance` gets more time by the simulated days it asks for, so no fixed
timeout cuts a long reply while it progresses. A board at the MicroPython REPL (mpremote
left it there) answers a line with Python's prompt: that raises AtRepl as soon as the
prompt stands (repl.py), not after the timeout, and nothing more is sent. Never sends a line it would have to cut
or that could split in two: those raise ValueError before a byte leaves (write_raw() is
for tests of bad input)."""
import time

import serial

from pumpctl import pins, repl
from pumpctl.durations import DAY_MS, advance_of

MAX_LINE = 200  # bytes in a command line, without its "\n"
MICRO_SIGNS = "\u00b5\u03bc"  # micro sign, Greek mu: what a "ug" is most often typed as
NEWLINE = b"\n"  # ends a command line; the board may end its lines with "\r\n"
CTRL_C = b"\x03"  # ctrl-C: on a stopped pump, drops the firmware to the REPL
EVENT_PREFIX = "! "
READY_PREFIX = "! ready"
POWER_CUT = "sim power-cut"
# Commands after whose OK the board restarts: the next command waits for `! ready`.
RESETS = (POWER_CUT.split(), ["sim", "fault", "hang"])
POLL_S = 0.05  # longest single read; a deadline may be overrun by this much


class ClientError(Exception):
    """Root of the client's errors."""


def holders(port):
    """["pid 1234 (mpremote ...)", ...]: the processes that have `port` open, read from
    /proc (Linux); [] where there is no /proc or nothing is found."""
    import os
    try:
        target = os.path.realpath(port)
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return []
    found = []
    for pid in pids:
        fd_dir = "/proc/%s/fd" % pid
        try:
            fds = os.listdir(fd_dir)
        except OSError:
            continue  # gone, or not ours to read
        for fd in fds:
            try:
                if os.path.realpath(os.path.join(fd_dir, fd)) == target:
                    found.append("pid %s (%s)" % (pid, _cmdline(pid)))
                    break
            except OSError:
                continue
    return found


def _cmdline(pid):
    try:
        with open("/proc/%s/cmdline" % pid, "rb") as f:
            words = f.read().split(b"\0")
    except OSError:
        return "?"
    text = " ".join(w.decode(errors="replace") for w in words if w)
    return text if len(text) <= 60 else text[:57] + "..."


class ReplyTimeout(ClientError):
    """No final line in time. `lines` holds what did arrive."""

    def __init__(self, message, lines):
        super().__init__(message)
        self.lines = lines


class AtRepl(ClientError):
    """The board answered with the MicroPython REPL's prompt, not the firmware's protocol
    (repl.py). `kind`: "friendly" or "raw"; `lines`: what came before the prompt."""

    def __init__(self, kind, lines):
        super().__init__(repl.describe(kind))
        self.kind = kind
        self.lines = lines


class Reply:
    """One command's answer. lines: data lines; events: "! " lines that came meanwhile;
    final: the OK/ERR line; fields: its key=value pairs; code: the ERR number;
    received: every line in the order it came, final last."""

    def __init__(self, command, lines, events, final, received=None):
        self.command = command
        self.received = received if received is not None else lines + events + [final]
        self.lines = lines
        self.events = events
        self.final = final
        self.ok = final == "OK" or final.startswith("OK ")
        self.code = None
        self.message = ""
        self.fields = {}
        if self.ok:
            self.fields = parse_fields(final[3:])
        else:
            _err, _, rest = final.partition(" ")
            code, _, self.message = rest.partition(" ")
            try:
                self.code = int(code)
            except ValueError:  # a malformed ERR line still is an ERR
                self.message = rest

    def __repr__(self):
        return "Reply(%r -> %r, %d lines, %d events)" % (
            pins.redact(self.command), self.final, len(self.lines), len(self.events))


def parse_fields(text):
    """"a=1 b=x,y" -> {"a": "1", "b": "x,y"}. A word without "=" maps to ""."""
    fields = {}
    for word in text.split():
        key, _, value = word.partition("=")
        fields[key] = value
    return fields


def is_final(line):
    return line == "OK" or line.startswith("OK ") or line.startswith("ERR ")


def reply_budget_s(line, timeout):
    """Seconds the board may stay silent while it answers `line`: `timeout`, and for a
    `sim advance` one `timeout` more per simulated day. The firmware walks the days
    before its OK and may say nothing meanwhile: 30 days of case 1 took 16 to 48 s on a
    busy machine, against 30 s for any reply before (issue 18)."""
    ms = advance_of(line)
    return timeout if ms is None else timeout * (1 + ms / DAY_MS)


def check_line(line):
    """The line as bytes, or ValueError if it is not one command the board can take."""
    if "\n" in line or "\r" in line:
        raise ValueError("one command per line: %r holds a line break"
                         % (pins.redact(line),))
    try:
        data = line.encode("ascii")
    except UnicodeEncodeError as e:
        bad = line[e.start]
        hint = " (write ug or mcg)" if bad in MICRO_SIGNS else ""
        raise ValueError("the console is ASCII: %r (U+%04X) at character %d%s"
                         % (bad, ord(bad), e.start + 1, hint)) from None
    if len(data) > MAX_LINE:
        raise ValueError("%d bytes: a command line holds at most %d" % (len(data), MAX_LINE))
    return data


class PumpClient:
    """PumpClient(port) or PumpClient(serial_like): anything with read(n), write(b),
    in_waiting, timeout and reset_input_buffer() (pyserial's API)."""

    def __init__(self, port, baudrate=115200):
        if isinstance(port, str):
            try:
                # Exclusive (a POSIX lock): two clients on one port would each read half
                # of the other's replies and take them for their own.
                self.serial = serial.Serial(port, baudrate=baudrate, timeout=0.1,
                                            exclusive=True)
            except serial.SerialException as e:
                who = holders(port)
                if who:
                    raise ClientError("cannot open %s: it is in use by %s" % (
                        port, ", ".join(who))) from e
                raise ClientError("cannot open %s: %s (is the board or the virtual Pico "
                                  "running, and the port not in use?)" % (port, e)) from e
        else:
            self.serial = port
        self._buf = bytearray()
        self.events = []  # every "! " line seen, in order
        self.seen_before_ready = []
        self.reboot_pending = False
        self._last_line = None

    # ----- lines -----
    def read_line(self, gap, deadline, at_repl=False):
        """The next line without its ending, or None after `gap` s of silence or at
        `deadline` (time.monotonic()). Bytes that are not ASCII are replaced. at_repl:
        raise AtRepl (lines: []) once a REPL prompt has stood repl.QUIET_S unanswered."""
        last = time.monotonic()
        while True:
            at = self._buf.find(b"\n")
            if at >= 0:
                raw = bytes(self._buf[:at])
                del self._buf[:at + 1]
                self._last_line = raw.rstrip(b"\r").decode("ascii", errors="replace")
                return self._last_line
            now = time.monotonic()
            if at_repl and now - last >= repl.QUIET_S:
                which = repl.kind(bytes(self._buf), self._last_line)
                if which is not None:
                    raise AtRepl(which, [])
            wait = min(deadline - now, last + gap - now)
            if wait <= 0:
                return None
            step = POLL_S if wait > POLL_S else wait
            if self.serial.timeout != step:  # pyserial reconfigures the port on each set
                self.serial.timeout = step
            chunk = self.serial.read(max(1, self.serial.in_waiting))
            if chunk:
                self._buf += chunk
                last = time.monotonic()

    def take_buffered(self):
        """Bytes already read from the port but not yet handed out as lines (what came
        after the last reply, such as a REPL's prompt): returned once, then forgotten."""
        data = bytes(self._buf)
        self._buf.clear()
        return data

    def drain(self, quiet=0.05, overall=2.0):
        """Drop what is waiting (old output) until the port is quiet for `quiet` s."""
        self.serial.reset_input_buffer()
        self._buf.clear()
        deadline = time.monotonic() + overall
        while self.read_line(quiet, deadline) is not None:
            pass
        self._buf.clear()

    def wait_ready(self, timeout=10.0):
        """Wait for the firmware's `! ready ...` line (after boot); returns it. Lines
        before it (a banner, events) are kept in self.seen_before_ready."""
        deadline = time.monotonic() + timeout
        self.seen_before_ready = []
        while True:
            line = self.read_line(timeout, deadline)
            if line is None:
                raise ReplyTimeout("no '%s' line within %g s" % (READY_PREFIX, timeout),
                                   self.seen_before_ready)
            if line.startswith(READY_PREFIX):
                self.events.append(line)
                self.reboot_pending = False
                return line
            self.seen_before_ready.append(line)
            if line.startswith(EVENT_PREFIX):
                self.events.append(line)

    # ----- commands -----
    def write_raw(self, data):
        """Bytes as they are: for tests of junk, over-long lines, control bytes."""
        self.serial.write(data)
        self.serial.flush()

    def command(self, line, timeout=5.0, gap=None, on_line=None):
        """Send one command line and return its Reply. timeout: seconds the board may
        take before its next line (reply_budget_s: more for a `sim advance`); each line
        that comes moves the deadline on, so a reply that keeps coming is never cut.
        gap: a shorter limit on silence (s). on_line: called with each line as it comes.
        If the last command was `sim power-cut`, waits for the rebooted firmware's ready
        line first."""
        data = check_line(line)
        if self.reboot_pending:
            self.wait_ready(timeout)
        self.write_raw(data + NEWLINE)
        budget = reply_budget_s(line, timeout)
        gap = budget if gap is None else min(gap, budget)
        deadline = time.monotonic() + budget
        lines, events, received = [], [], []
        while True:
            try:
                got = self.read_line(gap, deadline, at_repl=True)
            except AtRepl as e:  # our line went to Python, which answered with its prompt
                e.lines = received
                raise
            if got is None:
                raise ReplyTimeout("no OK/ERR for %r: nothing from the board for %g s"
                                   % (pins.redact(line), gap), received)
            deadline = time.monotonic() + budget  # a line is progress: the board is at it
            received.append(got)
            if on_line is not None:
                on_line(got)
            if got.startswith(EVENT_PREFIX):
                events.append(got)
                self.events.append(got)
                if got.startswith("! reboot"):
                    self.reboot_pending = True  # a command changed the rig; it restarts
            elif is_final(got):
                reply = Reply(line, lines, events, got, received)
                if reply.ok and line.split() in RESETS:
                    self.reboot_pending = True
                return reply
            else:
                lines.append(got)

    def interrupt(self):
        self.write_raw(CTRL_C)  # ctrl-C: a stopped pump drops to the REPL

    def close(self):
        self.serial.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
