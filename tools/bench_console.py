"""Console figures on a fresh virtual Pico (the real MicroPython VM on a pseudo-terminal):
the round trip of `status` (median and p99 over many), and the wall time to advance 30
simulated days of case 1 with `sim advance`. Printed, never asserted: timings flake.
Usage: python tools/bench_console.py [n_status]"""
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, "host")]

from pumpctl.client import PumpClient  # noqa: E402
from pumpctl.virtual_pico import VirtualPico  # noqa: E402

CASE1 = ("pin 2468", "login 2468", "time 2026-01-01T07:00:00",
         "drug hydromorphone 1000ug/mL ropivacaine 2500ug/mL clonidine 75ug/mL",
         "basal 00:00=600ug/d 08:00=800ug/d 20:00=700ug/d", "ptm 30ug lockout=1h max=7",
         "capacity 40mL", "reservoir-alarm 2mL", "refill 40mL", "confirm", "prime 150uL",
         "sim advance 5m", "start")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with VirtualPico() as vp, PumpClient(vp.port) as c:
        t0 = time.perf_counter()
        c.wait_ready()
        boot_ms = (time.perf_counter() - t0) * 1000
        times = []
        for _ in range(n):
            t = time.perf_counter()
            r = c.command("status")
            times.append((time.perf_counter() - t) * 1000)
            assert r.ok, r.final
        times.sort()
        p99 = times[min(len(times) - 1, len(times) * 99 // 100)]
        print("virtual Pico: ready %.0f ms after start; `status` round trip over %d: "
              "median %.2f ms, p99 %.2f ms (floor: median under 20 ms)"
              % (boot_ms, n, statistics.median(times), p99))
        for line in CASE1:
            assert c.command(line, timeout=30).ok, line
        t = time.perf_counter()
        r = c.command("sim advance 30d", timeout=600)
        s = c.command("status").fields
        print("virtual Pico: 30 simulated days of case 1 in %.1f s (%s, state=%s, "
              "reservoir_nl=%s, delivered_ng=%s)" % (time.perf_counter() - t, r.final,
                                                      s["state"], s["reservoir_nl"],
                                                      s["delivered_ng"]))


if __name__ == "__main__":
    main()
