"""`activity [days] [skip]`: patient activity by day, the closed days from the ring on
flash (app/activity.py) and the open one, oldest first. Reads only; anyone may use it,
as `log` (the patient's own presses). Loaded for the command and dropped after it
(app/lazy.py).

One line per day, every key always there (a host splits them into CSV columns):

    day date=2026-01-02 presses=8 granted=7 refused=1 lockout=1 daily_max=0 dose_limit=0
        bolus_running=0 not_running=0 alarm=0 reservoir=0 other=0 clinician_boluses=0
        clinician_ng=0 dose_ng=hydromorphone:700000,clonidine:52500 open=0

A reply holds at most SHOWN days: a line is ~250 bytes, and a year of them at once would
take ~90 KB of a Pico's heap (~98 KB free in steady basal). `skip` pages back through the
year: `activity 31 31` is the month before the last (pumpctl log --days pages so)."""
from micropython import const
from app import activity
from console.iso_time import format_iso
from pump.dose_units import DAY_MS
from pump.errors import (E_LOCKOUT, E_DAILY_MAX, E_DOSE_WINDOW, E_BOLUS_LIMIT,
                         E_BOLUS_RUNNING, E_NO_RX, E_SUSPENDED, E_NOT_RUNNING,
                         E_INVALID_EVENT, E_CRITICAL, E_RESERVOIR_EMPTY)
from pump.units import parse_count

SHOWN = const(31)  # days a reply holds: a month (a reply's lines stay under ~9 KB)
DEFAULT = const(7)
# Refusals by reason, as the pump gives them (pump/permits.py bolus_allowed): a column
# each, in this order; a code none lists is `other`.
REASONS = (
    ("lockout", (E_LOCKOUT,)),
    ("daily_max", (E_DAILY_MAX,)),
    ("dose_limit", (E_DOSE_WINDOW, E_BOLUS_LIMIT)),  # a rolling window, a drug's bolus row
    ("bolus_running", (E_BOLUS_RUNNING,)),
    ("not_running", (E_NO_RX, E_SUSPENDED, E_NOT_RUNNING, E_INVALID_EVENT)),  # or ptm off
    ("alarm", (E_CRITICAL,)),  # a stopping or limiting alarm (the clock's included)
    ("reservoir", (E_RESERVOIR_EMPTY,)),
)


def line(d, is_open):
    """One day as its data line."""
    granted = d.counts.get(0, 0)
    presses = d.presses()
    words = ["day date=%s presses=%d granted=%d refused=%d" % (
        format_iso(d.key * DAY_MS)[:10], presses, granted, presses - granted)]
    listed = 0
    for name, codes in REASONS:
        n = 0
        for c in codes:
            n += d.counts.get(c, 0)
        listed += n
        words.append("%s=%d" % (name, n))
    words.append("other=%d clinician_boluses=%d clinician_ng=%d" % (
        presses - granted - listed, d.clin_n, d.clin_ng))
    doses = ",".join("%s:%d" % (n, d.drugs[n]) for n in sorted(d.drugs))
    words.append("dose_ng=%s" % (doses or "-"))
    if d.cut:
        words.append("drugs_cut=%d" % d.cut)  # a record had no room for them
    words.append("open=%d" % (1 if is_open else 0))
    return " ".join(words)


def do_activity(dev, out, args, now):
    days = parse_count(args[0], 1, SHOWN) if args else DEFAULT
    skip = parse_count(args[1], 0, activity.DAYS) if len(args) > 1 else 0
    today = activity.today(dev)
    ring = activity.ring(dev)
    unreadable = 0
    shown = 0
    older = 0
    if ring is not None:
        seq = today.seq if today is not None and today.seq else ring.scan()
        oldest = seq - activity.DAYS if seq > activity.DAYS else 1  # still in the ring
        last = seq - 1 - skip
        first = last - days + 1 if last - days + 1 > oldest else oldest
        older = first - oldest if first > oldest else 0
        for s in range(first, last + 1):
            d = ring.get(s)
            if d:
                out.append(line(d, False))
                shown += 1
            else:
                unreadable += 1  # torn, damaged or never written: skipped, and said
    if today is not None and skip == 0:
        out.append(line(today, True))
    return "days=%d unreadable=%d older=%d open=%d" % (
        shown, unreadable, older, 1 if today is not None and skip == 0 else 0)
