"""The REPL on the real target (issue 15): a patient with the USB cable never reaches it.
Ctrl-C and the raw-REPL and paste-mode bytes (Ctrl-A, -B, -D, -E) are answered by the
firmware over USB CDC and change nothing; a clinician's `repl confirm`, with the pump
stopped, gives the MicroPython prompt; so does the service jumper held at power-on."""
import time

from pumpctl.client import PumpClient
from pumpctl.emu.board import EmuPico

from conftest import BD1ML, BD3ML
from emu_console import PIN, ok

PROMPT = b">>> "


def test_no_control_byte_reaches_the_repl_and_a_clinicians_repl_does(tmp_path):
    with EmuPico(tmp_path, board_config=BD1ML) as emu, PumpClient(emu.port) as c:
        c.wait_ready(120)
        ok(c, "pin " + PIN)  # provisioned: the REPL is a clinician's from now on
        mark = len(emu.seen)
        for b in (b"\x03", b"\x01", b"\x02", b"\x04", b"\x05", b"\r\x03\x03"):
            c.write_raw(b)
        c.write_raw(b"\r\n")  # the bytes as a line: ERR 73, not printable
        emu.wait_output(b"ERR 73 ", 60, mark)
        c.drain(quiet=0.5, overall=20.0)
        ok(c, "status")  # still the firmware, answering
        assert PROMPT not in bytes(emu.seen[mark:]), bytes(emu.seen[mark:])
        assert b"! ctrl-c ignored: the pump is unprogrammed" in bytes(emu.seen[mark:])
        reply = c.command("repl confirm", timeout=60)
        assert reply.final.startswith("ERR 74 "), reply.final  # no login: refused
        ok(c, "login " + PIN)
        ok(c, "repl confirm")
        emu.wait_output(PROMPT, 60, mark)
        c.write_raw(b"print(6 * 7)\r\n")
        emu.wait_output(b"42", 60, mark)
        # A power cycle with the service jumper in (the config's service pin held low
        # from power-on): the PIN is replaced and the REPL opened without a login.
        emu.power_cut()
        c.drain(quiet=0.2, overall=2.0)  # the prompt, with no line end, would prefix `! ready`
        emu.service_jumper = True
        mark = len(emu.seen)
        emu.power_on()
        c.wait_ready(120)
        emu.wait_output(b"! service jumper=in", 60, mark)
        ok(c, "pin 1357")  # a PIN is set: without the jumper ERR 76
        reply = c.command("login " + PIN, timeout=60)
        assert reply.final.startswith("ERR 77 "), reply.final  # the old PIN is gone
        mark = len(emu.seen)
        ok(c, "repl confirm")
        emu.wait_output(b"! repl by=service", 60, mark)
        emu.wait_output(PROMPT, 60, mark)


def _flood_ctrl_c(c, emu, mark, until, seconds=120):
    """Ctrl-C every 20 ms of wall time from power-up until `until` or a prompt shows."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        c.write_raw(b"\x03")
        time.sleep(0.02)
        seen = bytes(emu.seen[mark:])
        if PROMPT in seen or until in seen:
            return seen
    return bytes(emu.seen[mark:])


def test_ctrl_c_from_power_up_on_and_a_driver_without_power_never_open_the_repl(tmp_path):
    """MicroPython lets Ctrl-C interrupt main.py: sent from power-up on, one landed in
    the ~1.8 s before the firmware's loop turned it off, and the board gave `>>> `. A
    TMC2209 whose motor supply is unplugged failed the driver at boot, and main.py ended
    in the REPL. Now Ctrl-C is off from main.py's first line, and a board that holds a
    pump's state and cannot build its pump holds, answering `ERR 88`."""
    with EmuPico(tmp_path, board_config=BD3ML) as emu, PumpClient(emu.port) as c:
        c.wait_ready(120)
        ok(c, "pin " + PIN)
        emu.power_cut()
        c.drain(quiet=0.2, overall=2.0)
        mark = len(emu.seen)
        emu.power_on()
        seen = _flood_ctrl_c(c, emu, mark, b"! ready")
        assert PROMPT not in seen and b"! ready" in seen, seen[-800:]
        c.drain(quiet=0.5, overall=20.0)
        ok(c, "status")
        emu.power_cut()
        c.drain(quiet=0.2, overall=2.0)
        emu.tmc = "none"  # the motor supply unplugged: the chip does not answer
        mark = len(emu.seen)
        emu.power_on()
        seen = _flood_ctrl_c(c, emu, mark, b"! held: ")
        c.write_raw(b"\x01\x02\x04\x05\r\nstatus\r\n")
        emu.wait_output(b"ERR 88 ", 60, mark)
        seen = bytes(emu.seen[mark:])
        assert b"! driver failed: tmc2209: " in seen and b"! held: " in seen, seen[-800:]
        assert PROMPT not in seen, seen[-800:]
