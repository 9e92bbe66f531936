"""Console figures on fresh virtual Picos (the real MicroPython VM on a pseudo-terminal),
printed with their floors beside them, never asserted (timings flake):

- the round trip of `status` (median and p99 over many);
- 30 simulated days of case 1 with one `sim advance 30d`, the walk that jumps from one
  pass with work to the next (the default) and the sliced walk (PUMP_SIM_WALK=slice: a
  pass at every minute mark, as before jumps), and how many passes each makes (the
  firmware in this process, the same walk as the board's);
- a year of case 1's three-step flexible schedule with a bolus a day, over the console:
  a `bolus` and a `sim advance 1d` a day, a refill every 50 days.

The virtual Pico's flash is a folder that takes a lease write before every step and a
snapshot every 10 minutes of pump time, so these figures count host file writes too: its
state goes in RAM (/dev/shm) when the host has it, as under $XDG_RUNTIME_DIR on most
desktops (a disk-backed folder can cost several times as much; the line says which).
Usage: python tools/bench_console.py [n_status]"""
import os
import shutil
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, "host"), os.path.join(ROOT, "firmware"),
                os.path.join(ROOT, "tests", "core")]

import figures  # noqa: E402  (beside this file: the figures the documents quote)
from pumpctl.client import PumpClient  # noqa: E402
from pumpctl.virtual_pico import VirtualPico  # noqa: E402

CASE1 = ("pin 2468", "login 2468", "time 2026-01-01T07:00:00",
         "drug hydromorphone 1000ug/mL ropivacaine 2500ug/mL clonidine 75ug/mL",
         "basal 00:00=600ug/d 08:00=800ug/d 20:00=700ug/d", "ptm 30ug lockout=1h max=7",
         "capacity 40mL", "reservoir-alarm 2mL", "refill 40mL", "confirm", "prime 150uL",
         "sim advance 5m", "start")
# The refill as a clinician does it: stop, say what was withdrawn (here: the count, read
# from `status`, as a perfect syringe would), fill, start.
REFILL = ("login 2468", "stop", "refill 40mL withdrawn=%snL", "confirm", "start", "logout")
MONTH_FLOOR_S = 2.0
YEAR_FLOOR_S = 20.0
YEAR_DAYS = 365
REFILL_DAYS = 50  # ~0.73 mL a day of 40 mL: refilled with ~3.5 mL left


def ram_state():
    """A state folder in RAM if the host has one, else None (the launcher's default)."""
    shm = "/dev/shm"
    if os.path.isdir(shm) and os.access(shm, os.W_OK):
        return tempfile.mkdtemp(prefix="bench-vpico-", dir=shm)
    return None


def where(state):
    return "flash in RAM, %s" % state if state else "flash in the launcher's default folder"


def board(walk="event"):
    """A fresh virtual Pico on a RAM flash when there is one, with the walk asked."""
    os.environ["PUMP_SIM_WALK"] = walk  # the launcher and its VM inherit it
    state = ram_state()
    return VirtualPico(state_dir=state), state


def ok(c, line, timeout=60):
    r = c.command(line, timeout=timeout)
    assert r.ok, (line, r.final)
    return r


def round_trip(n):
    vp, state = board()
    try:
        with vp, PumpClient(vp.port) as c:
            t0 = time.perf_counter()
            c.wait_ready()
            boot_ms = (time.perf_counter() - t0) * 1000
            times = []
            for _ in range(n):
                t = time.perf_counter()
                r = c.command("status")
                times.append((time.perf_counter() - t) * 1000)
                assert r.ok, r.final
    finally:
        if state:
            shutil.rmtree(state, ignore_errors=True)
    times.sort()
    p99 = times[min(len(times) - 1, len(times) * 99 // 100)]
    print("virtual Pico: ready %.0f ms after start; `status` round trip over %d: "
          "median %.2f ms, p99 %.2f ms (floor: median under 20 ms)"
          % (boot_ms, n, statistics.median(times), p99))
    figures.note("console.ready", "%.0f ms" % boot_ms)
    figures.note("console.status_runs", "%d" % n)
    figures.note("console.status_median", "%.2f ms" % statistics.median(times))
    figures.note("console.status_p99", "%.2f ms" % p99)


def month(walk):
    vp, state = board(walk)
    try:
        with vp, PumpClient(vp.port) as c:
            c.wait_ready()
            for line in CASE1:
                ok(c, line)
            t = time.perf_counter()
            r = ok(c, "sim advance 30d", timeout=900)
            took = time.perf_counter() - t
            s = ok(c, "status").fields
    finally:
        if state:
            shutil.rmtree(state, ignore_errors=True)
    return took, r.final, s, state


def passes(sliced):
    """Passes of the same month's jump, counted on the firmware in this process."""
    from loop_rig import LoopRig
    from store.sim_flash import SimFlash
    r = LoopRig(SimFlash())
    r.hooks.sliced = sliced
    for line in CASE1:
        r.ok(line)
    r.ctl.jump_passes = 0
    r.ok("sim advance 30d")
    return r.ctl.jump_passes


def year():
    vp, state = board()
    try:
        with vp, PumpClient(vp.port) as c:
            c.wait_ready()
            for line in CASE1 + ("logout",):
                ok(c, line)
            t = time.perf_counter()
            granted = 0
            for day in range(1, YEAR_DAYS + 1):
                granted += ok(c, "bolus").fields.get("dose_ng") == "30000"
                ok(c, "sim advance 1d", timeout=120)
                if day % REFILL_DAYS == 0:
                    for line in REFILL:
                        if "%s" in line:
                            line %= ok(c, "status").fields["reservoir_nl"]
                        ok(c, line)
            took = time.perf_counter() - t
            s = ok(c, "status").fields
    finally:
        if state:
            shutil.rmtree(state, ignore_errors=True)
    return took, granted, s, state


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    saved = os.environ.get("PUMP_SIM_WALK")
    try:
        round_trip(n)
        for walk in ("event", "slice"):
            took, final, s, state = month(walk)
            count = passes(walk == "slice")
            print("virtual Pico: 30 simulated days of case 1 in %.1f s, %s walk, %d passes "
                  "(floor: under %.0f s, event-driven; %s; %s, state=%s, reservoir_nl=%s, "
                  "delivered_ng=%s)" % (took, "event-driven" if walk == "event" else
                                        "sliced", count, MONTH_FLOOR_S, where(state), final,
                                        s["state"], s["reservoir_nl"], s["delivered_ng"]))
            figures.note("console.month_%s" % walk, "%.1f s" % took)
            figures.note("console.month_%s_passes" % walk, "{:,}".format(count))
        took, granted, s, state = year()
        print("virtual Pico: a year of case 1 (three-step schedule, a bolus and a "
              "`sim advance 1d` a day, a refill every %d days) over the console in %.1f s "
              "(floor: under %.0f s; %s): %d boluses granted, state=%s, time=%s"
              % (REFILL_DAYS, took, YEAR_FLOOR_S, where(state), granted, s["state"],
                 s["time"]))
        figures.note("console.year", "%.1f s" % took)
    finally:
        if saved is None:
            os.environ.pop("PUMP_SIM_WALK", None)
        else:
            os.environ["PUMP_SIM_WALK"] = saved


if __name__ == "__main__":
    main()
