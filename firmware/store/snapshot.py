"""The pump's state that must survive a power cut, as a compact payload, and a pump
rebuilt from one at boot. The byte layout only: what a restored pump does (the charge of
the lease, the restart and clock alarms, the resume policy) is pump/restart.py's.

    save(pump, extra=b"") -> payload       after every change, and now and then
    restore(payload, rig, motor, now_ms, bound=None, log=None) -> (pump, extra)

The monotonic clock starts again at 0 after a reset and nothing tells how long the board
was off, so every time is stored as an age before the record's own instant, and restored
as if no time had passed: every past bolus and dose stays as recent as it can be, so the
lockout, the 24 h count and the rolling windows can only be stricter than the truth. The
wall clock is restored likewise and is not trusted (pump/restart.py: the `clock` alarm).

`bound` is the lease (store/lease.py): at least the steps really issued; the pump charges
the steps between the snapshot and the cut at that bound.

A payload that does not decode, names an unknown drug or alarm, was written for another
rig, or holds values the pump could never have had raises SnapshotError, never anything
else: the caller then starts unprogrammed with the `memory` alarm."""
from micropython import const
from pump.drugs import DRUGS
from pump.errors import PumpError
from pump.ledger import MAX_MIXES as _MAX_MIXES
from pump.prescription import Bolus, Prescription, MAX_SECONDARY
from pump.pump import Pump
from pump.schedule import BasalSchedule, MAX_STEPS
from pump.states import STATES, UNPROGRAMMED
from store.codec import Writer, Reader, Corrupt

# 2: the mixes that left the catheter tip (pump/ledger.py), after the alarms; 1 without
# them is still read (restart.py then weighs the past at the worst fluid in the line or
# the reservoir)
VERSION = const(2)

_MAX_ITEMS = const(512)
# The device's bytes (app/device_state.py): ~500 bytes of step-guard counts on the
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
    w.int(len(pump.ledger.mixes))
    for start, concs, c_ref in pump.ledger.mixes:
        w.int(t - start)
        _write_concs(w, concs)
        w.int(c_ref)
    return w.result()


def restore(payload, rig, motor, now_ms, bound=None, log=None, version=VERSION):
    """A pump on `rig` at `now_ms` from the payload (written as `version`), and the
    controller's bytes; `log` (t, kind, values) receives its notes from the first, the
    restart alarm's."""
    try:
        return _restore(payload, rig, motor, now_ms, bound, log, version)
    except (Corrupt, PumpError, ValueError, TypeError, IndexError, KeyError) as err:
        raise SnapshotError(err)


def _restore(payload, rig, motor, now_ms, bound, log, version):
    r = Reader(payload)
    extra = r.bytes(MAX_EXTRA)
    same_rig = (r.int(), r.int(), r.int()) == (rig.step_num, rig.step_den,
                                                rig.dead_volume_nl)
    wall = r.int()
    state = r.text()
    if state not in STATES:
        raise Corrupt("state")
    pump = Pump(rig, motor, log=log, now_ms=now_ms)
    if not same_rig:
        # Volumes are in the old rig's units: meaningless on this one. A pump that was
        # never programmed holds none (a recalibrated rig, before any prescription), so it
        # starts afresh; anything else is refused.
        if state != UNPROGRAMMED:
            raise Corrupt("rig")
        from pump.restart import restart_afresh  # loaded only at a reset
        restart_afresh(pump, wall)
        return pump, extra
    counts = (_at_least(r.int(), 0), _at_least(r.int(), 0))
    rx = _read_rx(r, rig)
    volume = r.int()
    fill = r.int()
    reservoir = (volume, fill, _at_least(r.int(), 0), _read_concs(r))
    segments = []
    for _ in range(r.count(_MAX_ITEMS)):
        vu = _at_least(r.int(), 1)
        segments.append([vu, _read_concs(r, False)])
    delivered = {}
    for _ in range(r.count(8)):
        name = r.text()
        delivered[name] = _at_least(r.int(), 0)
    primed_vu = _at_least(r.int(), 0)
    acc = _at_least(r.int(), 0)
    grants = []
    for _ in range(r.count(_MAX_ITEMS)):
        grants.append(now_ms - _at_least(r.int(), 0))
    pieces = []
    cum = 0
    for _ in range(r.count(_MAX_ITEMS)):
        start = now_ms - _at_least(r.int(), 0)
        cum += r.int()
        pieces.append((start, cum, _at_least(r.int(), 0)))
    alarms = {}
    for _ in range(r.count(16)):
        name = r.text()
        raised = now_ms - _at_least(r.int(), 0)
        flags = r.int()
        alarms[name] = [raised, bool(flags & 1), bool(flags & 2)]
    mixes = None  # version 1: none kept (restart.py says what stands for them)
    if version >= 2:
        mixes = []
        for _ in range(r.count(_MAX_MIXES)):
            start = now_ms - _at_least(r.int(), 0)
            # A merge of mixes (pump/ledger.py) may name more drugs than one mix holds.
            concs = _read_concs(r, False, len(DRUGS))
            mixes.append((start, concs, _at_least(r.int(), 1)))
    r.end()
    pump.restore(state, wall, rx, counts, reservoir, segments, delivered, primed_vu, acc,
                 grants, pieces, alarms, bound, mixes)
    return pump, extra


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


def _read_concs(r, none_ok=True, most=1 + MAX_SECONDARY):
    n = r.count(most)
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
