"""Occlusion figures for each shipped rig on the simulated board: the volume pushed but not
delivered when the alarm sounds, the time from the blockage to the alarm, and the volume
released when the line opens (after the pump's relief: issue 14, item 4). At 700 ug/day of 1 mg/mL hydromorphone (case 1's flat rate)
and at ten times that. Physics, not timing: the figures are exact for the model in
firmware/hal/sim/physics.py. Usage: python tools/bench_occlusion.py"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, d) for d in ("firmware", "host", "tests/core")]

import figures  # noqa: E402  (beside this file: the figures the documents quote)
from hal.sim import physics  # noqa: E402
from rigs import SHIPPED, occlusion_trial, shipped  # noqa: E402


CASE1_NG_D = 700_000  # the README's table: case 1's flat rate, 0.7 mL/day at 1 mg/mL


def key(name):
    """"pico_tmc2209_t8_bd60ml.json" -> "occlusion.bd60ml"."""
    return "occlusion." + name.rsplit("_", 1)[-1].split(".")[0]


def ul(nl):
    """A volume as the documents quote it: 186 uL, 19.8 uL, 0.04 uL, 0.0 uL."""
    v = nl / 1000
    if v >= 100:
        return "%d uL" % round(v)
    if v >= 0.1 or round(v, 2) == 0:
        return "%.1f uL" % v
    return "%.2f uL" % v


def duration(ms):
    """22 min, 6.4 h."""
    minutes = ms / 60_000
    return "%d min" % round(minutes) if minutes < 60 else "%.1f h" % (minutes / 60)


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
    figures.note(key(name) + ".missed", ul(missed))
    figures.note(key(name) + ".alarm_least", duration(ms))
    figures.note(key(name) + ".released", ul(released))


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
            if rate == CASE1_NG_D:
                figures.note(key(name) + ".compliance", "%d nL/kPa" % c)
                figures.note(key(name) + ".alarm", duration(ms))
    print("at each rig's lowest rate:")
    for name in SHIPPED:
        lowest_rate(name)


if __name__ == "__main__":
    main()
