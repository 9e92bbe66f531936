"""The line holds a bounded number of fluids (pump/tubing.py MAX_FLUIDS), as the dose
ledger holds a bounded number of pieces: found as a class with the ledger's reset that
failed (a snapshot writes what it cannot restore). A refill at another mix every few
minutes, with a little delivered between, would grow the line's list past what a
snapshot restores; past the bound such a refill is refused, with the count, and the
snapshot of the fullest line restores. Runs under pytest and MicroPython."""
from hal.sim.motor import SimMotor
from pump.errors import E_LINE_FLUIDS, PumpError
from pump.prescription import Prescription
from pump.pump import Pump
from pump.rig import bench_rig
from pump.schedule import BasalSchedule
from pump.tubing import MAX_FLUIDS
from store import snapshot

MG = 1_000_000
MIN_MS = 60_000


def mix(k):
    return (("morphine", (10 - k % 2) * MG),)  # 10 and 9 mg/mL in turn


def test_refills_at_another_mix_stop_at_the_bound_and_the_snapshot_restores():
    rig = bench_rig()
    rx = Prescription(mix(0), BasalSchedule(((0, 10 * MG),)), None, 20_000_000, 2_000_000,
                      rig)
    pump = Pump(rig, SimMotor())
    pump.program(rx, 0)
    pump.refill(10_000_000, None, 0)
    pump.confirm(0)
    pump.prime(rig.dead_volume_nl, 0)
    t = 10 * MIN_MS
    pump.advance(t)
    refused = None
    for k in range(1, 3 * MAX_FLUIDS):
        pump.start(t)
        t += 10 * MIN_MS  # a few steps of this fluid into the line
        pump.advance(t)
        pump.stop(t)
        try:
            pump.refill(10_000_000, mix(k), t)
        except PumpError as err:
            refused = err
            break
        pump.confirm(t)
    assert refused is not None and refused.code == E_LINE_FLUIDS, refused
    assert len(pump.tubing.segments) == MAX_FLUIDS
    same = pump.reservoir.concs
    pump.refill(10_000_000, same, t)  # the same mix again is no new fluid: allowed
    pump.confirm(t)
    restored, _ = snapshot.restore(snapshot.save(pump), rig, SimMotor(), t, pump.steps_issued)
    assert len(restored.tubing.segments) == MAX_FLUIDS
