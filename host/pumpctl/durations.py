"""Console durations as the host reads them ("30m", "24h", "30d"): for `record`'s time
slices and `--then`, and for how long a `sim advance` may take to answer. Never decides
what the board accepts: a text it cannot read is None here, sent as written, and the
board judges it."""
import re
from fractions import Fraction

ADVANCE = ("sim", "advance")
# The spellings the firmware takes (firmware/pump/units.py): any case, hr/hour(s),
# day(s), mins, and compound times largest unit first ("4h30m", whole numbers then).
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|mins|min|m|s|hours|hour|hrs|hr|h|days|day|d)")
_UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "min": 60_000, "mins": 60_000,
            "h": 3_600_000, "hr": 3_600_000, "hrs": 3_600_000, "hour": 3_600_000,
            "hours": 3_600_000, "d": 86_400_000, "day": 86_400_000, "days": 86_400_000}
DAY_MS = _UNIT_MS["d"]


def duration_ms(text):
    """"2h", "1hr", "4h30m" -> ms; None if it is not a whole number of ms in units the
    console takes (then the line is sent as written and the board judges it)."""
    text = text.lower()
    parts, at = [], 0
    while at < len(text):
        m = _PART.match(text, at)
        if not m:
            return None
        parts.append(m)
        at = m.end()
    if not parts:
        return None
    if len(parts) > 1:  # compound: whole numbers, each unit once, largest first
        sizes = [_UNIT_MS[m.group(2)] for m in parts]
        if any("." in m.group(1) for m in parts) or sizes != sorted(set(sizes), reverse=True):
            return None
    ms = sum(Fraction(m.group(1)) * _UNIT_MS[m.group(2)] for m in parts)
    return int(ms) if ms.denominator == 1 and ms > 0 else None


def advance_of(send):
    """The ms of a `sim advance X` line, else None."""
    words = send.split()
    if len(words) == 3 and tuple(w.lower() for w in words[:2]) == ADVANCE:
        return duration_ms(words[2])
    return None
