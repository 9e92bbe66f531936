"""Line editing on the real target's USB CDC console (issue 18, item 4): a Backspace or
DEL typed into a plain terminal takes the byte back, so the line the firmware runs is the
one with the typo fixed, and `echo on` shows what is typed, rub-outs included."""
from pumpctl.client import PumpClient
from pumpctl.emu.board import EmuPico

from conftest import BD1ML
from emu_console import ok


def test_a_typo_fixed_with_backspace_runs_and_echo_shows_it(tmp_path):
    with EmuPico(tmp_path, board_config=BD1ML) as emu, PumpClient(emu.port) as c:
        c.wait_ready(120)
        mark = len(emu.seen)
        c.write_raw(b"stax\x08tus\r\n")  # no echo: the fixed line runs all the same
        out = emu.wait_output(b"OK time=", 60, mark)
        assert b"ERR" not in out and b"stax" not in out, out
        ok(c, "echo on")
        mark = len(emu.seen)
        c.write_raw(b"wh\x7fhoami\r")
        out = emu.wait_output(b"OK role=", 60, mark)
        assert b"wh\b \bhoami\r\nOK role=" in out, out
