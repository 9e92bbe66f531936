"""A pump rebuilt from a snapshot's payload (store/snapshot.py has the layout and
writes it): the reading half, loaded for a restore and dropped after the boot
(app/boot.py), as it runs once per reset and the Pico's heap is the room it frees.
Raises Corrupt, PumpError or a builtin error on a payload it cannot trust; restore()
turns each into SnapshotError."""
from micropython import const
from pump.drugs import DRUGS
from pump.ledger import MAX_MIXES as _MAX_MIXES
from pump.prescription import Bolus, Prescription, MAX_SECONDARY
from pump.pump import Pump
from pump.schedule import BasalSchedule, MAX_STEPS
from pump.states import STATES, UNPROGRAMMED
from store.codec import Reader, Corrupt
from store.snapshot import MAX_EXTRA

_MAX_ITEMS = const(512)
_MAX_SCHED = const(8)  # pump/sched_bolus.py MAX_SCHED, not imported: it loads with a list only


def read(payload, rig, motor, now_ms, bound, log, version):
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


def _read_rx(r, rig):
    drugs = _read_concs(r)
    if drugs is None:
        return None
    steps = []
    for _ in range(r.count(MAX_STEPS)):
        start = r.int()
        steps.append((start, r.int()))
    bolus = sched = None
    flag = r.int()
    if not 0 <= flag <= 3:
        raise Corrupt("bolus")
    if flag & 1:
        dose = r.int()
        lockout = r.int()
        bolus = Bolus(dose, lockout, r.int())
    if flag & 2:
        sched = []
        for _ in range(r.count(_MAX_SCHED)):
            start = r.int()
            dose = r.int()
            sched.append((start, dose, r.int()))
        sched = tuple(sched)  # checked when the prescription is built
    capacity = r.int()
    # Built, hence checked in full, again: a prescription the drug table or this rig
    # would refuse today is not restored.
    return Prescription(drugs, BasalSchedule(steps), bolus, capacity, r.int(), rig, sched)
