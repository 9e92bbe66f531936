"""`calibrate run <steps>`, `calibrate weighed <volume>`, `calibrate cancel`: parsed and
answered here; the run itself is the device's (app/calibration.py), which checks what
may move and stores the factor."""
from micropython import const

from pump.errors import PumpError, E_USAGE
from pump.units import parse_count, parse_volume_nl

_MAX_STEPS = const(100_000_000)  # a bound for the parser; the rig's capacity is the limit


def do_calibrate(dev, out, args, now):
    what = args[0].lower()
    if what == "run" and len(args) == 2:
        steps = parse_count(args[1], 1, _MAX_STEPS)
        volume, ms = dev.calibration_module().start(dev, steps, now)
        return "steps=%d volume_nl=%d ms=%d" % (steps, volume, ms)
    if what == "weighed" and len(args) == 2:
        volume = parse_volume_nl(args[1])
        old_ppm, ppm, steps, new = dev.calibration_module().weighed(dev, volume, now)
        return ("old_ppm=%d new_ppm=%d steps=%d weighed_nl=%d step_nl=%d step_pl=%d "
                "reboot=%s" % (old_ppm, ppm, steps, volume, new.step_nl_ceil(), _pl(new),
                               dev.reboot))
    if what == "cancel" and len(args) == 1:
        return "steps=%d cancelled=1" % dev.calibration_module().cancel(dev, now)
    raise PumpError(E_USAGE, "calibrate")


def _pl(rig):
    """Volume of one step in pL, rounded to the nearest (the 250 uL rig's is ~1298)."""
    return (2000 * rig.step_num + rig.step_den) // (2 * rig.step_den)
