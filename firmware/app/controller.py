"""The control loop's body: serial lines to the console, the bolus button, the battery,
the alarm indicators and the watchdog, every pass.

Never drives the motor itself: steps leave only through the pump, via the guard. The
watchdog is armed the first time the motor may move, and is fed only by a pass whose checks
hold (the driver is enabled only while the pump delivers or primes), so a stuck or confused
loop resets the board. Ctrl-C never drops to the REPL: a clinician's `repl` does, and
only while nothing may move.

On the simulated board it also walks the time `sim advance` asks for (jump()): the loop's
own passes at the minute marks where one has work, never a pass run from a command."""
from micropython import const

from app import lines
from app.battery import BatteryMonitor
from app.device import Device
from console.console import Console
from console.messages import text
from pump.errors import E_LINE_STALE
from pump.states import DELIVERING, PRIMING

_BATTERY_EVERY_MS = const(1_000)
# How long a pass may wait for a byte. FAST while anything needs the loop's attention
# soon (a step due, a sounding alarm's pattern, a calibration run, the button held down,
# so its release is timed to 10 ms); IDLE otherwise, so an idle Pico sleeps ~10x longer
# between passes (a pass costs ~1.5 ms of a 125 MHz M0+: less battery, and an emulated
# hour in minutes). A byte ends the wait at once either way. IDLE still samples the
# button well inside a press (a press must be held 1 s; its start is then known to
# 100 ms, and a late start can only make a hold look shorter, never make a bolus), reads
# the battery each second, feeds the 5 s watchdog, and shows the alive blink (60 ms).
PASS_FAST_MS = const(10)
PASS_IDLE_MS = const(100)
_HANG_STEP_MS = const(100)
_HANG_GIVE_UP_MS = const(600_000)  # an unarmed watchdog never fires: someone pulls the plug


class PowerCut(Exception):
    """Raised after `sim power-cut` has been answered: the board loses power now."""


class WatchdogReset(Exception):
    """The simulated watchdog expired while the loop was stuck (`sim fault hang`): the
    board resets. On a Pico the hardware does this; nothing raises it there."""


class Reboot(Exception):
    """Raised after a command that changed the rig (device.reboot) has been answered: the
    board restarts so everything is built again from the new config."""


class Controller:
    def __init__(self, board, rig, write, sim=None, store=None, config_store=None,
                 echo=None):
        board.motor.enable(False)
        self.board = board
        self.sim = sim
        self.write = write  # one str, a whole line without its end
        self.echo = echo  # raw bytes back to the terminal, for `echo on` (None: none)
        # With a store the pump is restored from flash by the device, before anything may
        # move; the driver stays off until a pass finds the pump delivering.
        self.device = Device(rig, board.motor, board.clock, sim=sim,
                             config_store=config_store, store=store)
        self.console = Console(self.device)
        self.device.record("reset cause=%s" % board.reset_cause())
        if board.service_jumper():
            self.device.service_boot(board.clock.now_ms())
        self.pump = self.device.pump
        self.reader = lines.LineReader()
        self.battery = BatteryMonitor()
        self.battery_at = -_BATTERY_EVERY_MS
        self.armed = False
        self.cut = False
        self.wdt_refused = 0  # passes whose checks failed: the watchdog went unfed
        self.jump_passes = 0  # passes run by simulated jumps (`sim advance`)

    # ----- input -----
    def byte(self, b, now_ms):
        """One byte from the serial port. Returns False when the loop should end and
        drop to the REPL (after a clinician's `repl confirm` has been answered)."""
        before = self.reader.n
        kind = self.reader.feed(b, now_ms)
        if self.device.echo and self.echo is not None:
            self._echo(b, kind, before)
        if kind == lines.LINE:
            reply = self.console.handle(self.reader.line())
            if self.device.repl is not None:
                self._reply(reply)
                self.write("! repl by=" + self.device.repl)
                return False  # the loop ends: boot drops to the REPL
            if self.device.reboot:
                # Before the final line, so a client waiting for it knows to wait for
                # `! ready` next.
                reply.insert(len(reply) - 1, "! reboot reason=" + self.device.reboot)
            ms = self.sim.asked() if self.sim is not None else 0
            if ms and reply[-1].startswith("OK"):
                # `sim advance`: the time is walked here, by the loop, after the command
                # and before its final line, so the events on the way come first.
                self._reply(reply[:-1])
                self.jump(ms)
                reply = reply[-1:]
            self._reply(reply)
        elif kind == lines.OVERLONG:
            self._reply(self.console.handle(b"\xff" * (lines.MAX + 1)))
        elif kind == lines.INTERRUPT:
            # Never the REPL: a patient can stop the pump (unplug it) and press Ctrl-C.
            # The REPL is a clinician's `repl` (console/cmd_service.py).
            state = self.pump.sm.state
            if self.device.interruptible():
                self.write("! ctrl-c ignored: the pump is " + state
                           + "; the REPL is a clinician's (repl)")
            else:
                self.write("! ctrl-c ignored: the pump is " + state)
        if self.cut or (self.sim is not None and self.sim.cut):
            raise PowerCut()
        if self.sim is not None and self.sim.hung:
            self._hang()
        if self.device.reboot:
            raise Reboot(self.device.reboot)
        return True

    def _echo(self, b, kind, before):
        """What a terminal that does not echo should show for the byte (`echo on`): the
        byte, `?` for one that is not printable, a rub-out for a Backspace that took one
        back, a new line before the reply."""
        n = self.reader.n
        if kind is not None:
            self.echo(b"\r\n")
        elif n > before:
            self.echo(bytes((b,)) if 32 <= b < 127 else b"?")
        elif n < before:
            self.echo(b"\b \b")

    def _hang(self):
        """`sim fault hang`: the loop stops here, as one caught in an endless loop would.
        The world's time runs on without it, and the watchdog (hardware, on that time)
        resets the board once it expires. Never returns."""
        clock = self.board.clock
        waited = 0
        while not self.board.watchdog.expired():
            clock.jump(_HANG_STEP_MS)
            waited += _HANG_STEP_MS
            self.sim.world.tick(clock.now_ms())
            if waited >= _HANG_GIVE_UP_MS:
                raise PowerCut()
        raise WatchdogReset()

    def jump(self, ms):
        """Simulated time (`sim advance`), walked as the loop would have run it: a pass at
        each minute mark where one has work (next_due), the rest skipped; every mark when
        the sim is `sliced`. A mark's pass sees what a pass every minute would see there
        (the pump's steps due by then, counted by the guard at that minute), so both walks
        give the same replies and flash (tests/host/test_jump_differential.py)."""
        from app.sim_hooks import next_pass, last_mark_before, hold_journal, release_journal
        sim = self.sim
        start = self.board.clock.now_ms()
        end = start + ms
        t = start
        hold_journal(self.device, ms)
        while t < end:
            m = next_pass(t, start, end, None if sim.sliced else self.next_due(t),
                          sim.sliced)
            skipped = last_mark_before(t, m, start)
            if skipped is not None:
                # The passes skipped read a battery that stays as it is: only the time of
                # the last reading changes, and the next one is timed from it.
                self.battery_at = skipped
            t = sim.move_to(m)
            self.service(t)
            self.jump_passes += 1
        # Not reached if the board resets inside the jump: flash keeps the reservation.
        release_journal(self.device, t)

    def next_due(self, now):
        """When a pass next has work by time alone: the device's next (app/device.py), or
        at once while the battery's readings are still counting or a press waits."""
        if (self.sim.busy() or self.board.button.held()
                or not self.battery.settled(self.board.battery.millivolts())):
            return now
        return self.device.next_due(now)

    def _reply(self, reply):
        for line in reply:
            self.write(line)

    # ----- every pass -----
    def service(self, now_ms):
        if self.reader.check_silence(now_ms) == lines.STALE:
            # Not a line, so not the console's: a pending refill waits for a real one.
            self.write("ERR %d %s" % (E_LINE_STALE, text(E_LINE_STALE, (lines.SILENCE_MS,))))
        dev = self.device
        dev.tick()
        if self.board.button.pressed(now_ms):
            # No one typed a line, so no OK/ERR may appear: the console's answer goes out
            # as an event, and a client waiting for a reply is not misled.
            reply = self.console.press_bolus()
            for line in reply[:-1]:
                self.write(line)
            self.write("! button " + reply[-1])
        if now_ms - self.battery_at >= _BATTERY_EVERY_MS:
            self.battery_at = now_ms
            for name, on in self.battery.reading(self.board.battery.millivolts()):
                if on:
                    dev.fault(name)
                else:
                    self.pump.cause_gone(name, now_ms)
        if self.sim is not None:
            self.sim.after_pass(self.pump)
        for line in dev.events():
            self.write(line)
        self.board.indicators.show(dev.loudest(), now_ms)
        self._watchdog()

    def wait_ms(self):
        """How long the next pass may wait for a byte (PASS_FAST_MS..PASS_IDLE_MS)."""
        if (self.device.loudest() or self.device.calibration is not None
                or self.board.button.held()):
            return PASS_FAST_MS
        ms = self.pump.ms_to_next_step()
        if ms is None or ms >= PASS_IDLE_MS:
            return PASS_IDLE_MS
        return ms if ms > PASS_FAST_MS else PASS_FAST_MS

    def _watchdog(self):
        state = self.pump.sm.state
        moving = state in DELIVERING or state == PRIMING
        if moving:
            self.armed = True
        if not self.armed:
            return
        if self.board.motor.enabled and not moving:
            # The driver is on while the pump says nothing may move: make it safe, and
            # let the watchdog reset the board if this pass keeps finding it so.
            self.board.motor.enable(False)
            self.wdt_refused += 1
            return
        self.board.watchdog.feed()
