"""Each defect of rp2040js 1.4.1 that runner.mjs fixes, shown on MicroPython's own RP2040
build: the test passes with the fix and fails with it turned off (--no-fix=NAME), so a
fix that stops working, or an rp2040js upgrade that changes what it patches, is seen.

The firmwares here are a few lines of main.py each, so a test costs seconds."""
import time

import pytest

from pumpctl.emu.board import EmuError, EmuPico
from pumpctl.emu import fsimage

from conftest import BD1ML, BD60ML

COUNTER = """
try:
    n = int(open('boots').read())
except OSError:
    n = 0
with open('boots', 'w') as f:
    f.write(str(n + 1))
print('boots=%d' % (n + 1))
"""

UART = """
from machine import UART, Pin
u = UART(1, baudrate=115200, tx=Pin(8), rx=Pin(9), timeout=20, timeout_char=20)
u.write(b'\\x05\\x00\\x06\\x6f')
print('echo=%r' % u.read(4))
"""

# 200 pulses through the firmware's own step generator at 1 MHz, 250-cycle half period.
PIO = """
from hal.pico.step_pio import StepPio
import time
p = StepPio(0, 2, 1_000_000, 2000)
p.move(200, 250)
while p.poll():
    time.sleep_ms(1)
print('pulses=%d' % p.pulses)
"""

IDLE = """
print('idle')
"""


def run_until(emu, marker, timeout):
    """The console's output since the last power-on, once `marker` is in it ('' if it
    never comes)."""
    start = getattr(emu, "_mark", 0)
    try:
        out = emu.wait_output(marker, timeout, start)
    except EmuError:
        return bytes(emu.seen[start:]).decode(errors="replace")
    emu._mark = len(emu.seen)
    return out.decode(errors="replace")


# Output written while USB is still enumerating stays in the board's buffer until the
# host's first byte (as on a Pico before a terminal opens its port): wait it out.
SETTLE = "import time\ntime.sleep_ms(100)\n"


def tiny(tmp_path, main, board=BD1ML, firmware_modules=False, **kw):
    """A board whose main.py is `main`: alone, or over the firmware's own modules."""
    main = SETTLE + main
    if firmware_modules:
        return EmuPico(tmp_path / "state", board_config=board, files={"main.py": main}, **kw)
    fw = tmp_path / "fw"
    fw.mkdir(exist_ok=True)
    (fw / "main.py").write_text(main)
    return EmuPico(tmp_path / "state", board_config=board, firmware=fw, **kw)


@pytest.mark.parametrize("fix", [True, False])
def test_flash_writes_persist_across_a_power_cycle_only_with_the_flash_fix(tmp_path, fix):
    emu = tiny(tmp_path, COUNTER, no_fix=() if fix else ("flash",))
    wait = 60 if fix else 8  # with the fix both boots take about a second
    with emu:
        first = run_until(emu, b"boots=", wait)
        emu.power_cut()
        emu.power_on()
        second = run_until(emu, b"boots=", wait)
    if fix:
        assert "boots=1" in first and "boots=2" in second
        assert fsimage.read(emu.flash, "boots") == b"2"
    else:  # nothing reaches the flash: the file never counts past one
        assert "boots=2" not in second


@pytest.mark.parametrize("fix", [True, False])
def test_a_uart_write_returns_only_with_the_uart_fix(tmp_path, fix):
    emu = tiny(tmp_path, UART, board=BD60ML, tmc="echo", no_fix=() if fix else ("uart",))
    with emu:
        out = run_until(emu, b"echo=", 30 if fix else 8)
    if fix:
        assert "echo=b'\\x05\\x00\\x06o'" in out  # the single wire's echo, byte for byte
    else:  # the TX interrupt storms: the write never returns
        assert "echo=" not in out


@pytest.mark.parametrize("fix", [True, False])
def test_pio_pulses_are_timed_by_the_emulated_clock_only_with_the_pio_fix(tmp_path, fix):
    emu = tiny(tmp_path, PIO, firmware_modules=True, no_fix=() if fix else ("pio",))
    with emu:
        out = run_until(emu, b"pulses=", 60)
        times = emu.rises()
    assert "pulses=200" in out and len(times) == 200  # the count is right either way
    gaps = {b - a for a, b in zip(times, times[1:])}
    if fix:  # 2 x 250 cycles of 1 us, to the nanosecond
        assert gaps == {500_000}
    else:
        assert gaps != {500_000}


@pytest.mark.parametrize("fix", [True, False])
def test_an_idle_board_sleeps_only_with_the_usb_fix(tmp_path, fix):
    emu = tiny(tmp_path, IDLE, no_fix=() if fix else ("usb",))
    with emu:
        run_until(emu, b"idle", 30)
        time.sleep(0.5)
        before = emu.state()
        time.sleep(2.0)
        after = emu.state()
    executed = after["instructions"] - before["instructions"]
    if fix:  # at the REPL with nothing to read: asleep in WFE, no alarm pending
        assert executed < 10_000, executed
    else:  # answering empty USB packets as fast as the emulator runs
        assert executed > 1_000_000, executed
