"""What a pump does after a reset: it takes back the state a snapshot held, counts the
steps the lease allows beyond it, raises `restart` and `clock`, and resumes basal only
by the drug's policy. store/snapshot.py decodes the bytes and calls Pump.restore() on a
pump just built at the restart's instant, which loads this module then: a pump that never
restarts (and the delivery core's heap) does without it.

Hazards first: a restore must never leave the pump less strict than the truth. The
caller gives every time as the youngest it can be (no time passed while the board was
off), so the lockout, the 24 h count and the rolling windows can only be stricter; the
steps the lease allows are charged as delivered, at the strongest drug in the line or
the reservoir; the wall clock is not trusted, and the `clock` alarm (LIMIT: no boluses,
basal goes on) stays until Pump.confirm_time(). A bolus in progress is never resumed;
priming and a staged refill end, and the pump stands stopped. A pump that was delivering
resumes basal only if a drug in the mix must not stop abruptly (RESUME_DRUGS), and only
through start(), so every start guard still holds; a programmed pump left not delivering
raises its reminder (not_delivering or withdrawal_risk) at once.

Values the pump could never have held raise ValueError or PumpError, and the pump is
then unusable: the caller starts a fresh one with the `memory` alarm. Never reads flash
or a clock, never moves the motor but through start()."""
from pump.alarms import STOP, row as alarm_row
from pump.drugs import STOP_HAZARD, stop_is_hazard
from pump.dose_units import step_dose_u
from pump.errors import PumpError
from pump.states import UNPROGRAMMED, STOPPED, SUSPENDED, ALARM, DELIVERING

# Drugs whose abrupt stop is itself a hazard (drugs.STOP_HAZARD): a pump holding one
# resumes basal after an unexpected restart. Any other mix waits, stopped, for a
# clinician, with the not_delivering reminder raised at once and `restart` telling why.
RESUME_DRUGS = STOP_HAZARD


def resumes(rx):
    """True if this prescription resumes basal by itself after a restart."""
    return rx is not None and stop_is_hazard(rx.drugs)


def restore(pump, was, wall_ms, rx, counts, reservoir, segments, delivered, primed_vu, acc,
            grants, pieces, alarms, bound=None):
    """Take back what a snapshot held. `was`: the state then; `counts`: (steps_issued,
    steps_missed); `reservoir`: (volume_vu, fill_vu, steps_since_fill, concs);
    `segments`: the line's [vu, concs], tip first; `delivered`: drug -> VU*ng/mL;
    `acc`: the dose owed, under a step; `grants`, `pieces` (the ledger's (start_ms,
    dose_u, rate)) and `alarms` (name -> [raised_ms, cause, acked]) in ms of this
    pump's clock; `bound`: the lease's, at least the steps really issued, or None."""
    rig = pump.rig
    res = pump.reservoir
    pump.wall_offset_ms = wall_ms - pump.t
    pump.steps_issued, pump.steps_missed = counts
    pump.rx = rx
    res.volume_vu, res.fill_vu, res.steps_since_fill, res.concs = reservoir
    if not 0 <= res.volume_vu <= res.fill_vu <= rig.capacity_nl * rig.step_den:
        raise ValueError("fill")
    pump.tubing.segments = segments
    if pump.tubing.filled_vu() > pump.tubing.dead_vu:
        raise ValueError("tubing")
    pump.delivered = delivered
    pump.primed_vu = primed_vu
    if grants != sorted(grants):
        raise ValueError("grants")
    pump.history.grants = grants
    for i in range(1, len(pieces)):
        if pieces[i][0] <= pieces[i - 1][0]:
            raise ValueError("ledger")
    if pieces:
        pump.ledger.pieces = pieces
    for name in alarms:
        alarm_row(name)  # an alarm this firmware does not know raises PumpError
    pump.alarms.state = alarms
    if rx is None:
        pump.sm.restore(UNPROGRAMMED)
    elif was == SUSPENDED:
        pump.sm.restore(SUSPENDED)
    elif pump.alarms.first_with(STOP):
        pump.sm.restore(ALARM)
    else:
        pump.sm.restore(STOPPED)  # running, bolusing, priming, refilling: _restarted
    pump._ideal_rate = None
    pump._apply_rates()  # a ledger piece starting now, for the charge below
    if rx is not None and acc >= pump.integ.den:
        raise ValueError("acc")  # never a whole step owed: it would have been issued
    pump.integ.acc = acc
    _charge(pump, bound)
    # The plan's count starts again here: the ledger came back with the charge added
    # to it (dose in the windows, not owed as steps), the remainder as it was saved.
    pump.spent_u = pump.ledger.cum_at(pump.t) - acc
    _restarted(pump, was)


def restart_afresh(pump, wall_ms):
    """After a reset whose snapshot this rig cannot use (written for other mechanics
    before anything was programmed): only the wall clock, untrusted, comes back."""
    pump.wall_offset_ms = wall_ms - pump.t
    _restarted(pump, UNPROGRAMMED)


def _charge(pump, bound):
    """Count the steps the lease allows beyond the snapshot as issued: through the
    line into the patient and into the line's fill alike (which they were is unknown),
    and their dose into the rolling windows at the strongest primary concentration."""
    n = 0 if bound is None else bound - pump.steps_issued
    left = pump.reservoir.steps_left()
    n = n if n < left else left  # it cannot have given more than it held
    if n <= 0:
        return
    c = 0  # the strongest primary concentration in the line or the reservoir
    line = [seg[1] for seg in pump.tubing.segments]
    for concs in line + [pump.reservoir.concs or ()]:
        if concs and concs[0][1] > c:
            c = concs[0][1]
    pump._account(n, pump.delivered, True)
    pump.ledger.bump(n * step_dose_u(pump.rig.step_num, c))
    pump._apply_rates()  # the line's head may have changed


def _restarted(pump, was):
    now = pump.t
    pump.fault("restart", now)
    pump.fault("clock", now)
    if was in DELIVERING and pump.sm.state == STOPPED and resumes(pump.rx):
        try:
            pump.start(now)
        except PumpError:
            pass  # a start guard refused: stopped, and the reminder below says so
    # Nobody chose this stop, and how long the pump was off is unknown: a programmed pump
    # the restart left not delivering raises its reminder now (settle.py), not after the
    # hour a clinician's stop is allowed. `restart` alone is only informative.
    pump.idle_allow_ms = 0
    pump._settle()
