"""The pump state that must survive a power cut, as a compact payload, and a fresh Pump
rebuilt from it at boot.

    save(pump, extra=b"") -> payload       after every change, and now and then
    restore(payload, rig, motor, now_ms, bound=None, log=None) -> (pump, extra)
    confirm_time(pump, wall_ms, now_ms)    a clinician gives the time: boluses allowed again

The monotonic clock starts again at 0 after a reset and nothing tells how long the board
was off, so every time is stored as an age before the record's own instant, and restored
as if no time had passed: every past bolus and dose stays as recent as it can be, so the
lockout, the 24 h count and the rolling windows can only be stricter than the truth. The
wall clock is restored likewise and is not trusted: the `clock` alarm (LIMIT: no boluses,
basal goes on) stays until confirm_time().

`bound` is the lease (store/lease.py): at least the steps really issued. The steps between
the snapshot and the cut are charged at that bound: taken from the reservoir, pushed
through the line, and added to the dose in the windows.

After a restore the pump always raises `restart`. A pump that was delivering resumes
basal if a drug in the mix must not stop abruptly (RESUME_DRUGS: withdrawal), through
start(), so every start guard still holds; otherwise it stays stopped. A bolus in progress
is never resumed. Priming and a staged refill end; the pump stands stopped.

A payload that does not decode, names an unknown drug or alarm, was written for another
rig, or holds values the pump could never have had raises SnapshotError, never anything
else: the caller then starts unprogrammed with the `memory` alarm."""
from micropython import const
from pump.alarms import row as alarm_row, STOP
from pump.errors import PumpError
from pump.prescription import Bolus, Prescription, MAX_SECONDARY
from pump.pump import Pump
from pump.schedule import BasalSchedule, MAX_STEPS
from pump.states import (STATES, UNPROGRAMMED, STOPPED, SUSPENDED, ALARM, DELIVERING)
from store.codec import Writer, Reader, Corrupt

VERSION = const(1)

# Drugs whose abrupt stop is itself a hazard (baclofen and clonidine withdrawal): a pump
# holding one resumes basal after an unexpected restart. Any other mix waits, stopped,
# for a clinician, with the restart alarm telling why.
RESUME_DRUGS = ("baclofen", "clonidine")

_MAX_ITEMS = const(512)
# The controller's bytes: the console's part is ~500 bytes of step-guard counts on the
# bench rig, more on a rig of small steps (a Hamilton 250 uL counts ~100x the steps).
MAX_EXTRA = const(4096)  # ledger pieces, grants, segments: far above a day's events


class SnapshotError(Exception):
    """The payload cannot be restored; args hold the reason."""


def save(pump, extra=b""):
    """The payload for this pump now, with `extra` (the controller's own bytes) inside."""
    t = pump.t
    w = Writer()
    w.bytes(extra)
    rig = pump.rig
    w.int(rig.step_num)
    w.int(rig.step_den)
    w.int(rig.dead_volume_nl)
    w.int(t + pump.wall_offset_ms)
    w.text(pump.sm.state)
    w.int(pump.steps_issued)
    w.int(pump.steps_missed)
    _write_rx(w, pump.rx)
    res = pump.reservoir
    w.int(res.volume_vu)
    w.int(res.fill_vu)
    w.int(res.steps_since_fill)
    _write_concs(w, res.concs)
    w.int(len(pump.tubing.segments))
    for vu, concs in pump.tubing.segments:
        w.int(vu)
        _write_concs(w, concs)
    names = sorted(pump.delivered)
    w.int(len(names))
    for name in names:
        w.text(name)
        w.int(pump.delivered[name])
    w.int(pump.primed_vu)
    w.int(pump.integ.acc)
    w.int(len(pump.history.grants))
    for g in pump.history.grants:
        w.int(t - g)
    w.int(len(pump.ledger.pieces))
    prev = 0
    for start, cum, rate in pump.ledger.pieces:
        w.int(t - start)
        w.int(cum - prev)  # differences: small numbers, and only differences matter
        w.int(rate)
        prev = cum
    names = sorted(pump.alarms.state)
    w.int(len(names))
    for name in names:
        raised, cause, acked = pump.alarms.state[name]
        w.text(name)
        w.int(t - raised)
        w.int((1 if cause else 0) | (2 if acked else 0))
    return w.result()


def restore(payload, rig, motor, now_ms, bound=None, log=None):
    try:
        return _restore(payload, rig, motor, now_ms, bound, log)
    except (Corrupt, PumpError, ValueError, TypeError, IndexError, KeyError) as err:
        raise SnapshotError(err)


def confirm_time(pump, wall_ms, now_ms):
    """Set the wall clock (refused, as set_time is, if it would crowd a window) and end the
    clock alarm: boluses follow the usual rules again, from the history that survived."""
    pump.set_time(wall_ms, now_ms)
    if pump.alarms.is_active("clock"):
        pump.ack("clock", now_ms)


def resumes(rx):
    if rx is None:
        return False
    for name, _ in rx.drugs:
        if name in RESUME_DRUGS:
            return True
    return False


def _restore(payload, rig, motor, now_ms, bound, log):
    r = Reader(payload)
    extra = r.bytes(MAX_EXTRA)
    same_rig = (r.int(), r.int(), r.int()) == (rig.step_num, rig.step_den,
                                                rig.dead_volume_nl)
    wall = r.int()
    state = r.text()
    if state not in STATES:
        raise Corrupt("state")
    pump = Pump(rig, motor, now_ms=now_ms)
    pump.wall_offset_ms = wall - now_ms
    if not same_rig:
        # Volumes are in the old rig's units: meaningless on this one. A pump that was
        # never programmed holds none (a recalibrated rig, before any prescription), so it
        # starts afresh; anything else is refused.
        if state != UNPROGRAMMED:
            raise Corrupt("rig")
        pump._log = log
        pump.fault("restart", now_ms)
        pump.fault("clock", now_ms)
        return pump, extra
    pump.steps_issued = _at_least(r.int(), 0)
    pump.steps_missed = _at_least(r.int(), 0)
    pump.rx = _read_rx(r, rig)
    res = pump.reservoir
    res.volume_vu = _at_least(r.int(), 0)
    res.fill_vu = _at_least(r.int(), res.volume_vu)
    if res.fill_vu > rig.capacity_nl * rig.step_den:
        raise Corrupt("fill")
    res.steps_since_fill = _at_least(r.int(), 0)
    res.concs = _read_concs(r)
    segs = []
    for _ in range(r.count(_MAX_ITEMS)):
        vu = _at_least(r.int(), 1)
        segs.append([vu, _read_concs(r, False)])
    pump.tubing.segments = segs
    if pump.tubing.filled_vu() > pump.tubing.dead_vu:
        raise Corrupt("tubing")
    delivered = {}
    for _ in range(r.count(8)):
        name = r.text()
        delivered[name] = _at_least(r.int(), 0)
    pump.delivered = delivered
    pump.primed_vu = _at_least(r.int(), 0)
    acc = _at_least(r.int(), 0)
    grants = []
    for _ in range(r.count(_MAX_ITEMS)):
        grants.append(now_ms - _at_least(r.int(), 0))
    if grants != sorted(grants):
        raise Corrupt("grants")
    pump.history.grants = grants
    pieces = []
    cum = 0
    for _ in range(r.count(_MAX_ITEMS)):
        start = now_ms - _at_least(r.int(), 0)
        cum += r.int()
        rate = _at_least(r.int(), 0)
        if pieces and start <= pieces[-1][0]:
            raise Corrupt("ledger")
        pieces.append((start, cum, rate))
    alarms = {}
    for _ in range(r.count(16)):
        name = r.text()
        alarm_row(name)  # an alarm this firmware does not know raises PumpError
        raised = now_ms - _at_least(r.int(), 0)
        flags = r.int()
        alarms[name] = [raised, bool(flags & 1), bool(flags & 2)]
    r.end()
    if pieces:
        pump.ledger.pieces = pieces
    pump.alarms.state = alarms
    if pump.rx is None:
        pump.sm.state = UNPROGRAMMED
    elif state == SUSPENDED:
        pump.sm.state = SUSPENDED
    elif pump.alarms.first_with(STOP):
        pump.sm.state = ALARM
    else:
        pump.sm.state = STOPPED  # running, bolusing, priming, refilling: see the policy
    pump._ideal_rate = None
    pump._apply_rates()  # a ledger piece starting now, for the charge below
    if pump.rx is not None and acc >= pump.integ.den:
        raise Corrupt("acc")  # never a whole step owed: it would have been issued
    pump.integ.acc = acc
    _charge(pump, bound)
    pump._log = log
    pump.fault("restart", now_ms)
    pump.fault("clock", now_ms)
    if state in DELIVERING and pump.sm.state == STOPPED and resumes(pump.rx):
        try:
            pump.start(now_ms)
        except PumpError:
            pass  # a start guard refused: stopped, and the restart alarm says so
    return pump, extra


def _charge(pump, bound):
    """Count the steps the lease allows beyond the snapshot as issued and delivered."""
    if bound is None or bound <= pump.steps_issued:
        return
    n = bound - pump.steps_issued
    left = pump.reservoir.steps_left()
    n = n if n < left else left  # it cannot have given more than it held
    if n <= 0:
        return
    rig = pump.rig
    c = 0  # the strongest primary concentration in the line or the reservoir
    for concs in [seg[1] for seg in pump.tubing.segments] + [pump.reservoir.concs or ()]:
        if concs and concs[0][1] > c:
            c = concs[0][1]
    before = pump.tubing.filled_vu()
    pump.tubing.push(pump.reservoir.take(n), pump.reservoir.concs, pump.delivered)
    pump.primed_vu += pump.tubing.filled_vu() - before
    pump.steps_issued += n
    pump.ledger.bump(n * rig.step_num * c * 86_400_000)  # U: a step's dose at c, n times
    pump._apply_rates()  # the line's head may have changed


def _at_least(v, lo):
    if v < lo:
        raise Corrupt("range")
    return v


def _write_concs(w, concs):
    if concs is None:
        w.int(0)
        return
    w.int(len(concs))
    for name, c in concs:
        w.text(name)
        w.int(c)


def _read_concs(r, none_ok=True):
    n = r.count(1 + MAX_SECONDARY)
    if n == 0:
        if not none_ok:
            raise Corrupt("concs")
        return None
    out = []
    for _ in range(n):
        name = r.text()
        out.append((name, _at_least(r.int(), 1)))
    return tuple(out)


def _write_rx(w, rx):
    _write_concs(w, None if rx is None else rx.drugs)
    if rx is None:
        return
    w.int(len(rx.schedule.steps))
    for start_min, rate in rx.schedule.steps:
        w.int(start_min)
        w.int(rate)
    b = rx.bolus
    if b is None:
        w.int(0)
    else:
        w.int(1)
        w.int(b.dose_ng)
        w.int(b.lockout_ms)
        w.int(b.max_per_day)
    w.int(rx.capacity_nl)
    w.int(rx.low_nl)


def _read_rx(r, rig):
    drugs = _read_concs(r)
    if drugs is None:
        return None
    steps = []
    for _ in range(r.count(MAX_STEPS)):
        start = r.int()
        steps.append((start, r.int()))
    bolus = None
    flag = r.int()
    if flag == 1:
        dose = r.int()
        lockout = r.int()
        bolus = Bolus(dose, lockout, r.int())
    elif flag != 0:
        raise Corrupt("bolus")
    capacity = r.int()
    # Built, hence checked in full, again: a prescription the drug table or this rig
    # would refuse today is not restored.
    return Prescription(drugs, BasalSchedule(steps), bolus, capacity, r.int(), rig)
