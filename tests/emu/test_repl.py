"""The REPL on the real target (issue 15): a patient with the USB cable never reaches it.
Ctrl-C and the raw-REPL and paste-mode bytes (Ctrl-A, -B, -D, -E) are answered by the
firmware over USB CDC and change nothing; a clinician's `repl confirm`, with the pump
stopped, gives the MicroPython prompt; so does the service jumper held at power-on."""
from pumpctl.client import PumpClient
from pumpctl.emu.board import EmuPico

from conftest import BD1ML
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
