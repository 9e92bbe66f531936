"""The pump's permits: may it start, prime, give a bolus, leave the alarm state? (The state
table calls them its transition guards; the step guard is safety/step_guard.py.)

Each is named, pure and gives a reason: it returns 0 or (code, values...) and changes
nothing, so the state table can ask it and a refusal leaves the pump as it was. The
lockout and 24 h count live in bolus.py; the dose windows in limits.py; this module only
asks them in the right order. Never moves the motor, never writes anything."""
from pump import drugs as dt
from pump.alarms import STOP, LIMIT
from pump.dose_units import ceil_div, step_dose_u
from pump.errors import (E_NO_RX, E_SUSPENDED, E_CRITICAL, E_BOLUS_RUNNING, E_NOT_RUNNING,
                         E_RESERVOIR_EMPTY, E_DOSE_WINDOW, E_PRIME_LIMIT, E_NOT_PRIMED,
                         E_CLINICIAN_BOLUS_LIMIT, E_LINE_OTHER_DRUG)
from pump.limits import Future, window_peak
from pump.schedule import DAY_MS, HOUR_MS
from pump.states import RUNNING, BOLUSING, SUSPENDED, ALARM

WINDOWS = ((HOUR_MS, dt.F_MAX_HOURLY), (DAY_MS, dt.F_MAX_DAILY))


class Permits:
    """Mixed into Pump; reads its state only."""

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

    def prime_allowed(self, volume_nl):
        if self.rx is None:
            return (E_NO_RX,)
        room_steps, flush = self.prime_room()
        if flush:
            room_nl = ceil_div(room_steps * self.rig.step_num, self.rig.step_den)
        else:
            room_vu = self.tubing.dead_vu - self.tubing.filled_vu()
            if room_vu < self.rig.step_num:
                room_vu = 0  # less than a step of room: the line is full
            # The room in whole nL, rounded up: with a step of 5.5 nL and 5.5 nL of room,
            # 6 nL must be askable, or the last step could never be primed (prime() still
            # issues only whole steps within the room).
            room_nl = ceil_div(room_vu, self.rig.step_den)
        if type(volume_nl) is not int or volume_nl <= 0 or volume_nl > room_nl:
            return (E_PRIME_LIMIT, volume_nl, room_nl)
        if volume_nl * self.rig.step_den > self.reservoir.volume_vu:
            return (E_RESERVOIR_EMPTY,)
        return 0

    def bolus_allowed(self, dose_ng, clinician=False):
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
        if clinician:
            cap = self.rx.limit_ng(dt.F_MAX_CLINICIAN_BOLUS)
            if type(dose_ng) is not int or not 0 < dose_ng <= cap:
                return (E_CLINICIAN_BOLUS_LIMIT, dose_ng, cap)
        else:
            b = self.rx.bolus
            if b is None:
                return (E_NO_RX,)
            v = self.history.verdict(self.t, b.lockout_ms, b.max_per_day)
            if v:
                return v
        if self._bolus_vu(dose_ng) > self.reservoir.volume_vu:
            return (E_RESERVOIR_EMPTY,)
        return self._windows_verdict(self.rx, dose_ng * self.u_per_ng, self._bolus_speed())

    def alarms_clear(self, *_):
        stop = self.alarms.first_with(STOP)
        return (E_CRITICAL, stop) if stop else 0

    def _windows_verdict(self, rx, bolus_u, bolus_rate):
        c = self._exit_conc()
        margin = step_dose_u(self.rig.step_num, c)  # the motor may trail by one step
        for window_ms, field in WINDOWS:
            fut = Future(rx.schedule, self._tod(), window_ms, rx.floor_e6(c),
                         self.rig.step_den, bolus_u, bolus_rate)
            peak = window_peak(self.ledger, self.t, fut, window_ms)
            limit = rx.limit_ng(field)
            if peak + margin > limit * self.u_per_ng:
                return (E_DOSE_WINDOW, window_ms, ceil_div(peak, self.u_per_ng), limit)
        return 0
