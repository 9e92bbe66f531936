"""The pump's permits: may it start, prime, give a bolus, leave the alarm state? (The state
table calls them its transition guards; the step guard is safety/step_guard.py.)

Each is named, pure and gives a reason: it returns 0 or (code, values...) and changes
nothing, so the state table can ask it and a refusal leaves the pump as it was. The
lockout and 24 h count live in bolus.py; the dose windows in limits.py; this module only
asks them in the right order. Never moves the motor, never writes anything."""
from pump import drugs as dt
from pump.alarms import STOP, LIMIT
from pump.dose_units import ceil_div, step_dose_u
from pump.errors import (E_NO_RX, E_SUSPENDED, E_CRITICAL, E_BOLUS_RUNNING,
                         E_NOT_RUNNING,
                         E_RESERVOIR_EMPTY, E_DOSE_WINDOW, E_PRIME_LIMIT, E_NOT_PRIMED,
                         E_CLINICIAN_BOLUS_LIMIT, E_LINE_OTHER_DRUG)
from pump.limits import GUARD_HOUR_MS, Future, guard_ng, window_peak
from pump.schedule import DAY_MS, HOUR_MS
from pump.states import RUNNING, BOLUSING, SUSPENDED, ALARM

# A wall clock before 2020 was never set (a board starts at 1970): no real therapy
# began before this program was written.
CLOCK_SET_MS = 1_577_836_800_000  # 2020-01-01 (over a small int: no const())
# The last is the step guard's hour (pump/limits.py): kept so it never trips on therapy.
WINDOWS = ((HOUR_MS, dt.F_MAX_HOURLY), (DAY_MS, dt.F_MAX_DAILY), (GUARD_HOUR_MS, None))


class Permits:
    """Mixed into Pump; reads its state only."""

    def clock_set(self):
        """False while the wall clock still counts from 1970 (never set): a schedule of
        more than one step would then run its steps at the wrong hours. The console
        refuses to start one on it (console/cmd_run.py); the pump's own tests run on
        whatever clock they set."""
        return self.t + self.wall_offset_ms >= CLOCK_SET_MS

    def start_allowed(self, *_):
        if self.rx is None:
            return (E_NO_RX,)
        stop = self.alarms.first_with(STOP)
        if stop:
            return (E_CRITICAL, stop)
        if self.reservoir.steps_left() == 0:
            return (E_RESERVOIR_EMPTY,)
        if not self.tubing.is_full():
            return (E_NOT_PRIMED, self.tubing.filled_vu() // self.rig.step_den,
                    self.rig.dead_volume_nl)
        # A refill that changed the drug left the old one in the line: pushed out at the
        # new drug's rate it was an uncounted bolus (2.2 mg of hydromorphone in an hour).
        other, name = self.tubing.other_vu(self.reservoir.concs)
        if other:
            room_steps = self.prime_room()[0]
            return (E_LINE_OTHER_DRUG, name,
                    ceil_div(room_steps * self.rig.step_num, self.rig.step_den))
        from pump.line_floor import verdict  # dropped after the command (app/lazy.py)
        floor = verdict(self, self.rx)
        if floor:
            return floor
        # A start or a resume begins the schedule from now: the last 24 h of delivery and
        # what the schedule will give must fit every window, as for a new basal.
        return self._windows_verdict(self.rx, self.bolus_left, self.bolus_rate)

    def prime_room(self):
        """(steps a prime may issue, flushing): the empty line's room in whole steps,
        never past it (nothing more is pushed into the patient); or, when a refill that
        changed the drug left the old one in the line, enough whole steps to push all of
        it out to waste, the catheter disconnected (start_allowed refuses until then)."""
        t, sn = self.tubing, self.rig.step_num
        free = t.dead_vu - t.filled_vu()
        other = t.other_vu(self.reservoir.concs)[0] if self.reservoir.concs else 0
        if other:
            return ceil_div(free + other, sn), True
        return free // sn, False

    def prime_room_nl(self):
        """The most a prime may ask for now, in whole nL: what `prime` alone fills."""
        room_steps, flush = self.prime_room()
        if flush:
            return ceil_div(room_steps * self.rig.step_num, self.rig.step_den)
        room_vu = self.tubing.dead_vu - self.tubing.filled_vu()
        if room_vu < self.rig.step_num:
            return 0  # less than a step of room: the line is full
        # The room in whole nL, rounded up: with a step of 5.5 nL and 5.5 nL of room, 6 nL
        # must be askable, or the last step could never be primed (prime() still issues
        # only whole steps within the room).
        return ceil_div(room_vu, self.rig.step_den)

    def prime_allowed(self, volume_nl):
        """Refusals name amounts that work: the room left and one step, the least a prime
        can move (a prime under a step was accepted and did nothing: issue 16)."""
        if self.rx is None:
            return (E_NO_RX,)
        room_nl = self.prime_room_nl()
        sn, sd = self.rig.step_num, self.rig.step_den
        if (type(volume_nl) is not int or volume_nl <= 0 or volume_nl > room_nl
                or (volume_nl * sd < sn and not self.prime_room()[1])):
            return (E_PRIME_LIMIT, volume_nl, room_nl, ceil_div(sn, sd))
        if volume_nl * sd > self.reservoir.volume_vu:
            return (E_RESERVOIR_EMPTY,)
        return 0

    def bolus_allowed(self, dose_ng, clinician=False, over_ms=None):
        st = self.sm.state
        if self.rx is None:
            return (E_NO_RX,)
        if st == SUSPENDED:
            return (E_SUSPENDED,)
        stop = self.alarms.first_with(STOP)
        if st == ALARM or stop:
            return (E_CRITICAL, stop)
        if st == BOLUSING:
            return (E_BOLUS_RUNNING, self.bolus_end - self.t)
        if st != RUNNING:
            return (E_NOT_RUNNING, st)
        limiting = self.alarms.first_with(LIMIT)
        if limiting:
            return (E_CRITICAL, limiting)
        one = self._one_fluid(self.rx)
        if clinician:
            cap = self.rx.limit_ng(dt.F_MAX_CLINICIAN_BOLUS)
            if not one:
                # The bolus leaves from the line first: a refill that lowered a drug's
                # ratio left the old, richer fluid there (40 ug of clonidine in a 0.4 mg
                # bolus, its row 20): the cap holds for whatever fluid the line gives.
                from pump.mixes import clinician_cap
                cap = clinician_cap(self, self.rx, cap)
            if type(dose_ng) is not int or not 0 < dose_ng <= cap:
                return (E_CLINICIAN_BOLUS_LIMIT, dose_ng, cap)
            if over_ms is not None:
                from pump.slow_bolus import verdict, speed
                v = verdict(self, dose_ng, over_ms)
                if v:
                    return v
                rate = speed(self, dose_ng, over_ms)
        else:
            b = self.rx.bolus
            if b is None:
                return (E_NO_RX,)
            v = self.history.verdict(self.t, b.lockout_ms, b.max_per_day)
            if v:
                return v
            if not one:
                from pump.mixes import bolus_over_row
                v = bolus_over_row(self, self.rx, dose_ng)
                if v:
                    return v
        if self._bolus_vu(dose_ng) > self.reservoir.volume_vu:
            return (E_RESERVOIR_EMPTY,)
        return self._windows_verdict(self.rx, dose_ng * self.u_per_ng,
                                     self._bolus_speed() if over_ms is None else rate)

    def alarms_clear(self, *_):
        stop = self.alarms.first_with(STOP)
        return (E_CRITICAL, stop) if stop else 0

    def _one_fluid(self, rx):
        """True if the line holds only the reservoir's fluid (a refill at another mix
        leaves the old one there until it has left the tip)."""
        res = self.reservoir.concs or rx.drugs
        for seg in self.tubing.segments:
            if seg[1] is not res and seg[1] != res:
                return False
        return True

    def _one_mix(self, rx):
        """True if one fluid is in play: the line's and the reservoir's, and the only one
        that left the tip in the last 24 h (ledger.py). Then every drug's dose is the
        primary's at one ratio, and the tightest limit converted at it holds them all."""
        if not self._one_fluid(rx):
            return False
        m = self.ledger.mixes
        if not m:
            return True  # nothing has left the tip
        start, concs, c_ref = m[-1]
        res = self.reservoir.concs or rx.drugs
        return ((concs is res or concs == res) and c_ref == self._exit_conc()
                and (len(m) == 1 or start <= self.t - DAY_MS))

    def _windows_verdict(self, rx, bolus_u, bolus_rate):
        if not self._one_mix(rx):
            # Another mix in the last 24 h or in the line: each drug at its own ratio,
            # past and future (pump/mixes.py, loaded the first time it is needed).
            from pump.mixes import windows_verdict
            return windows_verdict(self, rx, bolus_u, bolus_rate)
        c = self._exit_conc()
        margin = step_dose_u(self.rig.step_num, c)  # the motor may trail by one step
        for window_ms, field in WINDOWS:
            fut = Future(rx.schedule, self._tod(), window_ms, rx.floor_e6(c),
                         self.rig.step_den, bolus_u, bolus_rate)
            peak = window_peak(self.ledger, self.t, fut, window_ms)
            limit = rx.limit_ng(field) if field is not None else guard_ng(rx)[0]
            if peak + margin > limit * self.u_per_ng:
                return (E_DOSE_WINDOW, window_ms, ceil_div(peak, self.u_per_ng), limit)
        return 0
