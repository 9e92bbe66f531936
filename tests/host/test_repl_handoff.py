"""The hand-off between the pump firmware and the MicroPython REPL (issue 18, item 6), on
the virtual Pico running the real firmware: pumpctl says at once that a board is at the
REPL and names the command that restarts it, `pumpctl restart` brings `! ready` back,
and `mpremote reset` (machine.reset()) restarts the firmware as it does on a Pico."""
import io
import sys
import time

from fake_firmware.harness import mpremote
from pumpctl import cli
from pumpctl.client import ClientError, PumpClient
from pumpctl.virtual_pico import VirtualPico

PIN = "2468"


def ok(c, line):
    reply = c.command(line, timeout=30.0)
    assert reply.ok, (line, reply.final, reply.events)
    return reply


def to_the_repl(port, pin=None):
    """A clinician's way to the REPL: login (a board with a PIN), then `repl confirm`."""
    with PumpClient(port) as c:
        c.drain(quiet=0.2, overall=5.0)
        if pin is not None:
            ok(c, "login " + pin)
        ok(c, "repl confirm")
        got = c.take_buffered()
        end = time.monotonic() + 10
        while b">>> " not in got and time.monotonic() < end:
            got += c.serial.read(max(1, c.serial.in_waiting))
        assert b">>> " in got, got


def test_status_at_the_repl_says_so_at_once_and_restart_brings_the_firmware_back(capsys):
    with VirtualPico() as vp:
        with PumpClient(vp.port) as c:
            c.wait_ready(60)
            ok(c, "pin " + PIN)
        to_the_repl(vp.port, PIN)
        capsys.readouterr()
        start = time.monotonic()
        assert cli.main(["status", "--port", vp.port]) == 2
        assert time.monotonic() - start < 5.0  # not the 30 s reply timeout
        err = capsys.readouterr().err
        assert "the board is at the MicroPython REPL" in err, err
        assert "pumpctl restart --port %s" % vp.port in err, err
        assert cli.main(["restart", "--port", vp.port]) == 0
        out = capsys.readouterr().out
        assert "soft reset" in out and "! ready firmware=" in out, out
        assert cli.main(["status", "--port", vp.port]) == 0
        assert "state" in capsys.readouterr().out
        assert cli.main(["restart", "--port", vp.port]) == 0  # running: left alone
        assert "nothing to restart" in capsys.readouterr().out
        with PumpClient(vp.port) as c:
            c.drain(quiet=0.2, overall=5.0)
            assert ok(c, "whoami").fields["pin"] == "set"  # the same board, its PIN kept


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_console_offers_to_restart_a_board_it_finds_at_the_repl(
        monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))  # its own history file
    with VirtualPico() as vp:
        with PumpClient(vp.port) as c:
            c.wait_ready(60)
        to_the_repl(vp.port)
        typed = iter(["status", "y", "status"])

        def type_line(prompt):
            sys.stdout.write(prompt)
            try:
                return next(typed)
            except StopIteration:
                raise EOFError from None
        monkeypatch.setattr("builtins.input", type_line)
        monkeypatch.setattr(sys, "stdin", Terminal())
        assert cli.main(["console", "--port", vp.port]) == 0
    out = capsys.readouterr().out
    first, _, after = out.partition("[y/N] ")
    assert "the board is at the MicroPython REPL" in first, out
    assert "pumpctl restart --port" in first and "OK state=" not in first, out
    assert "! ready firmware=" in after and " state=unprogrammed " in after, out


def _answers_after_a_reset(port):
    with PumpClient(port) as c:
        end = time.monotonic() + 20
        while True:  # the reset may still be under way: a line then is lost to it
            c.drain(quiet=0.3, overall=5.0)
            try:
                reply = c.command("log 3", timeout=3.0)
            except ClientError:  # silence or the REPL's prompt: not booted yet
                if time.monotonic() > end:
                    raise
                time.sleep(0.5)
                continue
            assert reply.ok, reply.final
            return reply.lines


def test_mpremote_reset_restarts_the_firmware_of_the_virtual_pico():
    with VirtualPico() as vp:
        with PumpClient(vp.port) as c:
            c.wait_ready(60)
        to_the_repl(vp.port)  # a fresh board: no login
        for args in (("reset",), ("exec", "import machine; machine.reset()")):
            proc = mpremote(vp.port, *args, timeout=30)
            assert proc.returncode == 0, (args, proc.stdout, proc.stderr)
            lines = _answers_after_a_reset(vp.port)
            assert any(line.startswith("reset cause=reset") for line in lines), lines
            to_the_repl(vp.port)
        assert " exit rc=82 " in vp.log_text()
