"""`bolus`: with no argument the patient's request (anyone: it is the same press as the
button); with a dose a clinician's bolus (console/cmd_dose.py, loaded for it).

Resident (console.py imports it for the button); the clinician's commands that change
what the pump does now are console/cmd_care.py, loaded for their command and dropped
after it (app/lazy.py): the Pico's heap."""
from pump.errors import PumpError, E_ROLE


def do_bolus(dev, out, args, now):
    pump = dev.pump
    if args:
        if not dev.auth.clinician(now):
            raise PumpError(E_ROLE, "bolus <dose>")
        dev.auth.touch(now)  # a clinician's command (console.py touches only by role)
        from console.cmd_dose import clinician_bolus  # dropped after it (app/lazy.py)
        return clinician_bolus(dev, args, now)
    try:
        dose = pump.request_bolus(now)
    except PumpError as err:
        dev.day_check(now, err.code)  # the day's activity (app/activity.py): refused, why
        raise
    dev.day_check(now, 0)
    return "dose_ng=%d by=patient state=%s" % (dose, pump.sm.state)
