"""Garbage per pass: the bytes the firmware allocates for each pass of a simulated day of
case 1 (steady basal, a step every ~3 minutes, one pass per step), on MicroPython's unix
port with the collector off. Printed, never asserted: `make bench` runs it.

Every byte is garbage the collector must clear, on a Pico in pauses of ~18 ms
(docs/virtual_pico.md); on the virtual Pico, collections were a third of a simulated
year's time. Most of it is the exact big-integer dose arithmetic (pump/dose_units.py).
Usage: micropython tools/bench_garbage.py ROOT"""
import gc
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else "."
sys.path[:0] = [ROOT + "/firmware", ROOT + "/tests/core"]

from loop_rig import LoopRig  # noqa: E402
from store.sim_flash import SimFlash  # noqa: E402

CASE1 = ("pin 2468", "login 2468", "time 2026-01-01T07:00:00",
         "drug hydromorphone 1000ug/mL ropivacaine 2500ug/mL clonidine 75ug/mL",
         "basal 00:00=600ug/d 08:00=800ug/d 20:00=700ug/d", "ptm 30ug lockout=1h max=7",
         "capacity 40mL", "reservoir-alarm 2mL", "refill 40mL", "confirm", "prime 150uL",
         "sim advance 5m", "start", "logout", "sim advance 1h")


def main():
    r = LoopRig(SimFlash())
    for line in CASE1:
        r.ok(line)
    gc.collect()
    gc.disable()
    before = gc.mem_alloc()
    r.ctl.jump_passes = 0
    r.ok("sim advance 1d")
    used = gc.mem_alloc() - before
    gc.enable()
    n = r.ctl.jump_passes
    print("garbage per pass, a day of case 1 jumped (%d passes, unix port, 64-bit): "
          "%d bytes" % (n, used // n))


main()
