"""`activity [days] [skip]`: patient activity by day, the closed days from the ring on
flash (app/activity.py) and the open one, oldest first. Reads only; anyone may use it,
as `log` (the patient's own presses). Loaded for the command and dropped after it
(app/lazy.py).

One line per day, every key always there (a host splits them into CSV columns):

    day date=2026-01-02 presses=8 granted=7 refused=1 lockout=1 daily_max=0 dose_limit=0
        bolus_running=0 not_running=0 alarm=0 reservoir=0 other=0 clinician_boluses=0
        clinician_ng=0 dose_ng=hydromorphone:700000,clonidine:52500 open=0

A reply holds at most _SHOWN days: a line is ~250 bytes, and a year of them at once
would take ~90 KB of a Pico's heap (~98 KB free in steady basal). `skip` pages back
through the year: `activity 31 31` is the month before the last (pumpctl log --days).
Few names, on purpose: a loaded module's names stay in a Pico's heap for good."""
from micropython import const
from app import activity
from console.iso_time import format_iso
from pump.dose_units import DAY_MS
from pump.errors import (E_LOCKOUT, E_DAILY_MAX, E_DOSE_WINDOW, E_BOLUS_LIMIT,
                         E_BOLUS_RUNNING, E_NO_RX, E_SUSPENDED, E_NOT_RUNNING,
                         E_INVALID_EVENT, E_CRITICAL, E_RESERVOIR_EMPTY)
from pump.units import parse_count

_SHOWN = const(31)  # days a reply holds: a month (its lines stay under ~9 KB)
_DAYS = const(400)  # closed days the ring keeps (app/activity.py)
def text(d, last):
    """One day (app/activity.py's list) as its data line; `last`: the open day."""
    c = d[2]
    presses = 0
    for code in c:
        presses += c[code] if code >= 0 else 0
    granted = c.get(0, 0)
    values = [format_iso(d[0] * DAY_MS)[:10], presses, granted, presses - granted]
    listed = 0
    # Refusals by reason, as the pump gives them (pump/permits.py bolus_allowed), in the
    # line's order: a rolling window or a drug's bolus row is dose_limit; no patient
    # bolus programmed, stopped, suspended, priming... is not_running; a stopping or
    # limiting alarm (the clock's included) is alarm; a code none lists is `other`. Kept
    # in the function, as the line: a module's global names stay in a Pico's heap.
    for codes in ((E_LOCKOUT,), (E_DAILY_MAX,), (E_DOSE_WINDOW, E_BOLUS_LIMIT),
                  (E_BOLUS_RUNNING,),
                  (E_NO_RX, E_SUSPENDED, E_NOT_RUNNING, E_INVALID_EVENT),
                  (E_CRITICAL,), (E_RESERVOIR_EMPTY,)):
        n = 0
        for code in codes:
            n += c.get(code, 0)
        listed += n
        values.append(n)
    doses = ",".join("%s:%d" % (name, d[3][name]) for name in sorted(d[3]))
    values += [presses - granted - listed, c.get(-1, 0), c.get(-2, 0), doses or "-",
               " drugs_cut=%d" % d[4] if d[4] else "", 1 if last else 0]
    return ("day date=%s presses=%d granted=%d refused=%d lockout=%d daily_max=%d"
            " dose_limit=%d bolus_running=%d not_running=%d alarm=%d reservoir=%d"
            " other=%d clinician_boluses=%d clinician_ng=%d dose_ng=%s%s open=%d"
            % tuple(values))


def do_activity(dev, out, args, now):
    days = parse_count(args[0], 1, _SHOWN) if args else 7
    skip = parse_count(args[1], 0, _DAYS) if len(args) > 1 else 0
    today = activity.load(dev)
    f = activity.flash(dev)
    unreadable = shown = older = 0
    if f is not None:
        seq = today[1] if today is not None and today[1] else activity._scan(f)
        oldest = seq - _DAYS if seq > _DAYS else 1  # the oldest still in the ring
        last = seq - 1 - skip
        first = last - days + 1 if last - days + 1 > oldest else oldest
        older = first - oldest if first > oldest else 0
        for s in range(first, last + 1):
            d = activity.get(f, s)
            if d:
                out.append(text(d, False))
                shown += 1
            else:
                unreadable += 1  # torn, damaged or never written: skipped, and said
    is_open = today is not None and skip == 0
    if is_open:
        out.append(text(today, True))
    return "days=%d unreadable=%d older=%d open=%d" % (shown, unreadable, older,
                                                       1 if is_open else 0)
