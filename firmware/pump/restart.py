"""What a pump does after a reset: it takes back the state a snapshot held, counts the
steps the lease allows beyond it, raises `restart` and `clock`, and resumes basal only
by the drug's policy. Mixed into Pump; store/snapshot.py decodes the bytes and calls
restore() on a pump just built at the restart's instant.

Hazards first: a restore must never leave the pump less strict than the truth. The
caller gives every time as the youngest it can be (no time passed while the board was
off), so the lockout, the 24 h count and the rolling windows can only be stricter; the
steps the lease allows are charged as delivered, at the strongest drug in the line or
the reservoir; the wall clock is not trusted, and the `clock` alarm (LIMIT: no boluses,
basal goes on) stays until confirm_time(). A bolus in progress is never resumed;
priming and a staged refill end, and the pump stands stopped. A pump that was delivering
resumes basal only if a drug in the mix must not stop abruptly (RESUME_DRUGS), and only
through start(), so every start guard still holds.

Values the pump could never have held raise ValueError or PumpError, and the pump is
then unusable: the caller starts a fresh one with the `memory` alarm. Never reads flash
or a clock, never moves the motor but through start()."""
from pump.alarms import STOP, row as alarm_row
from pump.dose_units import step_dose_u
from pump.errors import PumpError
from pump.states import UNPROGRAMMED, STOPPED, SUSPENDED, ALARM, DELIVERING

# Drugs whose abrupt stop is itself a hazard (baclofen and clonidine withdrawal): a pump
# holding one resumes basal after an unexpected restart. Any other mix waits, stopped,
# for a clinician, with the restart alarm telling why.
RESUME_DRUGS = ("baclofen", "clonidine")


def resumes(rx):
    """True if this prescription resumes basal by itself after a restart."""
    if rx is None:
        return False
    for name, _ in rx.drugs:
        if name in RESUME_DRUGS:
            return True
    return False


class Restart:
    """Mixed into Pump. restore() or restart_afresh() once, before anything else."""

    def restore(self, was, wall_ms, rx, counts, reservoir, segments, delivered, primed_vu,
                acc, grants, pieces, alarms, bound=None):
        """Take back what a snapshot held. `was`: the state then; `counts`: (steps_issued,
        steps_missed); `reservoir`: (volume_vu, fill_vu, steps_since_fill, concs);
        `segments`: the line's [vu, concs], tip first; `delivered`: drug -> VU*ng/mL;
        `acc`: the dose owed, under a step; `grants`, `pieces` (the ledger's (start_ms,
        dose_u, rate)) and `alarms` (name -> [raised_ms, cause, acked]) in ms of this
        pump's clock; `bound`: the lease's, at least the steps really issued, or None."""
        rig = self.rig
        res = self.reservoir
        self.wall_offset_ms = wall_ms - self.t
        self.steps_issued, self.steps_missed = counts
        self.rx = rx
        res.volume_vu, res.fill_vu, res.steps_since_fill, res.concs = reservoir
        if not 0 <= res.volume_vu <= res.fill_vu <= rig.capacity_nl * rig.step_den:
            raise ValueError("fill")
        self.tubing.segments = segments
        if self.tubing.filled_vu() > self.tubing.dead_vu:
            raise ValueError("tubing")
        self.delivered = delivered
        self.primed_vu = primed_vu
        if grants != sorted(grants):
            raise ValueError("grants")
        self.history.grants = grants
        for i in range(1, len(pieces)):
            if pieces[i][0] <= pieces[i - 1][0]:
                raise ValueError("ledger")
        if pieces:
            self.ledger.pieces = pieces
        for name in alarms:
            alarm_row(name)  # an alarm this firmware does not know raises PumpError
        self.alarms.state = alarms
        if rx is None:
            self.sm.restore(UNPROGRAMMED)
        elif was == SUSPENDED:
            self.sm.restore(SUSPENDED)
        elif self.alarms.first_with(STOP):
            self.sm.restore(ALARM)
        else:
            self.sm.restore(STOPPED)  # running, bolusing, priming, refilling: _restarted
        self._ideal_rate = None
        self._apply_rates()  # a ledger piece starting now, for the charge below
        if rx is not None and acc >= self.integ.den:
            raise ValueError("acc")  # never a whole step owed: it would have been issued
        self.integ.acc = acc
        self._charge(bound)
        # The plan's count starts again here: the ledger came back with the charge added
        # to it (dose in the windows, not owed as steps), the remainder as it was saved.
        self.plan.rebase(self.ledger.cum_at(self.t), acc)
        self._restarted(was)

    def restart_afresh(self, wall_ms):
        """After a reset whose snapshot this rig cannot use (written for other mechanics
        before anything was programmed): only the wall clock, untrusted, comes back."""
        self.wall_offset_ms = wall_ms - self.t
        self._restarted(UNPROGRAMMED)

    def confirm_time(self, wall_ms, now_ms):
        """A clinician gives the time: set as set_time() does (refused if it would crowd a
        window), and the clock alarm ends, so boluses follow the usual rules again from
        the history that survived."""
        self.set_time(wall_ms, now_ms)
        if self.alarms.is_active("clock"):
            self.ack("clock", now_ms)

    def _charge(self, bound):
        """Count the steps the lease allows beyond the snapshot as issued: through the
        line into the patient and into the line's fill alike (which they were is unknown),
        and their dose into the rolling windows at the strongest primary concentration."""
        n = 0 if bound is None else bound - self.steps_issued
        left = self.reservoir.steps_left()
        n = n if n < left else left  # it cannot have given more than it held
        if n <= 0:
            return
        c = 0  # the strongest primary concentration in the line or the reservoir
        line = [seg[1] for seg in self.tubing.segments]
        for concs in line + [self.reservoir.concs or ()]:
            if concs and concs[0][1] > c:
                c = concs[0][1]
        self._account(n, self.delivered, True)
        self.ledger.bump(n * step_dose_u(self.rig.step_num, c))
        self._apply_rates()  # the line's head may have changed

    def _restarted(self, was):
        now = self.t
        self.fault("restart", now)
        self.fault("clock", now)
        if was in DELIVERING and self.sm.state == STOPPED and resumes(self.rx):
            try:
                self.start(now)
            except PumpError:
                pass  # a start guard refused: stopped, and the restart alarm says so
