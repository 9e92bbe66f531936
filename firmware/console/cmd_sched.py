"""`bolus-schedule 08:00=100ug 20:00=100ug [over=30m]`: boluses the pump gives by itself
at set times of day; `bolus-schedule off` takes them away (issue 16, item 7). A part of
the prescription, set as `basal` and `ptm` are: a clinician's, checked in full (each dose
against the clinician bolus row, the day and the hour with every patient bolus allowed:
pump/sched_bolus.py), staged for review once therapy has begun (console/cmd_review.py).
One `over` holds for every bolus of the line, in whole minutes; without it each runs at
the rig's bolus speed. Loaded for this command and dropped after the reply (app/lazy.py)."""
from console.cmd_rx import _apply, _with, _work
from console.show import show_sched
from pump.dose_units import MIN_MS
from pump.errors import PumpError, E_PRECISION, E_USAGE
from pump.units import parse_duration_ms, parse_mass_ng, parse_time_of_day_min

OFF = "off"


def _over_min(text):
    ms = parse_duration_ms(text)
    if ms % MIN_MS:
        raise PumpError(E_PRECISION, text, "minute")
    return ms // MIN_MS


def entries(args):
    """((start_min, dose_ng, over_min), ...) in order of time, from the line's words."""
    over = 0
    pairs = []
    for a in args:
        key, eq, value = a.partition("=")
        if not eq or not value:
            raise PumpError(E_USAGE, "bolus-schedule")
        if key.lower() == "over":
            if over:
                raise PumpError(E_USAGE, "bolus-schedule")
            over = _over_min(value)
            if not over:
                raise PumpError(E_USAGE, "bolus-schedule")
        else:
            pairs.append((parse_time_of_day_min(key), parse_mass_ng(value)))
    if not pairs:
        raise PumpError(E_USAGE, "bolus-schedule")
    pairs.sort()
    return tuple((s, d, over) for s, d in pairs)  # a start said twice: check_entries refuses


def do_bolus_schedule(dev, out, args, now):
    if len(args) == 1 and args[0].lower() == OFF:
        sched = None
    else:
        sched = entries(args)
    d = _work(dev)
    cand = _with(d, "sched", sched)
    rx = cand.build()
    if rx is not None and rx.sched:
        from pump.sched_bolus import given_ng, minutes
        for e in rx.sched:
            got = given_ng(e[1], minutes(rx, e))
            if got != e[1]:
                out.append("bolus at %02d:%02d gives %dng of %dng asked: the rate over its "
                           "minutes rounds down" % (e[0] // 60, e[0] % 60, got, e[1]))
    return _apply(dev, cand, now, "bolus-schedule", show_sched(d.sched),
                  show_sched(sched))
