"""Benchmark body: simulated days of a flex schedule with boluses, run by CPython or by
MicroPython (tools/bench.py runs it both ways). Prints `key=value` lines.

Usage: bench_core.py DAYS [firmware_dir]. Measures: wall time, and the largest gap between
the steps issued and the ideal, computed here independently of the pump's integrator
from the schedule and the granted boluses, in exact integers."""
import sys

try:
    from time import ticks_ms, ticks_diff
except ImportError:
    from time import monotonic

    def ticks_ms():
        return int(monotonic() * 1000)

    def ticks_diff(a, b):
        return a - b

DAYS = int(sys.argv[1]) if len(sys.argv) > 1 else 365
if len(sys.argv) > 2:
    sys.path.insert(0, sys.argv[2])

import gc  # noqa: E402

for _m in ("pump.errors", "pump.drugs", "pump.schedule", "pump.step_integrator", "pump.alarms",
           "pump.states", "pump.machine", "pump.bolus", "pump.ledger", "pump.limits",
           "pump.reservoir", "pump.tubing", "pump.rig", "pump.prescription", "pump.permits",
           "pump.pump",
           "hal.sim.motor"):
    __import__(_m)
    gc.collect()  # load modules one by one into a tidy heap, as main.py does

from hal.sim.motor import SimMotor  # noqa: E402
from pump.errors import PumpError  # noqa: E402
from pump.prescription import Bolus, Prescription  # noqa: E402
from pump.pump import Pump  # noqa: E402
from pump.rig import bench_rig  # noqa: E402
from pump.schedule import BasalSchedule  # noqa: E402

H = 3_600_000
DAY = 86_400_000
PRESSES = (2 * H, 7 * H + 30 * 60_000, 9 * H, 12 * H, 13 * H, 17 * H, 20 * H, 22 * H)


def live_bytes():
    """Bytes in use after a collection; 0 on CPython, which has no such figure."""
    gc.collect()
    return gc.mem_alloc() if hasattr(gc, "mem_alloc") else 0


def main():
    code_bytes = live_bytes()
    live_peak = 0
    rig = bench_rig()
    motor = SimMotor()
    pump = Pump(rig, motor)
    conc = 1_000_000
    sched = BasalSchedule(((0, 500_000), (360, 650_000), (480, 800_000), (720, 750_000),
                           (1080, 700_000), (1320, 550_000)))
    rx = Prescription((("hydromorphone", conc), ("clonidine", 75_000)), sched,
                      Bolus(30_000, H, 6), 40_000_000, 2_000_000, rig)
    pump.program(rx, 0)
    pump.refill(40_000_000, None, 0)
    pump.confirm(0)
    pump.prime(rig.dead_volume_nl, 0)
    pump.advance(H)
    pump.start(H)
    prime_steps = motor.total
    t0 = H
    floor = rx.floor_e6()
    den = 86_400_000_000_000 * conc * rig.step_num  # ideal in ng*8.64e13*step_den units
    ideal = 0  # basal dose*8.64e13 + boluses, times step_den*1e6/conc -> steps*den
    last = t0
    granted = refused = refills = 0
    worst_num = 0
    start = ticks_ms()
    for day in range(DAYS):
        for p in PRESSES:
            t = day * DAY + p + t0
            pump.advance(t)
            for d, rate in sched.segments(last % DAY, t - last):
                r = rate * 1_000_000
                ideal += d * (r if r > floor else floor)
            last = t
            steps = motor.total - prime_steps
            # gap in steps = ideal_steps - steps = (ideal*1e6*sd/(conc*step_num*8.64e13)) - steps
            gap = ideal * 1_000_000 * rig.step_den - steps * den
            if gap < 0:
                gap = -gap
            if gap > worst_num:
                worst_num = gap
            if p == PRESSES[0] and day % 7 == 0:  # weekly: a collection costs time
                live = live_bytes()
                live_peak = live if live > live_peak else live_peak
            try:
                pump.request_bolus(t)
                granted += 1
                ideal += 30_000 * 86_400_000_000_000
            except PumpError:
                refused += 1
            if pump.reservoir.volume_nl() < 5_000_000:
                # A refill stops the pump; the ideal pauses with it.
                t_stop = t + 15 * 60_000  # the bolus just granted has finished by then
                pump.advance(t_stop)
                for d, rate in sched.segments(last % DAY, t_stop - last):
                    r = rate * 1_000_000
                    ideal += d * (r if r > floor else floor)
                pump.stop(t_stop)
                pump.refill(40_000_000, None, t_stop)
                pump.confirm(t_stop)
                pump.start(t_stop + 10 * 60_000)
                last = t_stop + 10 * 60_000
                refills += 1
    elapsed = ticks_diff(ticks_ms(), start)
    gap_milli = worst_num * 1000 // den
    print("days=%d" % DAYS)
    print("elapsed_ms=%d" % elapsed)
    print("boluses_granted=%d" % granted)
    print("boluses_refused=%d" % refused)
    print("refills=%d" % refills)
    print("steps=%d" % motor.total)
    print("worst_gap_steps=%d.%03d" % (gap_milli // 1000, gap_milli % 1000))
    print("state=%s" % pump.sm.state)
    print("heap_after_import=%d" % code_bytes)
    print("heap_live_peak=%d" % live_peak)


main()
