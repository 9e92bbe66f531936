"""board.motor on the Pico: STEP pulses from StepPio, DIR and EN pins at the config's
levels, and the fault lines (end stop, occlusion, TMC2209 DIAG) watched while it moves.

Hazards first:
- EN is driven inactive first thing in the constructor, on every fault, and on any
  exception during a move (KeyboardInterrupt included) before anything else is tried.
- A move never starts while a fault line is active or unread: the lines are sampled for
  their settling time first, and an input not yet seen inactive counts as active. The
  one exception is a move that follows a move with EN kept on: its lines were read
  settled and inactive at that move's end and their hard IRQs were armed ever since, so
  a line that went active since has tripped (the IRQ counts every edge into the active
  level); with no trip and every line still read inactive, the settling is skipped.
  That is 2 ms of every moving pass (issue 13: a pass under 5 ms).
- A move never outlasts its planned time plus a margin: a PIO that does not finish is
  stopped and reported as a stall, so move() cannot block forever.
- A fault line stops the motor at its edge, not after its debounce: while EN is active,
  each line the move stops on has a hard IRQ on its edge into the active level that
  freezes the PIO and drives EN inactive before anything else, in microseconds, whatever
  the Python code is doing (a garbage collection, a console line, a flash write). The
  move then waits for the line's settling time: held, it is the fault; gone again (a
  glitch), the move resumes with the steps not yet issued (a pulse cut short counts as
  issued, so a glitch can give one step less, never one more).
- The steps returned are the PIO's own count (StepPio.pulses, exact after a stop), never
  an estimate from time.
- Ctrl-C is disabled (kbd_intr(-1)) before EN goes active: an interrupt must not drop
  to the REPL with the driver energised. The motor never gives Ctrl-C back; the boot
  code does, after its last enable(False) (it keeps Ctrl-C off for its whole loop).
- DIR is forward at build, before EN can be active, and between moves. Only retract()
  (an occlusion's relief: the trapped volume drawn back) sets it reverse, waits the
  drivers' DIR setup time, and sets it forward again before it returns, whatever
  happened (an exception included, after EN). A retract stops at the empty-side end
  stop (`back_lines`); the forward fault lines (the occlusion that asked for it) do not
  stop it."""
from micropython import const

from hal.debounce import Debounced

FAULT_SETTLE_MS = const(2)  # short: at 5 kHz every ms of delay is 5 more microsteps
# DIR must be stable before the first STEP edge: A4988 200 ns, DRV8825 650 ns, TMC2209
# 20 ns (datasheets); a whole ms is what the clock can time, far beyond each.
DIR_SETUP_MS = const(1)
_MARGIN_MS = const(50)  # on top of a move's planned time before it counts as stuck
_SHORT_SLACK_US = const(20)  # the PIO's pull and the completion flag after the last pulse


class FaultLine:
    """An input that stops a move: the fault name the pump knows, a pin, a debouncer."""

    def __init__(self, name, pin, active_level, settle_ms=FAULT_SETTLE_MS):
        self.name = name
        self._pin = pin
        self._in = Debounced(active_level, settle_ms)
        self._edge = pin.IRQ_RISING if active_level else pin.IRQ_FALLING

    def active(self, now_ms):
        return self._in.sample(self._pin.value(), now_ms)

    def quiet(self):
        """Settled inactive, and inactive at the last sample too (no edge pending)."""
        d = self._in
        return not d.active and not d._raw

    def watch(self, handler):
        """A hard IRQ calls handler(pin) on each edge into the active level; None stops
        it. Hard: it runs even during a garbage collection, so it may not allocate."""
        if handler is None:
            self._pin.irq(None)
        else:
            self._pin.irq(handler, self._edge, hard=True)


class Motor:
    """`lines`: FaultLines checked during every move, in order; `on_wait(now_ms)` runs
    while a move waits (the board samples the button there); `kbd_intr` is
    micropython.kbd_intr on the Pico."""

    def __init__(self, en, en_active, dir_pin, dir_forward, pio, sm_freq_hz, clock,
                 lines, kbd_intr=None, on_wait=None, back_lines=()):
        self._off = 1 - en_active
        en.value(self._off)  # first: the driver disabled, whatever follows
        self._en = en
        self._on = en_active
        self.enabled = False
        try:
            dir_pin.value(dir_forward)
            self._dir = dir_pin
            self._forward = dir_forward
            self._back_lines = tuple(back_lines)
            self._pio = pio
            self._half = pio.min_half_period_cycles
            self._freq = sm_freq_hz
            self._clock = clock
            self._lines = tuple(lines)
            self._kbd = kbd_intr
            self._on_wait = on_wait
            self._fault = None
            self._quiet = False  # lines read quiet at a move's end, watched ever since
            self._trips = 0  # edges the IRQ has stopped the motor on (only it writes)
            self._seen = 0  # of them, those a move has dealt with
            self._trip_cb = self._trip  # bound once: the IRQ may not allocate
        except BaseException:
            en.value(self._off)
            raise

    def enable(self, on):
        if on:
            if self.enabled:
                # Already on, its lines watched: the pump's settle asks this every pass, and
                # arming the IRQs again cost ~0.7 ms of a 125 MHz pass (issue 13). An edge
                # since the last move stays the next move's to judge (_run: the settling
                # check, then _untrip for a glitch), with EN off until then.
                return
            if self._kbd is not None:
                self._kbd(-1)  # no Ctrl-C while the motor may move
            self._seen = self._trips
            self._watch(self._lines)
            self._en.value(self._on)
            self.enabled = True
        else:
            self._en.value(self._off)
            self.enabled = False
            self._watch(())

    def _watch(self, lines):
        """Hard IRQs on these lines, none on the others."""
        self._quiet = False  # a line unwatched for a moment may have gone active unseen
        for line in self._lines + self._back_lines:
            line.watch(self._trip_cb if line in lines else None)

    def _trip(self, _pin):
        """Hard IRQ (no allocation): the PIO frozen, EN off, then the flag for _run. The
        PIO first: EN first would leave the microseconds until the freeze for a STEP
        edge the disabled driver ignores but the PIO counts (a step reported, not made)."""
        self._pio.freeze()
        self._en.value(self._off)
        self._trips += 1

    def _untrip(self):
        """After a trip that did not hold: the PIO's cut move counted, EN on again. (An
        edge in between freezes the PIO again, so no step leaves; the next wait sees it.)"""
        self._pio.stop()
        self._en.value(self._on)

    def fault(self):
        f = self._fault
        self._fault = None
        return f

    def _check(self, now_ms, lines):
        """Sample every line (each debouncer needs every sample); the first active one."""
        found = None
        for line in lines:
            if line.active(now_ms) and found is None:
                found = line.name
        return found

    def _fail(self, fault, issued):
        self._fault = fault
        self.enable(False)
        return issued

    def move(self, n):
        """Issue n forward steps at the rig's rate; returns the steps that really left."""
        return self._run(n, self._lines)

    def retract(self, n):
        """n steps back (the plunger drawn toward the full syringe); returns the steps
        really taken. DIR is forward again when this returns or raises."""
        if type(n) is not int or n < 0:
            raise ValueError("steps must be an int >= 0")
        if n == 0:
            return 0
        if not self.enabled:
            return self._fail("stall", 0)
        try:
            self._watch(self._back_lines)
            self._dir.value(1 - self._forward)
            self._clock.sleep_ms(DIR_SETUP_MS)
            return self._run(n, self._back_lines)
        finally:
            self._dir.value(self._forward)
            self._watch(self._lines if self.enabled else ())

    def _run(self, n, lines):
        if type(n) is not int or n < 0:
            raise ValueError("steps must be an int >= 0")
        if n == 0:
            return 0
        if not self.enabled:
            return self._fail("stall", 0)  # as the simulated motor: disabled, it cannot move
        clock = self._clock
        start = clock.now_ms()
        fault = self._check(start, lines)
        now = start
        # Watched and quiet since the last move's end (no trip, each line still read
        # inactive): no settling needed. Otherwise every line gets its settling time.
        go = (fault is None and self._quiet and lines is self._lines
              and self._trips == self._seen and self._all_quiet(lines))
        self._quiet = False
        while not go and now - start < FAULT_SETTLE_MS:
            clock.sleep_ms(1)
            now = clock.now_ms()
            fault = self._check(now, lines)
        if fault is not None:
            return self._fail(fault, 0)
        if self._trips != self._seen:  # tripped between moves; the line is quiet now
            self._seen = self._trips
            self._untrip()
        pio = self._pio
        before = pio.pulses
        try:
            pio.move(n, self._half)
            planned_us = n * 2 * self._half * 1_000_000 // self._freq
            deadline = now + planned_us // 1000 + 1 + _MARGIN_MS
            if planned_us < 1000 and clock.sleep_us is not None:
                # A batch shorter than the ms the poll waits (basal's step or two): wait
                # its planned time instead, and the pass is that much shorter (issue 13).
                # The lines stay watched by their IRQs; a trip leaves the move unfinished
                # and the poll below sees it.
                clock.sleep_us(planned_us + _SHORT_SLACK_US)
            paused = last = None  # while a trip holds the move: since when, last edge
            while paused is not None or pio.poll():
                clock.sleep_ms(1)
                now = clock.now_ms()
                fault = self._check(now, lines)
                if fault is None and now > deadline:
                    fault = "stall"  # the PIO never finished: treat it as a stalled motor
                if fault is not None:
                    pio.stop()
                    return self._fail(fault, pio.pulses - before)
                if self._trips != self._seen:  # an edge stopped it: wait for the settling
                    self._seen = self._trips
                    last = now
                    if paused is None:
                        paused = now
                elif paused is not None and now - last > FAULT_SETTLE_MS:
                    # The line did not hold (a glitch): on with the steps not yet issued.
                    deadline += now - paused
                    paused = None
                    self._untrip()
                    left = n - (pio.pulses - before)
                    if left > 0:
                        pio.move(left, self._half)
                if self._on_wait is not None:
                    self._on_wait(now)
        except BaseException:
            self.enable(False)  # EN first: a driver without EN ignores STEP
            self._pio.stop()
            raise
        # Read quiet at the end with no trip since: the next move may skip its settling
        # (the IRQs stay armed while EN is on; _watch clears this when they change).
        self._quiet = self._trips == self._seen and self._all_quiet(lines)
        return self._pio.pulses - before

    def _all_quiet(self, lines):
        for line in lines:
            if not line.quiet():
                return False
        return True
