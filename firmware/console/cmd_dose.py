"""A clinician's bolus, `bolus <dose> [over=<duration>]`, and a trial dose, `trial <dose>
[over=<duration>]`: loaded for them and dropped after (app/lazy.py); the patient's
`bolus`, which the button shares, stays resident in console/cmd_run.py."""
from app.activity import clinician  # the day's activity: a clinician's bolus given
from pump.errors import PumpError, E_USAGE, E_DOSE_WINDOW
from pump.units import parse_duration_ms, parse_mass_ng


def clinician_bolus(dev, args, now):
    pump = dev.pump
    dose = parse_mass_ng(args[0])
    over = _over(args[1:])
    try:
        pump.clinician_bolus(dose, now, over)
    except PumpError as err:
        raise _with_most(pump, err, dose, over)
    clinician(dev, dose)
    if over is None:
        return "dose_ng=%d by=clinician state=%s" % (dose, pump.sm.state)
    return "dose_ng=%d by=clinician over_s=%d state=%s" % (dose, -(-over // 1000),
                                                           pump.sm.state)


def _with_most(pump, err, dose, over):
    """ERR 46 with the largest bolus the windows allow now (issue 16: a refusal says what
    is allowed). The permit is pure and grows with the dose, so a search between nothing
    and the dose asked finds it in about 30 asks; none, if not even 1 ng fits."""
    v = err.args
    if v[0] != E_DOSE_WINDOW or len(v) not in (4, 5):
        return err
    lo, hi = 0, dose  # lo fits (nothing does), hi does not
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if pump.bolus_allowed(mid, True, over):
            hi = mid
        else:
            lo = mid
    return PumpError(*(v + ("",) * (5 - len(v)) + (lo,)))


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
