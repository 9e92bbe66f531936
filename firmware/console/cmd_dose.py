"""A clinician's bolus, `bolus <dose> [over=<duration>]`, and a trial dose, `trial <dose>
[over=<duration>]`: loaded for them and dropped after (app/lazy.py); the patient's
`bolus`, which the button shares, stays resident in console/cmd_run.py."""
from app.activity import clinician  # the day's activity: a clinician's bolus given
from pump.errors import PumpError, E_USAGE
from pump.units import parse_duration_ms, parse_mass_ng


def clinician_bolus(dev, args, now):
    pump = dev.pump
    dose = parse_mass_ng(args[0])
    over = _over(args[1:])
    pump.clinician_bolus(dose, now, over)
    clinician(dev, dose)
    if over is None:
        return "dose_ng=%d by=clinician state=%s" % (dose, pump.sm.state)
    return "dose_ng=%d by=clinician over_s=%d state=%s" % (dose, -(-over // 1000),
                                                           pump.sm.state)


def _over(args):
    """`over=30m`: the time the bolus is spread over (ms), or None."""
    if not args:
        return None
    if not args[0].lower().startswith("over="):
        raise PumpError(E_USAGE, "bolus")
    return parse_duration_ms(args[0][5:])


def do_trial(dev, out, args, now):
    """`trial 200ug [over=30m]`: from stopped, the pump starts, gives the dose as a
    clinician's bolus, and stops once it is given (DOMAIN case 2's trial)."""
    from pump.slow_bolus import trial
    pump = dev.pump
    dose = parse_mass_ng(args[0])
    over = _over(args[1:])
    trial(pump, dose, now, over)
    clinician(dev, dose)
    dev.record("trial dose_ng=%d" % dose)
    return "dose_ng=%d by=clinician trial=1 state=%s" % (dose, pump.sm.state)
