"""The pump: schedule, step integrator, tubing, reservoir, dose ledger, bolus history and
alarms, wired to the state table.

Every command first advances the world to `now_ms` (the pump's monotonic clock), then
checks, then acts, so a refused command changes nothing. Never reads a clock or a pin:
time comes in as an argument, motion goes out through `motor.move(n) -> issued`. Never
issues a step the ideal has not earned, nor one the reservoir cannot give."""
from pump.alarms import AlarmSet
from pump import dose_units as du
from pump.bolus import BolusHistory
from pump.errors import (PumpError, E_NO_RX, E_RANGE, E_CONC_MISMATCH, E_TIME,
                         E_NO_PENDING, E_REFILL_OVER, E_INVALID_EVENT, E_ACK_CLOCK,
                         E_LINE_FLUIDS)
from pump.step_integrator import StepIntegrator
from pump.ledger import DoseLedger
from pump.permits import Permits
from pump.machine import StateMachine
from pump import plan
from pump.reservoir import Reservoir
from pump.schedule import DAY_MS
from pump import settle
from pump.states import TRANSITIONS, INITIAL, DELIVERING, PRIMING
from pump.tubing import MAX_FLUIDS, Tubing


class Fill:
    """What an unprogrammed pump's refill puts in: the drugs and the reservoir's size (a
    programmed pump's refill takes both from its prescription)."""

    def __init__(self, drugs, capacity_nl):
        self.drugs = drugs
        self.capacity_nl = capacity_nl


class Pump(Permits):
    _settle = settle.settle  # after every change: settle.py's table, one pass
    _raise = settle.raise_alarm  # an alarm and its effect now; the caller settles

    def __init__(self, rig, motor, log=None, now_ms=0):
        self.rig = rig
        self.motor = motor
        self._log = log
        self.sm = StateMachine(TRANSITIONS, INITIAL, self)
        self.alarms = AlarmSet()
        self.rx = None
        self.integ = StepIntegrator()
        self.prime_integ = StepIntegrator()
        self.prime_integ.rate = rig.prime_nl_per_min * rig.step_den
        self.prime_integ.set_step_dose(du.MIN_MS * rig.step_num)  # a speed per min, run per ms
        self.prime_steps_left = 0
        self.prime_t0 = 0  # the prime in progress: when it began and the steps it planned
        self.prime_steps = 0
        self.tubing = Tubing(rig.dead_volume_nl * rig.step_den, rig.step_num)
        self.reservoir = Reservoir(rig.step_num, rig.step_den)
        self.ledger = DoseLedger()
        self.spent_u = 0  # ledger dose the batches so far stand for (the plan check)
        self.history = BolusHistory()
        self.delivered = {}  # drug -> VU*ng/mL that left the catheter tip
        self.primed_vu = 0
        self.t = now_ms
        self.wall_offset_ms = 0
        # Something a snapshot holds changed other than by a step (store/persist.py saves
        # it and clears this): set by every note (each state, alarm, grant, program and
        # refill makes one) and by set_time, which makes none. The alarm set keeps its own
        # (acks and ends make no note). tests/core/test_dirty_flags.py holds them to the
        # full comparison they replaced.
        self.dirty = True
        self.steps_issued = 0
        self.steps_missed = 0
        self.steps_back = 0  # drawn back by occlusion reliefs (steps_issued counts forward)
        self.bolus_left = 0  # U of bolus not yet earned by the integrator
        self.bolus_rate = 0  # U per ms
        self.bolus_end = 0
        self.trial = False  # the bolus running is a trial's: the pump stops once it is given
        self.pending = None  # (volume_nl, prescription) of a refill awaiting confirm
        self.u_per_ng = du.u_per_ng(rig.step_den)
        self._ideal_rate = None
        # What the rates were last worked out from (_apply_rates): (the prescription, the
        # fluid at the tip, the schedule's rate in ng/day or -1 when not delivering, the
        # rig); None: work them out again. One attribute, not four: each the pump holds
        # slows every lookup of the others a little (~0.1 ms a pass with four, emulated).
        self._rates_of = None
        self.idle_from = None  # since when a programmed pump is not delivering (settle.py)
        self.idle_allow_ms = settle.IDLE_REMIND_MS  # and for how long it may be so, unreminded
        self.motor.enable(False)
        self._apply_rates()

    def set_log(self, log):
        """Where the pump's notes go from now on: log(t_ms, kind, values), or None."""
        self._log = log

    # ----- commands -----
    def program(self, rx, now_ms):
        self.check_program(rx, now_ms)
        old = self.rx
        self.sm.fire("program")
        self.rx = rx
        self._apply_rates()
        self._note("program", rx.primary(), old is None)
        self._settle()  # fix: a new low threshold is checked now, not at the next event

    def check_program(self, rx, now_ms):
        """Raise what program(rx) would refuse now; changes nothing but the advance to
        now (a change staged for review is checked so: console/cmd_review.py)."""
        self.advance(now_ms)
        if self.reservoir.concs is not None and rx.drugs != self.reservoir.concs:
            raise PumpError(E_CONC_MISMATCH, rx.primary())
        self.sm.listed("program")
        from pump.line_floor import verdict  # dropped after the command (app/lazy.py)
        v = verdict(self, rx)
        if v:
            raise PumpError(*v)
        if self.sm.state in DELIVERING:
            v = self._windows_verdict(rx, self.bolus_left, self.bolus_rate)
            if v:
                raise PumpError(*v)

    def start(self, now_ms):
        self._fire(now_ms, "start")

    def stop(self, now_ms):
        self._fire_ending_bolus(now_ms, "stop")

    def suspend(self, now_ms, for_ms=None):
        """Suspend basal; the reminder sounds after `for_ms` (a clinician's planned pause,
        settle.SUSPEND_MIN_MS..SUSPEND_MAX_MS) or, without it, the default hour."""
        if for_ms is not None and (type(for_ms) is not int
                                   or not settle.SUSPEND_MIN_MS <= for_ms <= settle.SUSPEND_MAX_MS):
            raise PumpError(E_RANGE, for_ms)
        self.advance(now_ms)
        old = self.sm.state
        self.sm.fire("suspend")
        self._end_bolus()  # only once the table took it: a refusal changes nothing
        if for_ms is not None:
            self.idle_allow_ms = for_ms  # the settle below starts the count from now
        self._moved(old)

    def resume(self, now_ms):
        self._fire(now_ms, "resume")

    def request_bolus(self, now_ms):
        """The patient's press. Returns the dose granted (ng) or raises the reason."""
        self.advance(now_ms)
        dose = self.rx.bolus.dose_ng if self.rx is not None and self.rx.bolus else 0
        return self._grant(dose, False)

    def clinician_bolus(self, dose_ng, now_ms, over_ms=None, trial=False):
        """A clinician's bolus, at the rig's bolus speed or spread over `over_ms` (at
        most a day; no faster than the rig's speed): every limit is checked at the rate
        it will run at. `trial`: the pump stops once it is given (pump/slow_bolus.py)."""
        self.advance(now_ms)
        return self._grant(dose_ng, True, over_ms, trial)

    def prime(self, volume_nl, now_ms):
        self.advance(now_ms)
        old = self.sm.state
        self.sm.fire("prime", volume_nl)  # prime_allowed, asked once: a refusal changes nothing
        # Whole steps, never more than asked and never past the room: the line is filled
        # and nothing more is pushed into the patient. Set before settling, which would
        # otherwise find no step left and end the prime at once.
        # Any old drug a refill left in the line is primed out to waste: in whole steps
        # rounded up, so none of it stays for the patient (Permits.prime_room).
        room, flush = self.prime_room()
        sn, sd = self.rig.step_num, self.rig.step_den
        steps = du.ceil_div(volume_nl * sd, sn) if flush else volume_nl * sd // sn
        self.prime_steps_left = steps if steps < room else room
        self.prime_integ.acc = 0
        self.prime_t0, self.prime_steps = self.t, self.prime_steps_left
        self._moved(old)

    def refill(self, volume_nl, concs, now_ms, capacity_nl=None):
        """Stage a refill; nothing changes until confirm(). An unprogrammed pump is
        filled with `concs` (checked by the caller against the drug table) into
        `capacity_nl`: its reservoir then holds drug, and it is still unprogrammed."""
        self.advance(now_ms)
        if self.rx is None:
            if concs is None or capacity_nl is None:
                raise PumpError(E_NO_RX)
            rx = Fill(concs, capacity_nl)
        else:
            rx = self.rx if concs is None else self.rx.with_concs(concs)
        self.sm.listed("refill")
        segments = self.tubing.segments
        if rx.drugs != self.reservoir.concs and len(segments) >= MAX_FLUIDS:
            raise PumpError(E_LINE_FLUIDS, len(segments))
        if type(volume_nl) is not int or volume_nl <= 0:
            raise PumpError(E_RANGE, volume_nl, rx.capacity_nl)
        if volume_nl > rx.capacity_nl:  # fix: was E_RANGE; this refusal has its own code
            raise PumpError(E_REFILL_OVER, volume_nl, rx.capacity_nl)
        self.pending = (volume_nl, rx)
        self._fire(now_ms, "refill")

    def confirm(self, now_ms):
        self.advance(now_ms)
        if self.pending is None:
            raise PumpError(E_NO_PENDING)
        volume_nl, rx = self.pending
        self.sm.listed("confirm")
        self.reservoir.fill(volume_nl, rx.capacity_nl, rx.drugs)
        if self.rx is not None:
            self.rx = rx
        self.pending = None
        self.alarms.cause_gone("empty")
        self._fire(now_ms, "confirm")
        self._note("refill", volume_nl, rx.drugs[0][1])
        self._settle()

    def cancel(self, now_ms):
        self.advance(now_ms)
        self.pending = None
        self._fire(now_ms, "cancel")
        self._settle()

    def set_time(self, wall_ms, now_ms):
        """Set the wall clock. Rolling windows run on the monotonic clock and do not move;
        the basal schedule does, so a jump that would crowd a window is refused."""
        if type(wall_ms) is not int or wall_ms < 0:
            raise PumpError(E_RANGE, wall_ms)
        self.advance(now_ms)
        old = self.wall_offset_ms
        self.wall_offset_ms = wall_ms - now_ms
        self.dirty = True
        if self.sm.state in DELIVERING:
            v = self._windows_verdict(self.rx, self.bolus_left, self.bolus_rate)
            if v:
                self.wall_offset_ms = old
                raise PumpError(*v)
        self._apply_rates()

    def confirm_time(self, wall_ms, now_ms):
        """A clinician gives the time (after a restart, restart.py): set as set_time() does
        (refused if it would crowd a window), and the clock alarm ends, so boluses follow
        the usual rules again from the history that survived."""
        self.set_time(wall_ms, now_ms)
        if self.alarms.is_active("clock"):
            self.alarms.ack("clock")
            self.alarms.cause_gone("clock")
            self._settle()

    def fault(self, name, now_ms):
        """An alarm from outside the logic (hardware, storage, battery, guard)."""
        self.advance(now_ms)
        if self._raise(name):
            self._settle()

    def cause_gone(self, name, now_ms):
        """A measured condition outside the logic has ended (a battery back above its
        threshold); a latching alarm still waits for its acknowledgement."""
        self.advance(now_ms)
        self.alarms.cause_gone(name)
        self._settle()

    def ack(self, name, now_ms):
        """Acknowledge an alarm. A stall, an occlusion, running dry or a fault() report is
        an event whose end nothing reports, so the acknowledgement ends it; the pump then
        stands stopped until a clinician starts it (start_allowed still refuses an empty
        reservoir, and a motor still blocked stalls again). low_reservoir and the
        not-delivering reminders are levels the pump measures, and go only with their
        cause. The clock alarm is not acknowledged:
        only the clinician confirming the time (confirm_time) ends it, or the schedule
        would run on a wall clock nobody checked."""
        if name == "clock":
            raise PumpError(E_ACK_CLOCK)
        self.advance(now_ms)
        self.alarms.ack(name)
        # Fix: no cause was ever marked gone, so a STOP alarm could not clear: the pump
        # stayed in `alarm` for good and, once run dry, could not even be refilled. A level
        # the pump measures (low_reservoir, a programmed pump not delivering) stays.
        if not settle.is_level(name):
            self.alarms.cause_gone(name)
        self._settle()

    # ----- time -----
    def advance(self, now_ms):
        """Deliver everything due up to now_ms, stopping at every event on the way."""
        if now_ms < self.t:
            raise PumpError(E_TIME, now_ms, self.t)
        while self.t < now_ms:
            end = self._next_event(now_ms)
            dt_ms = end - self.t
            # Fix: the clock reaches `end` before the steps due by then are issued. It was
            # set after, so a stall they met was dated, and the ledger's rate cut to 0, at
            # the interval's start: the dose given in it left the rolling-window limits.
            self.t = end
            self._run(dt_ms)
            self._settle()

    def ms_to_next_step(self):
        """Least ms until the next motor step is due at today's rates, or None if none
        is coming (stopped, suspended, in alarm, or a zero rate). Reads only: the control
        loop uses it to sleep longer between passes when nothing will move soon."""
        st = self.sm.state
        if st in DELIVERING:
            return self.integ.ms_until(1)
        if st == PRIMING:
            return self.prime_integ.ms_until(1)
        return None

    def ms_to_next_event(self):
        """Least ms until the pump next has work: its next motor step or its next event (a
        schedule step, a bolus end, a reservoir or line threshold, priming's end), at most
        a day ahead; None while nothing moves (stopped, suspended, alarm, unprogrammed),
        when time alone changes nothing here. Reads only: a simulated jump of the clock
        (app/controller.py) passes only where something happens."""
        st = self.sm.state
        if st not in DELIVERING and st != PRIMING:
            due = settle.idle_due(self)  # the reminder falls due: time alone changes that
            return due - self.t if due is not None and due > self.t else None
        return self._next_event(self.t + DAY_MS, True) - self.t

    def _next_event(self, limit, or_step=False):
        """The time of the next event (at most `limit`); `or_step`: or of the next step,
        which comes no later than any step count's event (ms_until grows with the steps),
        so that one is not asked: each ask is a few big-integer operations, garbage a
        Pico collects, and the loop asks every pass."""
        best = limit
        st = self.sm.state
        if st in DELIVERING:
            c = self.t + self.rx.schedule.ms_to_next_step(self._tod())
            best = c if c < best else best
            if self.bolus_left:
                best = self.bolus_end if self.bolus_end < best else best
            if or_step:
                k = 1
            else:
                # Steps due by the limit: an event more steps away comes after it, so
                # neither it (none due: most passes) nor its time is asked.
                due = self.integ.peek(limit - self.t)
                k = self._steps_to_event() if due else 0
                k = k if k <= due else 0
            if k:
                ms = self.integ.ms_until(k)
                if ms is not None and self.t + ms < best:
                    best = self.t + ms
        elif st == PRIMING:
            ms = self.prime_integ.ms_until(1 if or_step else self.prime_steps_left)
            if ms is not None and self.t + ms < best:
                best = self.t + ms
        due = settle.idle_due(self)  # None while delivering
        if due is not None and self.t < due < best:
            best = due  # the not-delivering reminder, dated to its ms
        return best if best > self.t else self.t + 1

    def _steps_to_event(self):
        best = self.reservoir.steps_left()
        vu = self.tubing.vu_until_change(self.reservoir.concs)
        if vu is not None:
            k = du.ceil_div(vu, self.rig.step_num)
            best = k if k < best else best
        if not self.alarms.is_active("low_reservoir"):
            k = self.reservoir.steps_until_at_or_below(self.rx.low_nl)
            if 0 < k < best:
                best = k
        return best

    def _run(self, dt_ms):
        st = self.sm.state
        if st in DELIVERING:
            extra = 0
            if self.bolus_left:
                self.bolus_left -= self.bolus_rate * dt_ms
                if self.t >= self.bolus_end:  # self.t is already the run's end
                    # bolus_end is rounded up, so the ramp ran past the dose by part of a
                    # ms: take that back (extra <= 0), so the bolus is its dose exactly and
                    # never ahead of the continuous ramp.
                    extra = self.bolus_left
                    self._end_bolus()
                    self.ledger.mark(self.t, self._ideal_rate)  # a piece starting now...
                    self.ledger.bump(extra)  # ...takes the correction, not the bolus's past
            n = self.integ.run(dt_ms, extra)
            if self._planned(n):
                self._issue(n, self.delivered)
        elif st == PRIMING:
            n = self.prime_integ.run(dt_ms)
            n = n if n < self.prime_steps_left else self.prime_steps_left
            due = plan.prime_due(self.t - self.prime_t0, self.prime_steps, self.rig)
            if self.prime_steps - self.prime_steps_left + n == due:  # the prime's plan
                self.prime_steps_left -= self._issue(n, None)
            else:
                self._raise("plan")  # settled by advance()
        else:
            self._planned(self.integ.run(dt_ms))  # nothing moves here; the plan keeps count

    def _planned(self, n):
        """Plan, verify, move: is `n` the batch the ledger's ideal dose owes now (plan.py)?
        If not, nothing moves, the `plan` alarm (STOP) is raised for the caller's settle, and
        the plan restarts from the integrator as it stands: nothing owed is caught up."""
        ideal = self.ledger.cum_at(self.t)
        den = self.integ.den
        if plan.batch_ok(ideal - self.spent_u, n, den):
            self.spent_u += n * den
            return True
        self.spent_u = ideal - self.integ.acc
        self._raise("plan")
        return False

    def _issue(self, n, out):
        left = self.reservoir.steps_left()
        n = n if n < left else left
        if n <= 0:
            return 0
        # Priming goes to the safety channel as priming: the guard allows one line's fill
        # apart from the dose (a motor with no such door, a test's, takes it as steps).
        mv = getattr(self.motor, "move_prime", None) if out is None else None
        issued = (mv or self.motor.move)(n)
        if issued:
            if out is None:  # priming: nothing reaches the patient, the line fills
                self._account(issued, {}, True)
            else:
                self._account(issued, out, False)
        if issued < n:
            self.steps_missed += n - issued
            why = self.motor.fault() or "stall"
            self._raise(why)  # settled by advance() or _grant()
            if why == "occlusion":
                self._relieve()
        return issued

    def _relieve(self):
        """The occlusion alarm has latched: draw back what the blocked line traps (the rig's
        compliance x trip pressure, whole steps within it), so the line is left near zero
        pressure and clearing the blockage releases under two steps, not a burst. Through
        the motor's one path (safety channel, lease); the volume comes back into the
        reservoir and off the tip's count, as it never left the catheter. steps_issued and
        the ledger keep it (forward steps; the windows count high, which is safe) and
        nothing is owed or caught up, as after a stall."""
        retract = getattr(self.motor, "retract", None)
        n = self.rig.relief_steps()
        most = self.reservoir.steps_since_fill  # never more than went out since the fill
        n = n if n < most else most
        if retract is None or n <= 0:
            return
        self.motor.enable(True)
        back = retract(n)
        self.motor.enable(False)
        self.motor.fault()  # a short relief's reason: the occlusion alarm already stands
        if back:
            self.reservoir.give_back(back)
            lost = self.tubing.pull(back * self.rig.step_num, self.delivered)
            self.primed_vu = self.primed_vu - lost if self.primed_vu > lost else 0
            self.steps_back += back
        self._note("relief", back * self.rig.step_num // self.rig.step_den, back)

    def _account(self, n, out, primes):
        """Count `n` steps as issued: their volume leaves the reservoir into the line, the
        fluid the line pushes out at the tip is added per drug to `out` (VU*ng/mL), and if
        `primes` what went into filling the line counts as primed. The one place steps are
        counted: a move's (_issue) and the lease's charge after a reset (restart.py)."""
        vu = self.reservoir.take(n)
        before = self.tubing.filled_vu() if primes else 0
        self.tubing.push(vu, self.reservoir.concs, out)
        if primes:
            self.primed_vu += self.tubing.filled_vu() - before
        self.steps_issued += n

    # ----- helpers -----
    def _fire(self, now_ms, trigger, *args):
        self.advance(now_ms)
        old = self.sm.state
        self.sm.fire(trigger, *args)
        self._moved(old)

    def _fire_ending_bolus(self, now_ms, trigger):
        self.advance(now_ms)
        old = self.sm.state
        self.sm.fire(trigger)
        self._end_bolus()  # only once the table took it: a refusal changes nothing
        self._moved(old)

    def _moved(self, old):
        self._note("state", old, self.sm.state)
        self._settle()

    def _grant(self, dose_ng, clinician, over_ms=None, trial=False):
        # bolus_allowed is asked once: by the state machine where the bolus fires, or, in
        # a state with no bolus row, here, for its reason (suspended, bolusing, alarm...)
        # rather than a bare E_INVALID_EVENT. It never allows a bolus outside `running`.
        v = self.sm.take("bolus", dose_ng, clinician, over_ms)
        if v is None:
            v = self.bolus_allowed(dose_ng, clinician, over_ms) or (
                E_INVALID_EVENT, "bolus", self.sm.state)
        if v:
            self._note("refused", v[0])
            raise PumpError(*v)
        if not clinician:
            self.history.record(self.t)
        self.trial = trial  # set at every grant: a trial stopped early leaves none behind
        rate = self._bolus_speed()
        if over_ms is not None:
            from pump.slow_bolus import speed  # dropped after the command (app/lazy.py)
            rate = speed(self, dose_ng, over_ms)
        self.bolus_rate = rate
        self.bolus_left = dose_ng * self.u_per_ng
        self.bolus_end = self.t + du.ceil_div(self.bolus_left, self.bolus_rate)
        self._note("bolus", dose_ng, clinician)
        self._apply_rates()
        if self.bolus_end == self.t:
            self._run(0)
            self._settle()
        return dose_ng

    def _end_bolus(self):
        self.bolus_left = 0
        self.bolus_rate = 0

    def _tod(self):
        return (self.t + self.wall_offset_ms) % DAY_MS

    def _exit_conc(self):
        return self.ref_conc(self.tubing.head_concs(self.reservoir.concs or self.rx.drugs))

    def ref_conc(self, concs):
        """The primary's ng/mL in a fluid, or the prescription's where it has none: what
        the ideal's dose U are counted at while that fluid leaves the tip."""
        primary = self.rx.primary()
        for name, c in concs:
            if name == primary:
                return c
        return self.rx.drugs[0][1]

    def _bolus_speed(self):
        rig = self.rig
        return du.bolus_u_per_ms(rig.bolus_nl_per_min, self._exit_conc(), rig.step_den)


    def _bolus_vu(self, dose_ng):
        return du.vu_for_ng(dose_ng, self._exit_conc(), self.rig.step_den)

    def _apply_rates(self):
        ideal = 0
        rx = self.rx
        if rx is not None:
            head = self.tubing.head_concs(self.reservoir.concs or rx.drugs)
            sched = rx.schedule
            ng_d = sched.rates[sched.index_at(self._tod())] if self.sm.state in DELIVERING \
                else -1
            k = self._rates_of
            if (k is not None and k[0] is rx and k[1] is head and k[2] == ng_d
                    and k[3] is self.rig and not self.bolus_rate
                    and self.ledger._tip is head
                    and self._ideal_rate is not None):
                # Every input as when the rates were last worked out (the prescription,
                # the fluid at the tip, the schedule's rate now, the rig, no bolus): the
                # same rates, without the big-integer work of every pass (issue 13).
                self.integ.rate = self._ideal_rate
                return
        self._rates_of = None  # until they are worked out again below
        if rx is not None:
            c = self.ref_conc(head)
            # Which fluid leaves the tip from now, for each drug's own past dose (ledger.py):
            # the same tuple as last pass returns at once.
            self.ledger.tip(self.t, head, c)
            self.integ.set_step_dose(du.step_dose_u(self.rig.step_num, c))
            if self.sm.state in DELIVERING:
                if self.bolus_left and self._bolus_speed() < self.bolus_rate:
                    # Fix: a bolus runs as a dose rate, so once weaker drug reached the tip
                    # after a refill it ran faster than the rig's bolus speed (twice, from
                    # 2 to 1 mg/mL). Slow it to that speed; only ever slower, so the limits
                    # checked when it was granted still hold.
                    self.bolus_rate = self._bolus_speed()
                    self.bolus_end = self.t + du.ceil_div(self.bolus_left, self.bolus_rate)
                r = du.basal_e6(ng_d, rx.floor_e6(c))
                ideal = r * self.rig.step_den + self.bolus_rate
            if not self.bolus_rate:
                self._rates_of = (rx, head, ng_d, self.rig)
        self.integ.rate = ideal
        if ideal != self._ideal_rate:
            self.ledger.mark(self.t, ideal)
            self._ideal_rate = ideal

    def _note(self, kind, *values):
        self.dirty = True
        if self._log is not None:
            self._log(self.t, kind, values)

    # ----- after a reset: pump/restart.py, loaded only when one happens -----
    def restore(self, *args, **kw):
        """Take back what a snapshot held, charge the lease, raise `restart` and `clock`,
        resume by the drug's policy (restart.restore): once, on a pump just built."""
        from pump.restart import restore
        restore(self, *args, **kw)

    # ----- what the pump can tell -----
    def delivered_ng(self, drug=None):
        name = self.rx.primary() if drug is None and self.rx else drug
        return du.ng_from_vu_conc(self.delivered.get(name, 0), self.rig.step_den)

    def status(self):
        """What the pump reports about itself now (status.py builds it)."""
        from pump.status import status_of  # loaded when first asked, not on the delivery path
        return status_of(self)
