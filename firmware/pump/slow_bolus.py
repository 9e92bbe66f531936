"""A clinician's bolus spread over a time (`bolus 200ug over=30m`, issue 16, item 7): the
dose over the time asked, not the rig's bolus speed. Loaded for such a bolus only and
dropped after the command (app/lazy.py): the Pico's heap. The pump keeps the rate it
was granted at (Pump.bolus_rate); nothing here runs while it is given."""
from pump.dose_units import ceil_div
from pump.errors import E_BOLUS_OVER
from pump.schedule import DAY_MS


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
