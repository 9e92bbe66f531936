"""Why the board started, on the real target: what the unix port cannot show.

rp2's machine.reset_cause() has two answers: PWRON_RESET, and WDT_RESET for any bit of
the watchdog's REASON register (pico-sdk watchdog_caused_reboot). machine.reset() is
itself a watchdog reboot (watchdog_reboot: CTRL.TRIGGER), so on a Pico it reads as
WDT_RESET too. The firmware's event log must still tell its own restart (after
`calibrate weighed`) from a loop the watchdog had to reset: hal/pico/board.py marks its
own in a watchdog scratch register.

The runner (host/pumpctl/emu/runner.mjs) models the watchdog by rebooting the chip in
place, keeping the flash, REASON and the scratch registers."""
import time

import pytest

from pumpctl.client import PumpClient

from emu_console import ok, program, wait_event
from emu_rig import en_log, fast_rig, status, wait_emulated
from test_runner_fixes import run_until, tiny

# One worker builds this module's fixture once (make test: --dist loadgroup); split
# over two, each built its own.
pytestmark = pytest.mark.xdist_group('test_reset_cause')

# Each boot says what machine and the firmware's board make of it, then boot 1 restarts
# the board through the firmware's own PicoBoard.reset(); the `boots` file counts.
OWN_RESET = """
import machine
from hal.pico.board import PicoBoard
try:
    n = int(open('boots').read()) + 1
except OSError:
    n = 1
with open('boots', 'w') as f:
    f.write(str(n))
wdt = machine.reset_cause() == machine.WDT_RESET
pwron = machine.reset_cause() == machine.PWRON_RESET
first = PicoBoard.reset_cause(None)
print('boot=%d wdt=%d pwron=%d board=%s then=%s end%d' % (
    n, wdt, pwron, first, PicoBoard.reset_cause(None), n))
if n == 1:
    PicoBoard.reset(None)
"""

# A board that starts the watchdog and never feeds it.
STARVED = """
import machine
import time
c = machine.reset_cause()
print('cause=%s' % {machine.PWRON_RESET: 'power', machine.WDT_RESET: 'watchdog'}.get(c, c))
if c == machine.PWRON_RESET:
    machine.WDT(timeout=500)
    while True:
        time.sleep_ms(50)
print('back')
"""

# The real firmware, stuck for good in its third motor batch (with EN on) after a
# power-on: the loop's watchdog (5 s, armed once the pump moves) must reset the board.
STUCK_MOVE = """
import machine
import time
if machine.reset_cause() == machine.PWRON_RESET:
    from hal.pico import motor
    _move = motor.Motor.move
    _calls = [0]

    def move(self, n):
        done = _move(self, n)
        _calls[0] += 1
        if _calls[0] == 3:
            print('! test: stuck with EN on')
            while True:
                time.sleep_ms(100)
        return done

    motor.Motor.move = move
from app.boot import run

run()
"""

def test_power_on_and_the_firmware_s_own_reset_are_told_apart(tmp_path):
    with tiny(tmp_path, OWN_RESET, firmware_modules=True) as emu:
        first = run_until(emu, b"end1", 60)
        second = run_until(emu, b"end2", 60)
        resets = emu.events("reset")
        emu.power_cut()
        emu.power_on()
        third = run_until(emu, b"end3", 60)
    assert "boot=1 wdt=0 pwron=1 board=power then=power" in first, first
    assert [r["cause"] for r in resets] == ["watchdog"]  # machine.reset(): the watchdog's
    # rp2 calls it a watchdog reset; the firmware knows it as its own, once: the mark is
    # consumed, so a real watchdog reset after it would be called one.
    assert "boot=2 wdt=1 pwron=0 board=reset then=watchdog" in second, second
    assert "boot=3 wdt=0 pwron=1 board=power then=power" in third, third


@pytest.fixture(scope="module")
def starved(tmp_path_factory):
    """What a board that starves its watchdog prints over two boots (run once: without
    a reset it is also what tells the firmware test below not to wait for one)."""
    with tiny(tmp_path_factory.mktemp("starved"), STARVED) as emu:
        run_until(emu, b"cause=", 30)
        return run_until(emu, b"back", 8)  # 500 ms of emulated time: ~1 s here


def test_a_starved_watchdog_resets_the_board_and_says_so(starved):
    assert "cause=watchdog" in starved and "back" in starved, starved


def test_the_firmware_logs_a_watchdog_reset_with_the_driver_disabled(tmp_path, starved):
    if "back" not in starved:
        pytest.fail("the runner did not reset the chip on a watchdog timeout")
    with tiny(tmp_path, STUCK_MOVE, board=fast_rig(tmp_path), firmware_modules=True) as emu, \
            PumpClient(emu.port) as c:
        c.wait_ready(120)
        assert any(l.startswith("reset cause=power") for l in ok(c, "log 4").lines)
        program(c)
        on = emu.pins.en_active()
        ok(c, "prime 5uL")
        wait_event(c, "! test: stuck", 30)
        # Nothing asks the runner anything until the chip has been reset: 5 s of
        # emulated idle is a moment here, and a runner that never resets never answers.
        wait_reset(emu, 10)
        c.wait_ready(60)
        assert [r["cause"] for r in emu.events("reset")] == ["watchdog"]
        log = ok(c, "log 4").lines
        assert any(l.startswith("reset cause=watchdog") for l in log), log
        fields, data = status(c)
        assert "restart" in fields["alarms"].split(","), fields
        wait_emulated(emu, 200)
        # Hung with the driver on up to the reset; off from the new boot on (the
        # harness's times run on across the reset, the chip's start again at 0).
        at = emu.events("reset")[0]["ns"]
        en = en_log(emu)
        assert [level for t, level in en if t <= at][-1] == on, en
        after = {level for t, level in en if t > at}
        assert after == {1 - on}, en
        # Nothing moved after the reset (no STEP edge in the new boot's time)...
        rises = emu.rises()
        assert all(a < b for a, b in zip(rises, rises[1:]))
        # ...and the lease: never fewer steps counted than left, at most 1 uL more.
        step_pl = int(data["step_nl_num"]) * 1000 // int(data["step_nl_den"])
        assert len(rises) <= int(data["steps"]) <= len(rises) + 1_000_000 // step_pl + 1


def wait_reset(emu, timeout):
    deadline = time.monotonic() + timeout
    while not emu.events("reset"):
        assert time.monotonic() < deadline, "no reset within %g s" % timeout
        time.sleep(0.05)
