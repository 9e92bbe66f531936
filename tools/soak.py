"""The long verification run: `make soak` (or `.venv/bin/python tools/soak.py`).

Runs the property, model-based, differential, adversarial, fuzz and power-cut tests with
the hypothesis profile "soak" (PUMP_SOAK_EXAMPLES examples per property, 1000 unless
--examples says otherwise; a property that caps its own says so where it is written),
issue 14's properties, the clinical scenarios, a simulated year of the delivery core on
CPython and on MicroPython (tools/bench_core.py), and minutes of basal on the emulated
RP2040 (tools/soak_emu.py). Then prints what it covered: examples tried, invariants
checked, power cuts made, bytes fuzzed, reply lines compared, PIN guesses, the year's
worst gap between steps and the ideal, the emulated run's verdict. Exits 1 if anything
failed, an exception in the emulated run included: a soak that passes says nothing
unless it also says how much it tried.

A seed (--seed) makes a run repeatable; without one hypothesis picks new examples each
time, which is the point of running it again."""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TESTS = [
    "tests/host/test_model_based.py",
    "tests/host/test_differential.py",
    "tests/host/test_jump_differential.py",
    "tests/host/test_adversarial.py",
    "tests/host/test_delivery_properties.py",
    "tests/host/test_state_model.py",
    "tests/host/test_units_properties.py",
    "tests/host/test_board_config_fuzz.py",
    "tests/host/test_flash_fuzz.py",
    "tests/host/test_power_cut.py",
    "tests/core/test_console_case1.py",
    "tests/core/test_console_case2.py",
    "tests/core/test_console_case3.py",
    "tests/host/test_vpico_case1.py",
    # Issue 14's properties: each drug of a mix at the tip, the guard's bound, the
    # forecasts to the ms, an occlusion's release, the least flow.
    "tests/host/test_mix_properties.py",
    "tests/host/test_guard_bound.py",
    "tests/host/test_forecast_properties.py",
    "tests/host/test_occlusion_release_property.py",
    "tests/host/test_least_flow.py",
]
# Emulated minutes on MicroPython's RP2040 build (tools/soak_emu.py): the emulator runs
# the loop at about 2 to 10 times real time here, less while other emulators share the
# two cores, so an hour took up to half an hour; 15 minutes keep the soak near 15 min.
EMU_MINUTES = 15
LOG = REPO / "build" / "soak" / "pytest.log"  # the last run's, whole (build/ is not tracked)
YEAR_KEYS = ("days", "boluses_granted", "boluses_refused", "refills", "steps",
             "worst_gap_steps", "state")


def run_tests(examples, seed):
    tally_path = Path(tempfile.mkstemp(prefix="pump-tally-", suffix=".json")[1])
    env = dict(os.environ, HYPOTHESIS_PROFILE="soak", PUMP_SOAK_EXAMPLES=str(examples),
               PUMP_TALLY=str(tally_path))
    # -rfE: the summary names every failure and error; failures() prints them whole.
    cmd = [str(BIN / "pytest"), "-s", "-p", "no:cacheprovider", "-rfE",
           "--hypothesis-show-statistics"] + TESTS
    if seed is not None:
        cmd.append("--hypothesis-seed=%d" % seed)
    print("$ " + " ".join(cmd[:1] + ["..."]) + "  (HYPOTHESIS_PROFILE=soak, %d examples)"
          % examples, flush=True)
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    try:
        counts = json.loads(tally_path.read_text() or "{}")
    finally:
        tally_path.unlink()
    return proc.returncode, out, counts


def run_year(days):
    """The year on both interpreters; the same steps, boluses and worst gap on each."""
    results = {}
    for name, exe in (("CPython", sys.executable), ("MicroPython", str(BIN / "micropython"))):
        args = [exe] + (["-X", "heapsize=512K"] if name == "MicroPython" else [])
        proc = subprocess.run(args + ["tools/bench_core.py", str(days), "firmware"],
                              cwd=REPO, capture_output=True, text=True, timeout=3600)
        if proc.returncode:
            return None, "%s: %s" % (name, proc.stdout + proc.stderr)
        results[name] = dict(line.split("=", 1) for line in proc.stdout.split() if "=" in line)
    return results, None


def run_emu(minutes):
    """tools/soak_emu.py's emulated run on the real target: (passed, what went wrong).
    Its failure is the soak's: an exception there (the IndexError when ERR 64 changed
    its units) ended the soak after it had printed PASSED, and before the failures."""
    import soak_emu  # beside this file
    try:
        code = soak_emu.main([str(minutes)])
    except (Exception, SystemExit):  # any of them fails the soak; the traceback says which
        return False, traceback.format_exc()
    return code == 0, None if code == 0 else "exit status %s (see above)" % code


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--examples", type=int, default=1000,
                    help="hypothesis examples per property (default 1000)")
    ap.add_argument("--days", type=int, default=365, help="days of the core soak (365)")
    ap.add_argument("--emu-minutes", type=int, default=EMU_MINUTES,
                    help="emulated minutes on the RP2040 (default %d)" % EMU_MINUTES)
    ap.add_argument("--seed", type=int, default=None, help="hypothesis seed, to repeat a run")
    a = ap.parse_args(argv)
    started = time.monotonic()
    status, out, counts = run_tests(a.examples, a.seed)
    # The whole output kept: a falsifying example (its @reproduce_failure blob) printed
    # once and lost with a terminal or a worktree cannot be replayed (issue 14: one was).
    LOG.parent.mkdir(parents=True, exist_ok=True)
    LOG.write_text(out)
    passing = sum(int(n) for n in re.findall(r"- (\d+) passing", out))
    failing = sum(int(n) for n in re.findall(r", (\d+) failing", out))
    cuts = sum(int(n) for n in re.findall(r"power cuts: (\d+)", out))
    summary = re.findall(r"^(\d+ passed.*|.*\d+ failed.*)$", out, re.M)
    pin = [line.strip() for line in out.splitlines()
           if line.strip().startswith(("first hour:", "first day:", "a 4-digit PIN"))]
    year, year_err = run_year(a.days)
    # The emulated run prints as it goes: before the summary, which counts it.
    emu_ok, emu_err = run_emu(a.emu_minutes) if a.emu_minutes > 0 else (True, None)
    elapsed = time.monotonic() - started

    ok = status == 0 and year is not None and emu_ok
    same = gap_ok = False
    if year:
        same = all(year["CPython"].get(k) == year["MicroPython"].get(k) for k in YEAR_KEYS)
        gap = year["CPython"]["worst_gap_steps"]
        gap_ok = int(gap.partition(".")[0]) == 0
        ok = ok and same and gap_ok
    print()
    print("soak: %s in %.0f s" % ("PASSED" if ok else "FAILED", elapsed))
    print("  tests: %s" % (summary[-1] if summary else "no summary (see above)"))
    print("  hypothesis examples tried: %d passing, %d failing (%d per property asked)"
          % (passing, failing, a.examples))
    print("  model-based: %d examples, %d rule steps, %d invariant checks"
          % (counts.get("model_based.examples", 0), counts.get("model_based.steps", 0),
             counts.get("model_based.invariant_checks", 0)))
    print("  differential: %d scripts, %d lines sent, %d reply lines identical on CPython "
          "and MicroPython" % (counts.get("differential.scripts", 0),
                               counts.get("differential.lines_sent", 0),
                               counts.get("differential.reply_lines_compared", 0)))
    print("  simulated time: %d scripts, %d reply lines and %d files identical whether "
          "`sim advance` jumps or walks every minute"
          % (counts.get("sim_jump.scripts", 0), counts.get("sim_jump.lines_compared", 0),
             counts.get("sim_jump.files_compared", 0)))
    print("  console fuzz: %d lines, %d bytes" % (counts.get("adversarial.lines", 0),
                                                   counts.get("adversarial.bytes", 0)))
    print("  PIN guessing: " + "; ".join(pin) if pin else "  PIN guessing: (not printed)")
    print("  power cuts made: %d" % cuts)
    if year:
        for name, r in year.items():
            print("  year on %s: %s" % (name, " ".join("%s=%s" % (k, r.get(k, "?"))
                                                     for k in YEAR_KEYS + ("elapsed_ms",))))
        print("  year: both interpreters %s; worst gap %s steps (must be < 1)"
              % ("identical" if same else "DIFFER", year["CPython"]["worst_gap_steps"]))
    else:
        print("  year: FAILED " + (year_err or ""))
    if a.emu_minutes <= 0:
        print("  emulated RP2040: not run (--emu-minutes 0)")
    else:
        print("  emulated RP2040, %d min: %s" % (a.emu_minutes, "passed" if emu_ok else
                                                  "FAILED"))
    print("  pytest's whole output: %s" % LOG.relative_to(REPO))
    if status != 0:
        print("\n--- failures, in full ---")
        print(failures(out) or out[-20000:])
    if emu_err:
        print("\n--- the emulated run ---")
        print(emu_err)
    return 0 if ok else 1


def failures(out):
    """pytest's FAILURES and ERRORS sections and its short summary, whole. The tail of the
    output is not enough: --hypothesis-show-statistics prints every property's statistics
    after the failures, and the short summary cuts each assertion at the terminal's width,
    so the tail showed neither the assertion nor the falsifying example."""
    keep = []
    on = False
    for line in out.splitlines():
        head = re.match(r"^=+ (.*?) =+$", line)
        if head:
            on = head.group(1) in ("FAILURES", "ERRORS", "short test summary info")
        if on:
            keep.append(line)
    return "\n".join(keep)


if __name__ == "__main__":
    sys.exit(main())
