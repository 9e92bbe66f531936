"""pumpctl sim, status, log --csv and console, end to end against the fake firmware."""
import os
import pty
import select
import signal
import subprocess
import sys
import time

from fake_firmware.harness import FAKE_FIRMWARE, open_port, read_until
from terminal import screen

PUMPCTL = [sys.executable, "-m", "pumpctl.cli"]


def pumpctl(*args, stdin=None, timeout=60):
    return subprocess.run(PUMPCTL + list(args), input=stdin, capture_output=True, text=True,
                          timeout=timeout, stdin=None if stdin is not None else subprocess.DEVNULL)


def read_line(proc, timeout=10):
    deadline = time.monotonic() + timeout
    buf = b""
    fd = proc.stdout.fileno()
    while not buf.endswith(b"\n"):
        left = deadline - time.monotonic()
        assert left > 0, "no line from pumpctl sim within %g s: %r" % (timeout, buf)
        if select.select([fd], [], [], left)[0]:
            chunk = os.read(fd, 1)
            assert chunk, "pumpctl sim ended: %r" % buf
            buf += chunk
    return buf.decode()


def start_sim(state):
    return subprocess.Popen(PUMPCTL + ["sim", "--state", str(state), "--firmware",
                                       str(FAKE_FIRMWARE)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            start_new_session=True)


def stop(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    proc.stdout.close()


def test_pumpctl_sim_prints_its_port_serves_until_ctrl_c_and_resumes_its_state(tmp_path):
    state = tmp_path / "state"
    for boot in (1, 2):  # the second run resumes the flash and the world
        proc = start_sim(state)
        try:
            first = read_line(proc)
            assert first.startswith("virtual Pico on /dev/pts/")
            port = first.split()[-1]
            assert os.path.realpath(state / "ttyACM0") == port
            with open_port(str(state / "ttyACM0")) as ser:
                ser.write(b"status\n")
                assert b"OK state=idle boots=%d" % boot in read_until(ser, b"uptime_ms")
            os.kill(proc.pid, signal.SIGINT)  # Ctrl-C in its terminal
            assert proc.wait(timeout=10) == 0
            assert not os.path.lexists(state / "ttyACM0")
        finally:
            stop(proc)


def test_status_on_a_fresh_sim_prints_one_key_a_line():
    proc = pumpctl("status", "--sim", "--firmware", str(FAKE_FIRMWARE))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[:2] == ["state      idle", "boots      1"]
    assert lines[2].startswith("uptime_ms  ")


def test_log_as_csv_has_one_column_per_key():
    proc = pumpctl("log", "3", "--csv", "--sim", "--firmware", str(FAKE_FIRMWARE))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines() == ["seq,event,boots", "0,boot,1", "1,boot,1", "2,boot,1"]


def test_log_words_without_a_key_become_the_event_column():
    from pumpctl.cli import _log_row
    assert _log_row("set time old=A new=B time=C") == {
        "event": "set time", "old": "A", "new": "B", "time": "C"}


def test_console_plays_typed_lines_and_prints_the_replies(tmp_path):
    env_home = dict(os.environ, XDG_STATE_HOME=str(tmp_path))
    proc = subprocess.run(PUMPCTL + ["console", "--sim", "--firmware", str(FAKE_FIRMWARE)],
                          input="echo hello\nbogus\n" + "z" * 201 + "\n", capture_output=True,
                          text=True, timeout=60, env=env_home)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "hello\nOK\n" in out
    assert "ERR 2 unknown command: bogus" in out
    assert "not sent: 201 bytes" in out


def test_on_a_real_terminal_the_plain_mode_erases_an_inline_pin_from_screen_and_history(
        tmp_path):
    # A pty, so input() runs GNU readline and its history, as for a person at a terminal
    # who asked for the plain line mode (the live one: test_live_console.py).
    env = dict(os.environ, XDG_STATE_HOME=str(tmp_path), TERM="xterm", COLUMNS="80")
    pid, fd = pty.fork()
    if pid == 0:  # the child: pumpctl on the pty
        os.execve(sys.executable, PUMPCTL + ["console", "--plain", "--sim", "--firmware",
                                             str(FAKE_FIRMWARE)], env)
    out = bytearray()

    def until(marker, timeout=20):
        deadline = time.monotonic() + timeout
        while marker not in out:
            left = deadline - time.monotonic()
            assert left > 0, "no %r from pumpctl console: %r" % (marker, bytes(out))
            if select.select([fd], [], [], left)[0]:
                try:
                    out.extend(os.read(fd, 4096))
                except OSError:  # EIO: the console has ended and closed the pty
                    return
    try:
        until(b"pump> ")
        for typed, reply in ((b"login 2468", b"not sent"), (b"echo hi", b"OK\r\npump> ")):
            os.write(fd, typed + b"\r")
            until(reply)
        os.write(fd, b"\x04")  # Ctrl-D: the console ends and writes its history
        until(b"\0")  # never comes: read until the pty closes
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.WEXITSTATUS(status) == 0, bytes(out)
    shown = screen(out.decode().replace("\r\n", "\n"))
    assert b"login 2468" in out and "2468" not in shown
    assert "pump> login ****" in shown
    history = (tmp_path / "pumpctl" / "history").read_text()
    assert "echo hi" in history and "2468" not in history


def test_without_a_port_or_sim_it_says_which_is_missing():
    proc = pumpctl("status")
    assert proc.returncode == 3  # the command line refused
    assert "--port PATH, --sim" in proc.stderr and "--emu" in proc.stderr


def test_a_port_that_does_not_exist_is_reported_with_a_hint(tmp_path):
    proc = pumpctl("status", "--port", str(tmp_path / "nope"))
    assert proc.returncode == 2
    assert "cannot open" in proc.stderr and "is the board or the virtual Pico" in proc.stderr


def test_the_real_firmware_answers_status_on_a_fresh_sim():
    proc = pumpctl("status", "--sim")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    keys = [line.split()[0] for line in proc.stdout.splitlines()]
    for key in ("time", "state", "reservoir_nl", "delivered_ng", "step_nl", "alarms"):
        assert key in keys
