"""Occlusion figures for each shipped rig on the simulated board: the volume pushed but not
delivered when the alarm sounds, the time from the blockage to the alarm, and the volume
released when the line opens. At 700 ug/day of 1 mg/mL hydromorphone (case 1's flat rate)
and at ten times that. Physics, not timing: the figures are exact for the model in
firmware/hal/sim/physics.py. Usage: python tools/bench_occlusion.py"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, d) for d in ("firmware", "host", "tests/core")]

from hal.sim import physics  # noqa: E402
from rigs import SHIPPED, occlusion_trial, shipped  # noqa: E402


def main():
    print("occlusion (trip at %d kPa): rig, compliance, missed before the alarm, time to "
          "the alarm, released when cleared" % physics.TRIP_KPA)
    for name in SHIPPED:
        config, _ = shipped(name)
        c = physics.compliance_nl_per_kpa(config.syringe.model,
                                          config.syringe.inner_diameter_um)
        for rate in (700_000, 7_000_000):
            missed, ms, released = occlusion_trial(name, basal_ng_d=rate)
            print("  %-36s %5d nL/kPa  %4d ug/d: missed %8.1f uL  alarm after %6.1f min  "
                  "released %8.1f uL" % (name, c, rate // 1000, missed / 1000, ms / 60_000,
                                         released / 1000))


if __name__ == "__main__":
    main()
