"""An end stop driven mid-prime on the real target, watched at the pins: the driver is
disabled within a ms of the switch (a hard IRQ, not the polled debounce), the `end_stop` alarm is said, EN stays off
after it, and every STEP edge is a step the firmware reports. On the way, a Ctrl-C sent
down the USB console while the motor runs: on rp2 an enabled Ctrl-C would be a
KeyboardInterrupt in the middle of a step batch; the firmware has it disabled
(micropython.kbd_intr(-1)), answers `! ctrl-c ignored` and keeps priming."""
from pumpctl.client import PumpClient
from pumpctl.emu.board import EmuPico

from emu_console import ok, program, wait_event
from emu_rig import NS_PER_MS, en_log, fast_rig, status, wait_emulated, wait_rises

MAX_STEP_HZ = 2000  # the 1 mL rig's driver ceiling
# A hard IRQ on the switch's edge freezes the PIO and drives EN off (hal/pico/motor.py),
# whatever the Python loop is doing: 52 us after the switch, every time, in 8 of 8 tries
# at random points of a prime (tools/emu_irq_latency.py). When the loop polled instead
# (2 ms of settling, then whatever delayed the poll: a garbage collection, a console
# pass) it was 3.4 to 9.5 ms. Runs had once seen 1.02 and 1.04 ms, and 2 STEP edges
# after the switch: the emulator's idle jump, not the firmware. A switch tied to a STEP
# edge closed while the core slept, and the runner ran the core's clock, and the PIO,
# on to the next timer alarm before the core took its interrupt (runner.mjs pioHaltAt).
# A real core wakes at the edge.
OFF_WITHIN_US = 500
# STEP edges after the switch while EN is still active (a step the motor can take):
# those inside the IRQ's latency, under a step period (500 us at 2 kHz). A GPIO interrupt
# also waits for one of the same priority being handled (USB) and for a critical
# section, so one edge may pass.
STEPS_AFTER_MAX = 1
PIO_STOP_MS = 1


def test_an_end_stop_mid_prime_disables_the_driver_and_ctrl_c_does_not(tmp_path):
    with EmuPico(tmp_path / "emu", board_config=fast_rig(tmp_path)) as emu, \
            PumpClient(emu.port) as c:
        c.wait_ready(120)
        program(c)
        on = emu.pins.en_active()
        assert emu.pins.levels["end_stop"] == 1 and emu.pins.end_stop_max == 7
        start = len(emu.rises())

        # A prime of 10 uL (2229 steps); the end stop closes 1500 steps into it.
        steps = int(ok(c, "prime 10uL").fields["steps"])
        assert steps > 1500
        emu.set_input(emu.pins.end_stop_max, 1, after_rises=start + 1500)

        # Ctrl-C 300 steps in: ignored, in words, and the motor goes on.
        wait_rises(emu, start + 300)
        c.write_raw(b"\x03")
        ignored = wait_event(c, "! ctrl-c", 30)
        assert ignored == "! ctrl-c ignored: the pump is priming", ignored
        # Still priming: on to the end stop 1200 steps later. (Not "200 more after the
        # answer": under load the host reads the answer late, the emulator runs on, and
        # the answer's count could already be past the end stop.)
        assert wait_rises(emu, start + 1500) >= start + 1500

        alarm = wait_event(c, "! alarm name=end_stop", 60)
        fired = [e for e in emu.events("fired") if e["pin"] == emu.pins.end_stop_max]
        assert len(fired) == 1, fired
        fired_ns = fired[0]["ns"]
        log = en_log(emu)
        off_at = [t for t, level in log if level == 1 - on and t >= fired_ns]
        assert off_at, (fired_ns, log[-4:])
        assert off_at[0] - fired_ns <= OFF_WITHIN_US * 1000, (fired_ns, log[-4:])
        rises = emu.rises()
        after = [t for t in rises if t > fired_ns]
        enabled_after = [t for t in after if t <= off_at[0]]
        assert len(enabled_after) <= STEPS_AFTER_MAX, (fired_ns, off_at[0], after)
        assert not after or after[-1] - fired_ns <= PIO_STOP_MS * NS_PER_MS, (fired_ns, after)
        assert all(t < off_at[0] for t in after)  # none once EN is off
        # Stopped short: edges = steps, to the step, and fewer than were asked for.
        fields, data = status(c)
        reported = int(data["steps"])
        assert reported == len(rises), (reported, len(rises), alarm)
        assert reported - start < steps
        assert "end_stop" in fields["alarms"].split(","), fields

        # EN stays off in the alarm, and nothing moves any more.
        wait_emulated(emu, 500)
        assert len(emu.rises()) == reported
        log = en_log(emu)
        assert log[-1][1] == 1 - on and log[-1][0] == off_at[0], log[-4:]
