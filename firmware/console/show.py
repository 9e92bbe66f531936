"""A draft's parts as text, for `rx` and the replies of the prescription commands."""
from app.draft import OFF

MIN = "min"  # a basal step at the rig's least flow (stored as 0: pump/prescription.py)


def show_drugs(drugs):
    if drugs is None:
        return "-"
    return ",".join("%s:%d" % (n, c) for n, c in drugs)


def show_schedule(schedule):
    if schedule is None:
        return "-"
    return ",".join("%02d:%02d@%s" % (m // 60, m % 60, r if r else MIN)
                    for m, r in schedule.steps)


def show_bolus(bolus):
    """(dose_ng, lockout_ms, max) as text, "-" when not said, "off" when none."""
    if bolus is None or bolus is OFF:
        v = "-" if bolus is None else OFF
        return v, v, v
    return str(bolus.dose_ng), str(bolus.lockout_ms), str(bolus.max_per_day)


def show_sched(sched):
    """Scheduled boluses as start=ng/over minutes (0: the rig's speed), or "-"."""
    if not sched:
        return "-"
    return ",".join("%02d:%02d=%d/%d" % (m // 60, m % 60, d, o) for m, d, o in sched)


def show_int(v):
    return "-" if v is None else str(v)
