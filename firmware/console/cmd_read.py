"""Commands that read and change nothing and that a host polls: status, alarms.

Anyone may use them (the patient included): they show the pump's state and never a PIN.
Amounts are integers in base units; times are wall-clock ISO; `-` means "none".

Resident, with what `status` needs; the other reading commands are loaded for their
command and dropped after it (app/lazy.py): help and log are console/cmd_info.py, rx is
console/cmd_review.py, activity console/cmd_activity.py."""
from console.iso_time import format_iso
from pump import alarms as al
from pump.dose_units import ceil_div
from pump.status import delivery_of

_PRIORITY = {al.CRITICAL: "critical", al.HIGH: "high", al.LOW: "low"}
_EFFECT = {al.STOP: "stop", al.LIMIT: "limit", al.INFORM: "inform"}


def _ceil_s(ms):
    return ceil_div(ms, 1000)  # a wait never shown shorter than it is


def _when(dev, pump, at):
    """A reservoir date: `-`; when the alarm sounded, as `alarms` shows it; or a forecast,
    rounded up to the second (never shown earlier than it comes)."""
    if at is None:
        return "-"
    if at <= pump.t:
        return format_iso(dev.wall(at))
    return format_iso(_ceil_s(dev.wall(at)) * 1000)


def do_status(dev, out, args, now):
    pump = dev.pump
    s = pump.status()
    b = pump.rx.bolus if pump.rx is not None else None
    # Loaded for the reply and dropped after it (app/lazy.py): the walk along the line
    # and its four dates are ~2.2 KB of code a Pico's heap cannot keep resident over
    # issue 13's floor; a `status` pays the load (tens of ms) instead.
    from pump.forecast import alarm_times
    low, worst, dry, dry_worst = alarm_times(pump)
    alarms = s["alarms"]
    # A data line, so the final line keeps exactly the keys the console promises; a
    # delivery log (pumpctl record) differences these exact figures between readings.
    d = delivery_of(pump)
    conc, low_nl = d["conc_ng_ml"], d["low_nl"]
    out.append("delivery uptime_ms=%d steps=%d step_nl_num=%d step_nl_den=%d ideal_pg=%d"
                   " conc_ng_ml=%s low_nl=%s" % (
                       d["uptime_ms"], d["steps"], d["step_nl_num"], d["step_nl_den"],
                       d["ideal_pg"], "-" if conc is None else str(conc),
                       "-" if low_nl is None else str(low_nl)))
    # A wait is shown only when waiting is what it takes: a blocked bolus (stopped,
    # suspended, the clock or another alarm) says `-` and why, never 0.
    why = s["next_bolus_why"]
    waits = b is not None and why in (None, "lockout", "max")
    return ("time=%s state=%s reservoir_nl=%d delivered_ng=%d basal_ng_d=%d%s boluses_24h=%d"
            " next_bolus_s=%s next_bolus_why=%s step_nl=%d low_alarm_at=%s"
            " low_alarm_worst_at=%s empty_at=%s empty_worst_at=%s alarms=%s") % (
        format_iso(s["wall_ms"]), s["state"], s["reservoir_nl"], s["delivered_ng"],
        s["basal_ng_d"], " basal=min" if s["basal_min"] else "", s["boluses_24h"],
        str(_ceil_s(s["next_bolus_ms"])) if waits else "-", why or "-", s["step_nl"],
        _when(dev, pump, low), _when(dev, pump, worst), _when(dev, pump, dry),
        _when(dev, pump, dry_worst), ",".join(alarms) if alarms else "-")


def do_alarms(dev, out, args, now):
    pump = dev.pump
    names = pump.alarms.active()
    for name in names:
        r = al.row(name)
        raised, cause, acked = pump.alarms.state[name]
        out.append("alarm name=%s priority=%s effect=%s since=%s cause=%d acked=%d" % (
            name, _PRIORITY[r[1]], _EFFECT[r[2]], format_iso(dev.wall(raised)),
            1 if cause else 0, 1 if acked else 0))
    return "alarms=%s" % (",".join(names) if names else "-")
