"""The firmware on the real target (MicroPython's RP2040 build, emulated): figures printed,
never asserted. Per shipped Pico rig:

- boot: emulated ms from reset to `! ready`;
- the control-loop pass, in emulated RP2040 time (us at 125 MHz), median and maximum,
  while stopped and while delivering basal (a pass that moves includes its batch); the
  longest pass that held a garbage collection, that moved the motor, and of the others,
  with how many of each took over 5 ms (issue 13's floor); and the collections boot.py
  makes between passes, which are outside every pass (how many, the longest, the mean);
- the heap (`mem`) after boot and in steady delivery;
- flash erases and page programs per emulated minute of steady basal, as erases per day
  and the years the filesystem's 352 blocks last at 100,000 erases each, wear spread evenly
  (littlefs levels wear dynamically; an even spread is the best case).

Each rig's boot, pass and heap figures are noted for docs/figures.json (tools/figures.py):
`make bench` writes them; run alone, `--figures` writes what this run measured.

Usage: python tools/bench_emu.py [--figures] [minutes of basal per rig, default 20] [rig ...]"""
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, d) for d in ("host", "tests/emu")]

from pumpctl.client import PumpClient  # noqa: E402
from pumpctl.emu import assets  # noqa: E402
from pumpctl.emu.board import EmuPico  # noqa: E402

import figures  # noqa: E402  (tools/, beside this file)

RIGS = ["pico_a4988_m5_bd1ml", "pico_tmc2209_t8_bd3ml", "pico_tmc2209_t8_bd60ml"]
ERASE_CYCLES = 100_000
FS_BLOCKS = 352
PIN = "2468"

# main.py for the benchmark: the firmware's own boot, with its control-loop pass timed
# in emulated microseconds. Every WINDOW passes one line: PASS n= med= max= (us), the
# longest pass of each kind (one that held a garbage collection, one that moved the motor,
# any other) with how many of each took over 5 ms, and the collections boot.py made
# between passes (app/boot.py _collect_early: outside every pass, before one): how many,
# the longest and their total time. A pass "held a collection" if the heap had more free
# after it than before (gc.mem_free(), asked outside the timed span).
MAIN = """
import time
import gc
from app import boot, controller
_svc = controller.Controller.service
_early = getattr(boot, "_collect_early", None)  # None: a firmware before it
_d = []
# kinds: 0 held a collection, 1 moved the motor, 2 other; then the early collections
_max = [0, 0, 0]
_slow = [0, 0, 0]
_n = [0, 0, 0]  # passes of each kind
_idle = [0, 0, 0]  # early collections: count, longest, total (us)
def _timed(self, now):
    f = gc.mem_free()
    s = self.pump.steps_issued
    t = time.ticks_us()
    _svc(self, now)
    d = time.ticks_diff(time.ticks_us(), t)
    _d.append(d)
    k = 0 if gc.mem_free() > f else (1 if self.pump.steps_issued != s else 2)
    _n[k] += 1
    if d > _max[k]:
        _max[k] = d
    if d > 5000:
        _slow[k] += 1
    if len(_d) >= %d:
        _d.sort()
        print("PASS n=%%d med=%%d max=%%d max_gc=%%d max_move=%%d max_other=%%d slow_gc=%%d "
              "slow_move=%%d slow_other=%%d early_gc=%%d early_max=%%d early_us=%%d n_move=%%d"
              %% ((len(_d), _d[len(_d) // 2], _d[-1]) + tuple(_max) + tuple(_slow)
                 + tuple(_idle) + (_n[1],)))
        _d.clear()
        for a in (_max, _slow, _idle, _n):
            a[0] = a[1] = a[2] = 0
def _timed_early(early, full):
    t = time.ticks_us()
    _early(early, full)
    d = time.ticks_diff(time.ticks_us(), t)
    if d > 2000:  # a collection (the check alone is a few tens of us)
        _idle[0] += 1
        _idle[1] = d if d > _idle[1] else _idle[1]
        _idle[2] += d
controller.Controller.service = _timed
if _early is not None:
    boot._collect_early = _timed_early
boot.run()
"""
WINDOW = 100  # passes a PASS line sums up (10 s of steady basal)
MAIN = MAIN % WINDOW

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
    """The PASS lines printed since offset `start` of the output, the first left out (its
    window began before `start`), summed up: a dict of figures, or None."""
    rows = []
    for line in bytes(emu.seen[start:]).decode(errors="replace").splitlines():
        if line.startswith("PASS "):
            rows.append(dict((k, int(v)) for k, v in
                             (kv.split("=") for kv in line.split()[1:])))
    rows = rows[1:]
    if not rows:
        return None
    meds = sorted(r["med"] for r in rows)
    out = {"n": sum(r["n"] for r in rows), "med": meds[len(meds) // 2],
           "early_max": max(r["early_max"] for r in rows)}
    for k in ("max", "max_gc", "max_move", "max_other"):
        out[k] = max(r[k] for r in rows)
    for k in ("slow_gc", "slow_move", "slow_other", "early_gc", "early_us", "n_move"):
        out[k] = sum(r.get(k, 0) for r in rows)
    return out


def pass_text(p):
    """The figures of passes() as the report's lines."""
    if p is None:
        return "no passes timed"
    text = ("%d passes: median %d us, max %d us; longest with a collection in it %d us, "
            "moving the motor %d us, other %d us; over 5 ms: %d with a collection, "
            "%d of %d moving, %d other"
            % (p["n"], p["med"], p["max"], p["max_gc"], p["max_move"], p["max_other"],
               p["slow_gc"], p["slow_move"], p["n_move"], p["slow_other"]))
    if p["early_gc"]:
        text += ("\n    collections between passes (app/boot.py, outside every pass): %d, one "
                 "every %.0f passes, longest %d us, mean %d us"
                 % (p["early_gc"], p["n"] / p["early_gc"], p["early_max"],
                    p["early_us"] // p["early_gc"]))
    return text


def mem(c):
    return ok(c, "mem").fields


def mem_text(f):
    return "free %s, used %s, largest block %s" % (f["heap_free"], f["heap_used"],
                                                    f["heap_max_block"])


def ms(us):
    return "%.2f ms" % (us / 1000)


def note_figures(name, boot_ms, idle, delivering, steady):
    """The figures docs/virtual_pico.md quotes, per rig (tools/figures.py)."""
    rig = name.rsplit("_", 1)[-1]  # bd1ml, bd3ml, bd60ml
    figures.note("emu.%s.boot" % rig, "{:,} ms".format(round(boot_ms)))
    if idle is not None:
        figures.note("emu.%s.stopped_median" % rig, ms(idle["med"]))
        figures.note("emu.%s.stopped_max" % rig, ms(idle["max"]))
    if delivering is not None:
        figures.note("emu.%s.pass_median" % rig, ms(delivering["med"]))
        figures.note("emu.%s.pass_move_max" % rig, ms(delivering["max_move"])
                     if delivering["n_move"] else "no step in the window")
        figures.note("emu.%s.pass_move_slow" % rig, "%d of %d" % (delivering["slow_move"],
                                                                 delivering["n_move"]))
        figures.note("emu.%s.pass_other_max" % rig, ms(delivering["max_other"]))
    figures.note("emu.%s.heap_free" % rig, "{:,} B".format(int(steady["heap_free"])))
    figures.note("emu.%s.heap_block" % rig, "{:,} B".format(int(steady["heap_max_block"])))


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
        t0 = emu.state()["ns"]
        while emu.state()["ns"] - t0 < 40e9:  # 40 emulated s: three windows after the first
            time.sleep(1)
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
    print("  control-loop pass, stopped: " + pass_text(idle))
    print("  control-loop pass, basal: " + pass_text(delivering))
    print("  heap after boot: %s" % mem_text(after_boot))
    print("  heap in steady basal: %s" % mem_text(steady))
    note_figures(name, boot_ms, idle, delivering, steady)
    print("  flash in steady basal (%.1f emulated min): %.1f erases and %.1f page programs "
          "a minute = %d erases a day: %.1f years for 352 blocks x 100,000 erases"
          % (emu_min, erases, programs, per_day, years))


def main():
    args = sys.argv[1:]
    write = "--figures" in args  # run alone: merge what it measured into docs/figures.json
    args = [a for a in args if a != "--figures"]
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
    if write and figures.FOUND:
        figures.write(figures.FOUND)
        for line in figures.sync(figures.load(), figures.documents()):
            print("quote updated: " + line)


if __name__ == "__main__":
    main()
