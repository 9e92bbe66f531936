"""`pumpctl console --sim` on a pty, as a person at a terminal has it (issue 18, item 3):
an alarm the board raises on its own shows on the screen as it comes, with nothing
typed, and the prompt and the half-typed line are drawn again under it; Tab completes;
`status` fits 80 columns; a PIN, asked for or typed on the line, never reaches the
screen or the history; Ctrl-C drops a line and `exit` leaves. The real firmware on a virtual Pico in real time: `sim fault
battery` makes the battery monitor raise battery_eri after its repeated readings, about
3 s after the command's OK, with no command to carry it."""
import os
import pty
import select
import signal
import sys
import time

from fake_firmware.harness import FAKE_FIRMWARE
from terminal import screen

PUMPCTL = [sys.executable, "-m", "pumpctl.cli"]
PROMPT = b"pump>"  # prompt_toolkit draws the prompt's blank as a cursor move


class Pty:
    """pumpctl console on a pty: keys in, the bytes it wrote kept in `out`."""

    def __init__(self, tmp_path, *args):
        env = dict(os.environ, XDG_STATE_HOME=str(tmp_path), TERM="xterm", COLUMNS="80",
                   LINES="24", PROMPT_TOOLKIT_NO_CPR="1")  # no cursor position queries
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: pumpctl on the pty
            os.execve(sys.executable, PUMPCTL + ["console", "--sim", *args], env)
        self.out = bytearray()

    def until(self, marker, after=0, timeout=20):
        """Reads until `marker` is in what came after offset `after`; its end offset."""
        deadline = time.monotonic() + timeout
        while marker not in self.out[after:]:
            left = deadline - time.monotonic()
            assert left > 0, "no %r from pumpctl console: %r" % (marker, bytes(self.out))
            if select.select([self.fd], [], [], left)[0]:
                try:
                    self.out.extend(os.read(self.fd, 4096))
                except OSError:  # EIO: the console has ended and closed the pty
                    raise AssertionError("console ended: %r" % bytes(self.out)) from None
        return self.out.index(marker, after) + len(marker)

    def type(self, keys, then=None):
        """Types `keys`; with `then`, waits for it and for the prompt drawn after it (a
        key typed before the prompt is up meets the terminal's own line discipline)."""
        at = len(self.out)
        os.write(self.fd, keys)
        if then is not None:
            self.until(PROMPT, self.until(then, at))

    def finish(self, timeout=20):
        """Waits for the console to end; its exit status."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if select.select([self.fd], [], [], 0.2)[0]:
                try:
                    data = os.read(self.fd, 4096)
                except OSError:
                    data = b""
                self.out.extend(data)
                if not data:
                    break
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        self.fd = None
        return os.WEXITSTATUS(status)

    def kill(self):
        """Ends a console a failed test left running (no-op once finish() reaped it):
        Ctrl-C and Ctrl-D first, so it stops its virtual Pico (a killed pumpctl leaves
        the launcher running: it has a process group of its own); SIGKILL if not."""
        if self.fd is None:
            return
        try:
            os.write(self.fd, b"\x03")
            time.sleep(0.3)
            os.write(self.fd, b"\x04")
        except OSError:  # the console has already closed the pty
            pass
        deadline = time.monotonic() + 10
        ended = False
        while not ended and time.monotonic() < deadline:
            if select.select([self.fd], [], [], 0.2)[0]:
                try:
                    os.read(self.fd, 4096)
                except OSError:  # EIO: closed; waitpid says whether it has ended
                    pass
            ended = os.waitpid(self.pid, os.WNOHANG) != (0, 0)
        if not ended:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)
        self.fd = None

    def screen(self):
        return screen(self.out.decode().replace("\r\n", "\n")).splitlines()


def test_an_alarm_shows_as_it_comes_and_the_half_typed_line_is_drawn_again_under_it(
        tmp_path):
    con = Pty(tmp_path)
    try:
        con.until(PROMPT)
        con.type(b"sim fault battery\r", then=b"OK fault=battery")
        faulted_at = len(con.out)
        con.type(b"ec\t")  # Tab: `echo`
        con.until(b"echo")
        con.type(b" o")  # half a line, and no Enter: from here on the test only reads
        # The alarm comes about 3 s after the OK (the typing took well under that).
        alarm_at = con.until(b"! alarm name=battery_eri", faulted_at, timeout=15)
        con.until(b"echo o", alarm_at)
        rows = [r.rstrip() for r in con.screen() if r.strip()]
        alarm = [i for i, r in enumerate(rows) if r.startswith("! alarm name=battery_eri")]
        assert alarm and rows[alarm[-1] + 1:] == ["pump> echo o"], rows
        con.type(b"\x03", then=b"")  # Ctrl-C: the line goes, the console stays
        con.type(b"status\r", then=b"delivery")
        con.type(b"pin\r")  # alone: the new PIN is asked twice, masked
        con.until(b"PIN (not shown):")
        con.type(b"2468\r")
        con.until(b"the same PIN again:")
        con.type(b"2468\r", then=b"OK pin=set")
        con.type(b"login 2468\r", then=b"not sent")  # on the line: masked, and refused
        con.type(b"exit\r")
        status = con.finish()
    finally:
        con.kill()
    assert status == 0, bytes(con.out)
    rows = con.screen()
    shown = rows[rows.index("pump> status") + 1:]
    view = shown[:shown.index("pump> login ****")]
    assert all(len(r) <= 80 for r in view) and "delivery" in view
    assert [r.split()[-2:] for r in view if "alarms" in r] == [["alarms", "battery_eri"]]
    assert "type `login` alone" in "\n".join(rows)
    assert b"2468" not in con.out  # masked as it was typed, never echoed in the clear
    assert "pump> pin" in rows and "OK pin=set" in rows
    history = (tmp_path / "pumpctl" / "history").read_text().splitlines()
    assert history == ["sim fault battery", "status", "exit"]


def test_after_ctrl_c_stops_a_wait_the_rest_of_that_reply_is_not_the_next_ones(tmp_path):
    # The fake firmware's `ticks 3 1000`: an event a second, then OK. Ctrl-C after the
    # first; `status` typed at once must get its own OK (shown as the view), not that one.
    con = Pty(tmp_path, "--firmware", str(FAKE_FIRMWARE))
    try:
        con.until(PROMPT)
        con.type(b"ticks 3 1000\r")
        con.until(b"! tick n=1")
        con.type(b"\x03", then=b"no longer waiting")
        con.type(b"status\r", then=b"uptime_ms")
        con.type(b"exit\r")
        status = con.finish()
    finally:
        con.kill()
    assert status == 0, bytes(con.out)
    rows = [r.rstrip() for r in con.screen()]
    done = rows.index("! tick n=3")
    assert rows[done + 1] == "OK", rows  # the interrupted command's end, shown as it came
    view = [r.split()[:4] for r in rows[done + 2:]]
    assert ["state", "idle", "boots", "1"] in view, rows  # status got its own reply
    assert not [r for r in rows if r.startswith("OK state=")], rows
