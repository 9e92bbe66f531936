"""The firmware on the real target (MicroPython's RP2040 build, emulated): figures printed,
never asserted. Per shipped Pico rig:

- boot: emulated ms from reset to `! ready`;
- the control-loop pass, in emulated RP2040 time (us at 125 MHz), median and maximum,
  while stopped and while delivering basal (a pass that moves includes its batch);
- the heap (`mem`) after boot and in steady delivery;
- flash erases and page programs per emulated minute of steady basal, as erases per day
  and the years the filesystem's 352 blocks last at 100,000 erases each, wear spread evenly
  (littlefs levels wear dynamically; an even spread is the best case).

Usage: python tools/bench_emu.py [minutes of basal per rig, default 20] [rig ...]"""
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, d) for d in ("host", "tests/emu")]

from pumpctl.client import PumpClient  # noqa: E402
from pumpctl.emu import assets  # noqa: E402
from pumpctl.emu.board import EmuPico  # noqa: E402

RIGS = ["pico_a4988_m5_bd1ml", "pico_tmc2209_t8_bd3ml", "pico_tmc2209_t8_bd60ml"]
ERASE_CYCLES = 100_000
FS_BLOCKS = 352
PIN = "2468"

# main.py for the benchmark: the firmware's own boot, with its control-loop pass timed
# in emulated microseconds. Every 500 passes one line: PASS n= med= max= (us).
MAIN = """
import time
from app import controller
_svc = controller.Controller.service
import gc
_d = []
_slow = [0, 0]  # passes over 20 ms: with a garbage collection in them, without
def _timed(self, now):
    f = gc.mem_free()
    t = time.ticks_us()
    _svc(self, now)
    d = time.ticks_diff(time.ticks_us(), t)
    _d.append(d)
    if d > 20000:
        _slow[0 if gc.mem_free() > f else 1] += 1
    if len(_d) >= 500:
        _d.sort()
        print("PASS n=%d med=%d max=%d slow_gc=%d slow_other=%d"
              % (len(_d), _d[len(_d) // 2], _d[-1], _slow[0], _slow[1]))
        _d.clear()
controller.Controller.service = _timed
from app.boot import run
run()
"""

# Per rig: a drug and basal that the rig's minimum flow allows, and its reservoir.
PROGRAM = {
    "pico_a4988_m5_bd1ml": ("morphine 10mg/mL", "00:00=1mg/d", "1mL", "0.2mL"),
    "pico_tmc2209_t8_bd3ml": ("morphine 10mg/mL", "00:00=1mg/d", "3mL", "0.5mL"),
    "pico_tmc2209_t8_bd60ml": ("hydromorphone 1000ug/mL", "00:00=700ug/d", "40mL", "2mL"),
}


def ok(c, line, timeout=120.0):
    reply = c.command(line, timeout=timeout)
    if not reply.ok:
        raise SystemExit("%s: %s" % (line, reply.final))
    return reply


def passes(emu, start):
    """(median, max) over the PASS lines printed since offset `start` of the output."""
    meds, maxes, slow = [], [], [0, 0]
    for line in bytes(emu.seen[start:]).decode(errors="replace").splitlines():
        if line.startswith("PASS "):
            f = dict(kv.split("=") for kv in line.split()[1:])
            meds.append(int(f["med"]))
            maxes.append(int(f["max"]))
            slow = [int(f["slow_gc"]), int(f["slow_other"])]
    if not meds:
        return None, None, "no passes timed"
    meds.sort()
    return (meds[len(meds) // 2], max(maxes),
            "%d over 20 ms so far, %d of them with a garbage collection" % (
                slow[0] + slow[1], slow[0]))


def mem(c):
    f = ok(c, "mem").fields
    return "free %s, used %s, largest block %s" % (f["heap_free"], f["heap_used"],
                                                    f["heap_max_block"])


def bench_rig(name, minutes):
    board = os.path.join(ROOT, "board_configs", name + ".json")
    # Prime fast, so the figures are about delivery, not about a minute of priming.
    config = json.load(open(board))
    config["prime_ul_per_min"] = max(config["prime_ul_per_min"], 200)
    fast = os.path.join(os.environ.get("TMPDIR", "/tmp"), "bench_emu_%s.json" % name)
    with open(fast, "w") as f:
        json.dump(config, f)
    drug, basal, fill, alarm = PROGRAM[name]
    prime = "%duL" % config["dead_volume_ul"]
    wall = time.monotonic()
    with EmuPico(board_config=fast, files={"main.py": MAIN}) as emu, \
            PumpClient(emu.port) as c:
        c.wait_ready(300)
        boot_ms = emu.ns_of(b"! ready") / 1e6
        after_boot = mem(c)
        mark = len(emu.seen)
        time.sleep(20)
        idle = passes(emu, mark)
        for line in ("pin " + PIN, "login " + PIN, "time 2026-01-01T07:00:00",
                     "drug " + drug, "basal " + basal, "ptm 10ug lockout=1h max=4",
                     "capacity " + fill, "reservoir-alarm " + alarm, "refill " + fill,
                     "confirm", "prime " + prime):
            ok(c, line)
        while "! primed" not in bytes(emu.seen[mark:]).decode(errors="replace"):
            time.sleep(0.5)
        ok(c, "start")
        ok(c, "logout")
        s0 = emu.state()
        mark = len(emu.seen)
        while emu.state()["ns"] - s0["ns"] < minutes * 60e9:
            time.sleep(2)
        s1 = emu.state()
        delivering = passes(emu, mark)
        steady = mem(c)
    emu_min = (s1["ns"] - s0["ns"]) / 60e9
    erases = (s1["flash"]["erases"] - s0["flash"]["erases"]) / emu_min
    programs = (s1["flash"]["programs"] - s0["flash"]["programs"]) / emu_min
    per_day = erases * 60 * 24
    years = FS_BLOCKS * ERASE_CYCLES / per_day / 365 if per_day else float("inf")
    print("%s (%.0f s of wall time)" % (name, time.monotonic() - wall))
    print("  boot to `! ready`: %.0f ms of emulated time" % boot_ms)
    print("  control-loop pass, stopped: median %s us, max %s us (%s)" % idle)
    print("  control-loop pass, basal: median %s us, max %s us (%s)" % delivering)
    print("  heap after boot: %s" % after_boot)
    print("  heap in steady basal: %s" % steady)
    print("  flash in steady basal (%.1f emulated min): %.1f erases and %.1f page programs "
          "a minute = %d erases a day: %.1f years for 352 blocks x 100,000 erases"
          % (emu_min, erases, programs, per_day, years))


def main():
    args = sys.argv[1:]
    minutes = float(args.pop(0)) if args and args[0].replace(".", "").isdigit() else 20.0
    rigs = args or RIGS
    if assets.uf2() is None or assets.bootrom() is None:
        print("emulated Pico: skipped: " + assets.UF2_HINT)
        return
    assets.ensure_rp2040js()
    print("the firmware on MicroPython's RP2040 build (%s), emulated; %.1f min of basal "
          "per rig" % (assets.uf2().name, minutes))
    for name in rigs:
        bench_rig(name, minutes)


if __name__ == "__main__":
    main()
