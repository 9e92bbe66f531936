"""What the reservoir forecast (pump/forecast.py) costs each `status`, printed, never
asserted. Per scenario on the bench rig (60 mL, 1.4 uL steps): the events it walks for
the four dates (basal alone and with every bolus allowed), the dates in days from now,
and, by interpreter:

- MicroPython's unix port (`micropython tools/bench_forecast.py ROOT`): the bytes it
  allocates, collector off (64-bit: many values a Pico holds as big integers are small
  ones here, so the Pico's own figure below is the one that counts);
- the emulated RP2040, MicroPython's own build at 125 MHz (`python tools/bench_forecast.py
  --emu`): this file runs there as main.py, the firmware as `pumpctl deploy` builds it;
  emulated ms per `alarm_times`, the collector on at the firmware's threshold (an eighth
  of the heap, app/boot.py), so its pauses are in the figure; then the bytes it
  allocates there, collector off.

Usage: micropython tools/bench_forecast.py ROOT | python tools/bench_forecast.py --emu"""
import gc
import sys

if "--emu" in sys.argv:  # CPython: put this file on the emulated Pico and print its output
    import os
    import time
    ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path[:0] = [os.path.join(ROOT, "host")]
    from pumpctl.emu.board import EmuPico
    with open(os.path.abspath(__file__)) as f:
        body = f.read()
    with EmuPico(files={"main.py": body}) as emu:
        deadline = time.monotonic() + 600
        while b"DONE" not in emu.seen and b"Traceback" not in emu.seen:
            if time.monotonic() > deadline:
                break
            time.sleep(0.5)
        time.sleep(0.5)  # the rest of a traceback
    out = bytes(emu.seen).decode(errors="replace")
    print(out[out.find("scenario"):].split("DONE")[0].rstrip())
    sys.exit(0 if "DONE" in out else 1)

if len(sys.argv) > 1:  # the unix port: the firmware from the repository
    sys.path.insert(0, sys.argv[1] + "/firmware")

from time import ticks_diff, ticks_us  # noqa: E402

from hal.sim.motor import SimMotor  # noqa: E402
from pump.forecast import alarm_times  # noqa: E402
from pump.prescription import Bolus, Prescription  # noqa: E402
from pump.pump import Pump  # noqa: E402
from pump.rig import bench_rig  # noqa: E402
from pump.schedule import BasalSchedule  # noqa: E402

UG = 1000
ML = 1_000_000
HOUR = 3_600_000
DAY = 86_400_000
FLAT = ((0, 700 * UG),)
FLEX = ((0, 600 * UG), (480, 800 * UG), (1200, 700 * UG))
HOURLY = tuple((60 * h, (500 + 20 * h) * UG) for h in range(24))


def _mix(ug_ml):
    return (("hydromorphone", ug_ml * UG), ("clonidine", 75 * UG))


def _pump(steps, bolus, fill=40 * ML, ug_ml=1000, then_ug_ml=None):
    """Case 1's shape: programmed, filled, primed, started; with `then_ug_ml`, run a day,
    then refilled at that strength, so the line's 150 uL is a boundary to walk."""
    rig = bench_rig()
    pump = Pump(rig, SimMotor())
    rx = Prescription(_mix(ug_ml), BasalSchedule(steps),
                      None if bolus is None else Bolus(*bolus), 40 * ML, 2 * ML, rig)
    pump.program(rx, 0)
    pump.refill(fill if then_ug_ml is None else 4 * ML, None, 0)
    pump.confirm(0)
    pump.prime(rig.dead_volume_nl, 0)
    pump.start(5 * 60_000)
    if then_ug_ml is not None:
        t = pump.t + DAY
        pump.advance(t)
        pump.stop(t)
        pump.refill(fill, _mix(then_ug_ml), t)
        pump.confirm(t)
        pump.start(t)
    return pump


PTM = (30 * UG, HOUR, 7)
SCENARIOS = (
    ("case 1, flat, 40 mL", FLAT, PTM, {}),
    ("case 1, flex", FLEX, PTM, {}),
    ("case 1, no myPTM", FLEX, None, {}),
    ("refill 2 -> 1 mg/mL", FLAT, PTM, {"ug_ml": 2000, "then_ug_ml": 1000}),
    # The most steps a schedule holds, with repeats of 5 and 7 days (the longest looked
    # for), and a lockout that never falls into step with the day (bounded, earlier).
    ("24 steps, 5 h x 8", HOURLY, (30 * UG, 5 * HOUR, 8), {}),
    ("24 steps, 7 h x 4", HOURLY, (30 * UG, 7 * HOUR, 4), {}),
    ("24 steps, 97 min x 24", HOURLY, (30 * UG, 97 * 60_000, 24), {}),
)


class _Counted:
    """The schedule, counting the forecast's events (it asks the next step once each)."""

    def __init__(self, sched):
        self.sched = sched
        self.n = 0

    def ms_to_next_step(self, tod):
        self.n += 1
        return self.sched.ms_to_next_step(tod)

    def __getattr__(self, name):
        return getattr(self.sched, name)


def main():
    if hasattr(gc, "threshold"):
        gc.collect()
        gc.threshold((gc.mem_free() + gc.mem_alloc()) // 8)  # as app/boot.py sets it
    unix = sys.platform != "rp2"
    print("scenario | events | low, worst, dry, dry worst (days) | %s" % (
        "bytes allocated" if unix else "ms (emulated RP2040) | bytes allocated"))
    for name, steps, bolus, kw in SCENARIOS:
        pump = _pump(steps, bolus, **kw)
        rx = pump.rx
        rx.schedule = _Counted(rx.schedule)
        times = alarm_times(pump)
        events = rx.schedule.n
        rx.schedule = rx.schedule.sched
        days = ", ".join("-" if t is None else "%d.%03d" % ((t - pump.t) // DAY,
                                                            (t - pump.t) % DAY * 1000 // DAY)
                         for t in times)
        gc.collect()
        if unix:
            gc.disable()
            before = gc.mem_alloc()
            alarm_times(pump)
            cost = "%d" % (gc.mem_alloc() - before)
            gc.enable()
        else:
            t0 = ticks_us()
            alarm_times(pump)
            us = ticks_diff(ticks_us(), t0)
            gc.collect()
            gc.disable()
            before = gc.mem_free()
            try:
                alarm_times(pump)
                made = "%d" % (before - gc.mem_free())
            except MemoryError:  # the heap filled with the collector off
                made = "over %d" % before
            gc.enable()
            cost = "%d.%d | %s" % (us // 1000, us % 1000 // 100, made)
        print("%s | %d | %s | %s" % (name, events, days, cost))
    print("DONE")


main()
