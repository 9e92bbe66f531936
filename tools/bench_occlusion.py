"""Occlusion figures for each shipped rig on the simulated board: the volume pushed but not
delivered when the alarm sounds, the time from the blockage to the alarm, and the volume
released when the line opens (after the pump's relief: issue 14, item 4). At 700 ug/day of 1 mg/mL hydromorphone (case 1's flat rate)
and at ten times that. Physics, not timing: the figures are exact for the model in
firmware/hal/sim/physics.py. Usage: python tools/bench_occlusion.py"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, d) for d in ("firmware", "host", "tests/core")]

from hal.sim import physics  # noqa: E402
from rigs import SHIPPED, occlusion_trial, shipped  # noqa: E402


def lowest_rate(name):
    """Time to the alarm at the rig's lowest rate (its least flow, `basal 00:00=min`), and
    what the clear releases then: hydromorphone 1 mg/mL, so the flow is the least flow."""
    config, r = shipped(name)
    c = config.line_nl_per_kpa
    missed, ms, released = occlusion_trial(name, basal_ng_d=0, chunk_ms=60_000)
    print("  %-36s least flow %3d uL/d: trap %5.1f uL (%d nL/kPa x %d kPa), alarm after "
          "%6.1f min, released after relief %5.2f uL" % (
              name, r.min_flow_nl_per_day // 1000, missed / 1000, c, config.occlusion_kpa,
              ms / 60_000, released / 1000))


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
    print("at each rig's lowest rate:")
    for name in SHIPPED:
        lowest_rate(name)


if __name__ == "__main__":
    main()
