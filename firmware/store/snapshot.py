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
from pump.errors import PumpError
from store.codec import Writer, Corrupt

# 2: the mixes that left the catheter tip (pump/ledger.py), after the alarms; 1 without
# them is still read (restart.py then weighs the past at the worst fluid in the line or
# the reservoir)
VERSION = const(2)

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
        from store.snapshot_read import read  # loaded at a restore, dropped after boot
        return read(payload, rig, motor, now_ms, bound, log, version)
    except (Corrupt, PumpError, ValueError, TypeError, IndexError, KeyError) as err:
        raise SnapshotError(err)


def _write_concs(w, concs):
    if concs is None:
        w.int(0)
        return
    w.int(len(concs))
    for name, c in concs:
        w.text(name)
        w.int(c)


def _write_rx(w, rx):
    _write_concs(w, None if rx is None else rx.drugs)
    if rx is None:
        return
    w.int(len(rx.basal.steps))  # the basal as programmed: scheduled boluses apart
    for start_min, rate in rx.basal.steps:
        w.int(start_min)
        w.int(rate)
    b = rx.bolus
    # Bit 1: a patient bolus follows; bit 2: scheduled boluses after it (a payload
    # written before them holds 0 or 1, and reads the same).
    w.int((0 if b is None else 1) | (2 if rx.sched else 0))
    if b is not None:
        w.int(b.dose_ng)
        w.int(b.lockout_ms)
        w.int(b.max_per_day)
    if rx.sched:
        w.int(len(rx.sched))
        for entry in rx.sched:
            for v in entry:
                w.int(v)
    w.int(rx.capacity_nl)
    w.int(rx.low_nl)
