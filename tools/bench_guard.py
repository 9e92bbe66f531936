"""The step guard's worst case on each shipped rig, for every drug at its maximum
concentration (issue 14, item 3): how much of the drug one rolling hour may hold before
the guard trips, as a multiple of the drug's hourly limit.

  before  the guard's hour as it was: the mix's hourly limit in steps plus a slack in
          volume (a 5-minute bucket at the rig's top speed, the dead volume, a step);
          worked out here from that formula, which the firmware no longer holds
  now     the guard's hour as the firmware sets it (safety/limits.py for_rx)
  runaway the most a runaway really gave in one rolling hour (a scheduler delivering at
          3 to 1000 times its rate, the worst of them; passes once a minute), measured on
          the motor's steps
A drug the rig refuses at its maximum concentration (pump/prescription.py) shows "-".
Usage: python tools/bench_guard.py"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, d) for d in ("firmware", "host", "tests/core", "tests/host")]

from pump import drugs as dt  # noqa: E402
from pump.dose_units import ceil_div, MIN_MS  # noqa: E402
from safety.limits import for_rx  # noqa: E402
from test_guard_bound import (RIGS, SHIPPED, _guarded, _pass, _prime_and_start,  # noqa: E402
                              _worst_hour_steps)


def _before_steps(rx, rig):
    """The hour limit of the guard before issue 14, item 3 (safety/step_guard.py then)."""
    top = rig.bolus_nl_per_min if rig.bolus_nl_per_min > rig.prime_nl_per_min \
        else rig.prime_nl_per_min
    slack = ceil_div((top * 5 + rig.dead_volume_nl) * rig.step_den, rig.step_num) + 1
    limit = rx.limit_ng(dt.F_MAX_HOURLY)
    return limit * 1_000_000 * rig.step_den // (rx.drugs[0][1] * rig.step_num) + slack


def _x(steps, conc, rig, hourly_ng):
    """steps of the rig at conc ng/mL as a multiple of hourly_ng, to 0.01 (integers)."""
    ng = steps * rig.step_num * conc // (rig.step_den * 1_000_000)
    return "%d.%02dx" % (ng // hourly_ng, ng * 100 // hourly_ng % 100)


def _runaway(rig_name, name):
    worst = 0
    for factor in (3, 10, 30, 100, 1000):
        got = _run_away(rig_name, name, factor)
        worst = got if got > worst else worst
    return worst


def _run_away(rig_name, name, factor):
    made = _guarded(rig_name, name, 500_000)
    rig, conc, clock, motor, channel, pump = made
    t = _prime_and_start(rig, clock, pump, channel)
    sched = pump.rx.schedule
    sched.rates = tuple(factor * r for r in sched.rates)
    for _ in range(4 * 60):
        if pump.sm.state == "alarm":
            break
        t += MIN_MS
        _pass(pump, channel, clock, t)
    return _worst_hour_steps(rig, motor)


def main():
    print("step guard, one rolling hour at each drug's maximum concentration, as a multiple "
          "of its hourly limit: before / now / a runaway measured")
    for rig_name in SHIPPED:
        rig = RIGS[rig_name]
        print("  %s" % rig_name)
        for row in dt.DRUGS:
            name = row[dt.F_NAME]
            made = _guarded(rig_name, name, 500_000)
            if made is None:
                print("    %-14s -" % name)
                continue
            rx, conc, hourly = made[5].rx, row[dt.F_MAX_CONC], row[dt.F_MAX_HOURLY]
            now = for_rx(rx, rig)[0]
            got = _runaway(rig_name, name)
            print("    %-14s %8s %6s %6s" % (name, _x(_before_steps(rx, rig), conc, rig, hourly),
                                            _x(now, conc, rig, hourly),
                                            _x(got, conc, rig, hourly)))


if __name__ == "__main__":
    main()
