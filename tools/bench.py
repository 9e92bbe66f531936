"""Benchmarks of the delivery core, printed (never asserted in tests: timings flake).

- simulated days per second of a flex schedule with boluses, CPython and MicroPython;
- the largest gap between steps issued and the ideal over a simulated year, in steps;
- the smallest MicroPython heap (-X heapsize) in which that year runs, found by bisection,
  with the delivery core (pump/ and the simulated motor) loaded as .mpy (mpy-cross -O3);
- total size of the compiled .mpy files of pump/ and hal/;
- the bytes the firmware allocates per pass of a jumped day (tools/bench_garbage.py);
- what the reservoir forecast costs a `status` (tools/bench_forecast.py), on the unix
  port and on the emulated RP2040;
- the smallest heap in which the whole firmware, as deployed, boots and answers a
  clinician session (tools/bench_heap.py), and the real target's figures
  (tools/bench_emu.py).
Every figure README.md and docs/ quote is noted as it is printed (tools/figures.py): a
year's run (the default) writes them into docs/figures.json and sets the documents'
quotes to them; tests/host/test_figures.py fails when a quote and the file differ.
Usage: python tools/bench.py [days]; BENCH_EMU_MIN=<minutes> shortens the emulated basal."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import figures  # beside this file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORE = os.path.join(ROOT, "tools", "bench_core.py")


def tool(name):
    here = os.path.join(os.path.dirname(sys.executable), name)
    found = here if os.path.exists(here) else shutil.which(name)
    if not found:
        sys.exit("%s not found: run `make bench`, which installs it" % name)
    return found


def compile_firmware(dest):
    mpy_cross = tool("mpy-cross")
    total = 0
    for sub in ("pump", "hal"):
        for dirpath, _, files in os.walk(os.path.join(ROOT, "firmware", sub)):
            for f in sorted(files):
                if not f.endswith(".py"):
                    continue
                src = os.path.join(dirpath, f)
                rel = os.path.relpath(src, os.path.join(ROOT, "firmware"))
                out = os.path.join(dest, rel[:-3] + ".mpy")
                os.makedirs(os.path.dirname(out), exist_ok=True)
                subprocess.run([mpy_cross, "-O3", "-march=armv6m", "-o", out, src], check=True)
                total += os.path.getsize(out)
    # The benchmark body too, so the heap measured holds no compiler parse tree: a board
    # runs .mpy files, never compiles the firmware from source.
    subprocess.run([mpy_cross, "-O3", "-o", os.path.join(dest, "bench_core.mpy"), CORE],
                   check=True)
    return total


def run(cmd, env=None, cwd=None):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600, cwd=cwd)
    out = dict(line.split("=", 1) for line in p.stdout.splitlines() if "=" in line)
    return p.returncode, out, p.stderr.strip().splitlines()[-1:] if p.stderr else []


def main():
    days = int(sys.argv[1]) if len(sys.argv) > 1 else 365
    try:
        return measure(days)
    finally:  # what was measured before an interruption is kept, each with its date
        if days == 365 and figures.FOUND:
            figures.write(figures.FOUND)
            for line in figures.sync(figures.load(), figures.documents()):
                print("quote updated: " + line)
            print("%d figures written to %s" % (len(figures.FOUND), figures.FILE))
        elif figures.FOUND:
            print("figures not written: %d days is not the year the documents quote" % days)


def kb(n):
    return "%d KB" % round(n / 1000)


def kib(n, places=0):
    return "%.*f KiB" % (places, n / 1024)


def measure(days):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.join(ROOT, "firmware"), os.path.join(ROOT, "host")]))
    rc, cp, err = run([sys.executable, CORE, str(days), os.path.join(ROOT, "firmware")], env)
    if rc:
        sys.exit("CPython run failed: %s" % err)
    mp = tool("micropython")
    with tempfile.TemporaryDirectory() as d:
        mpy_bytes = compile_firmware(d)
        def mp_run(heap):
            return run([mp, "-X", "heapsize=%s" % heap, "-m", "bench_core", str(days), d],
                       cwd=d)

        rc, up, err = mp_run("1M")
        if rc:
            sys.exit("MicroPython run failed: %s" % err)
        lo, hi = 8, 256  # KiB: lo fails, hi works
        while hi - lo > 2:
            mid = (lo + hi) // 2
            ok = mp_run("%dK" % mid)[0] == 0
            lo, hi = (lo, mid) if ok else (mid, hi)
        rc64 = mp_run("64K")[0]
    for name, r in (("CPython", cp), ("MicroPython", up)):
        ms = int(r["elapsed_ms"]) or 1
        print("%-12s %d simulated days in %d ms: %d days/s; worst gap %s steps; "
              "%s boluses granted, %s refused, %s refills, %s steps"
              % (name, days, ms, days * 1000 // ms, r["worst_gap_steps"],
                 r["boluses_granted"], r["boluses_refused"], r["refills"], r["steps"]))
        figures.note("core.%s.days_per_s" % name.lower(), "%d" % (days * 1000 // ms))
    figures.note("core.worst_gap_steps", up["worst_gap_steps"])
    same = all(cp[k] == up[k] for k in ("steps", "boluses_granted", "boluses_refused",
                                        "worst_gap_steps", "state"))
    print("same results on both interpreters: %s" % ("yes" if same else "NO"))
    print("smallest MicroPython heap for %d days of the delivery core: %d KiB (unix port, "
          "64-bit objects; runs in 64 KiB: %s)" % (days, hi, "yes" if rc64 == 0 else "NO"))
    print("MicroPython heap in use after loading the core: %s bytes; live peak over the "
          "run: %s bytes" % (up["heap_after_import"], up["heap_live_peak"]))
    print("compiled .mpy total (mpy-cross -O3 -march=armv6m, pump/ + hal/): %d bytes"
          % mpy_bytes)
    code = int(up["heap_after_import"])
    figures.note("core.heap", "%d KiB" % hi)
    figures.note("core.code", kib(code))
    figures.note("core.live", kib(int(up["heap_live_peak"]) - code, 1))
    figures.note("core.mpy", kb(mpy_bytes))
    g = subprocess.run([mp, os.path.join(ROOT, "tools", "bench_garbage.py"), ROOT],
                       capture_output=True, text=True, timeout=600)
    print(g.stdout.strip() or "garbage per pass: failed: %s" % g.stderr.strip()[-200:])
    garbage = re.search(r": (\d+) bytes$", g.stdout.strip())
    if garbage:
        figures.note("console.garbage_per_pass", "{:,} bytes".format(int(garbage.group(1))))
    forecast = os.path.join(ROOT, "tools", "bench_forecast.py")
    f = subprocess.run([mp, forecast, ROOT], capture_output=True, text=True, timeout=600)
    print(f.stdout.strip() or "forecast: failed: %s" % f.stderr.strip()[-200:])
    import bench_heap  # beside this file: the whole firmware, not the core alone
    bench_heap.main()
    import bench_occlusion  # beside this file: the simulated rig's occlusion figures
    bench_occlusion.main()
    sys.argv[1:] = []
    import bench_console  # the virtual Pico's console: round trip and a month advanced
    bench_console.main()
    import bench_emu  # the real target: MicroPython's RP2040 build, emulated
    # BENCH_EMU_MIN: minutes of emulated basal per rig (default 20, about an hour of wall
    # time in all: the emulator runs no faster than the wall while the firmware is busy).
    sys.argv[1:] = [os.environ["BENCH_EMU_MIN"]] if os.environ.get("BENCH_EMU_MIN") else []
    bench_emu.main()
    f = subprocess.run([sys.executable, forecast, "--emu"], capture_output=True, text=True,
                       timeout=900)
    print(f.stdout.strip() or "forecast on the RP2040: failed: %s" % f.stderr.strip()[-200:])
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
