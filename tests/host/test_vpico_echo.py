"""`echo on` over a real pseudo-terminal to the virtual Pico (issue 18, item 4): what a
plain terminal (miniterm, picocom, tio) shows as it is typed, a Backspace's rub-out
included, and the line the board runs is the one with the typo taken back."""
import time

from pumpctl.client import PumpClient
from pumpctl.virtual_pico import VirtualPico


def read_until(c, marker, timeout=30.0):
    got = c.take_buffered()
    end = time.monotonic() + timeout
    while marker not in got and time.monotonic() < end:
        got += c.serial.read(max(1, c.serial.in_waiting))
    return got


def test_a_plain_terminal_sees_what_it_types_and_a_backspace_rubs_it_out():
    with VirtualPico() as vp, PumpClient(vp.port) as c:
        c.wait_ready(60)
        assert c.command("echo on", timeout=30.0).final == "OK echo=on"
        c.drain(quiet=0.1, overall=2.0)
        for b in b"stax\x7ftus\r":  # as a terminal sends it: one byte a keystroke
            c.write_raw(bytes((b,)))
            time.sleep(0.01)
        got = read_until(c, b"OK time=")
        assert got.startswith(b"stax\b \btus\r\n"), got
        assert b"ERR" not in got, got
        assert c.command("echo off", timeout=30.0).final == "OK echo=off"
        c.drain(quiet=0.1, overall=2.0)
        c.write_raw(b"status\r")
        got = read_until(c, b"OK time=")
        assert got.startswith(b"delivery "), got  # the reply alone: nothing echoed
