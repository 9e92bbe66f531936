"""The whole firmware's heap on MicroPython's unix port, printed (never asserted): the
smallest `-X heapsize` in which the firmware as deployed (.mpy, mpy-cross -O3, as
pumpctl deploy builds it) boots and answers a whole clinician session, every reply as
expected and no `! error` line. The session and the scripted port are
tests/host/test_lazy_modules.py's: every reader, programming, a prime, delivery, boluses,
a calibration run.

The unix port's objects are 64-bit, about twice a Pico's, and it collects only when the
heap is full; the Pico's own figures come from tools/bench_emu.py.
Usage: python tools/bench_heap.py"""
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "host")]

import figures  # noqa: E402  (beside this file: the figures the documents quote)
from pumpctl import deploy  # noqa: E402


def _session():
    spec = importlib.util.spec_from_file_location(
        "test_lazy_modules", ROOT / "tests" / "host" / "test_lazy_modules.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def answers(micropython, script, session, heap_kib):
    """True if the session runs to its end in a heap of heap_kib, every reply as meant."""
    with tempfile.TemporaryDirectory() as flash:
        shutil.copy(session.BOARD, Path(flash) / "board.json")
        env = dict(os.environ, PUMP_CLOCK="manual")
        env.pop("PUMP_WORLD", None)
        proc = subprocess.run([micropython, "-X", "heapsize=%dK" % heap_kib, script],
                              cwd=flash, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=300)
    out = proc.stdout.splitlines()
    finals = [line.split(" | ", 1)[1] for line in out if line.startswith("FINAL ")]
    return (proc.returncode == 0 and out[-1:] == ["DONE"]
            and len(finals) == len(session.SESSION)
            and all(f.startswith("ERR " if typed in session.EXPECT_ERR else "OK")
                    for typed, f in zip(session.SESSION, finals))
            and "! error" not in proc.stdout)


def smallest_heap_kib(micropython=None):
    micropython = micropython or deploy.tool("micropython")
    session = _session()
    with tempfile.TemporaryDirectory() as d:
        build = Path(d) / "build"
        deploy.build(deploy.FIRMWARE, build, say=lambda *_: None)
        size = sum(f.stat().st_size for f in build.rglob("*") if f.is_file())
        print("the whole firmware as deployed (-O%d, with main.py): %d bytes"
              % (deploy.DEFAULT_OPT, size))
        figures.note("firmware.deployed", "%d KB" % round(size / 1000))
        script = Path(d) / "session.py"
        script.write_text(session.SCRIPT % {"build": str(build), "lazy": session.LAZY,
                                            "session": session.SESSION})
        lo, hi = 32, 1024  # KiB: lo fails, hi works
        if not answers(micropython, str(script), session, hi):
            return None
        while hi - lo > 2:
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if answers(micropython, str(script), session, mid) else (mid, hi)
        return hi


def main():
    kib = smallest_heap_kib()
    print("smallest MicroPython heap for the whole firmware (.mpy -O%d, as deployed) to "
          "boot and answer a clinician session: %s KiB (unix port, 64-bit objects)"
          % (deploy.DEFAULT_OPT, "over 1024" if kib is None else kib))
    if kib is not None:
        figures.note("firmware.heap", "%d KiB" % kib)


if __name__ == "__main__":
    main()
