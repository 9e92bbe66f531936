"""A clinician's bolus spread over a time (`bolus 200ug over=30m`), and a trial dose
(`trial 200ug`: DOMAIN case 2's intrathecal trial), issue 16, item 7. Loaded for such a
bolus only and dropped after the command (app/lazy.py): the Pico's heap. The pump keeps
the rate it was granted at (Pump.bolus_rate) and whether it is a trial (Pump.trial);
nothing here runs while it is given."""
from pump.dose_units import ceil_div
from pump.errors import PumpError, E_BOLUS_OVER, E_INVALID_EVENT
from pump.schedule import DAY_MS
from pump.states import RUNNING, STOPPED


def verdict(pump, dose_ng, over_ms):
    """0, or E_BOLUS_OVER for a time the rig cannot give the dose in (faster than its
    bolus speed) or over a day (longer is what a basal step is for)."""
    least = ceil_div(dose_ng * pump.u_per_ng, pump._bolus_speed())
    if type(over_ms) is not int or not least <= over_ms <= DAY_MS:
        return (E_BOLUS_OVER, over_ms, least, DAY_MS)
    return 0


def speed(pump, dose_ng, over_ms):
    """U/ms: the dose over `over_ms`, rounded up, so it ends within the time asked."""
    return ceil_div(dose_ng * pump.u_per_ng, over_ms)


def trial(pump, dose_ng, now_ms, over_ms):
    """From `stopped`: start and give a clinician's bolus of `dose_ng`, and stop once it
    is given (settle.py, at bolus_done). Refused whole, nothing changed, if the start or
    the bolus would be: both are asked before either is taken. Stopped early (`stop`, a
    STOP alarm), it stays stopped; a reset does not resume a bolus (restart.py)."""
    pump.advance(now_ms)
    sm = pump.sm
    if sm.state != STOPPED:
        raise PumpError(E_INVALID_EVENT, "trial", sm.state)
    v = pump.start_allowed()
    if not v:
        sm.state = RUNNING  # the bolus asked as it will be, once started...
        try:
            v = pump.bolus_allowed(dose_ng, True, over_ms)
        finally:
            sm.state = STOPPED  # ...and nothing changed yet
    if v:
        pump._note("refused", v[0])
        raise PumpError(*v)
    pump.start(now_ms)
    return pump.clinician_bolus(dose_ng, now_ms, over_ms, True)
