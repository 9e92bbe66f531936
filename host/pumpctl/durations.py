"""Console durations as the host reads them ("30m", "24h", "30d"): for `record`'s time
slices and `--then`, and for how long a `sim advance` may take to answer. Never decides
what the board accepts: a text it cannot read is None here, sent as written, and the
board judges it."""
import re
from fractions import Fraction

ADVANCE = ("sim", "advance")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|min|h|d)$")
_UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}
DAY_MS = _UNIT_MS["d"]


def duration_ms(text):
    """"2h" -> 7_200_000; None if it is not one whole number of ms in a unit the console
    takes (then the line is sent as written and the board judges it)."""
    m = _DURATION.match(text)
    if not m:
        return None
    ms = Fraction(m.group(1)) * _UNIT_MS[m.group(2)]
    return int(ms) if ms.denominator == 1 and ms > 0 else None


def advance_of(send):
    """The ms of a `sim advance X` line, else None."""
    words = send.split()
    if len(words) == 3 and tuple(w.lower() for w in words[:2]) == ADVANCE:
        return duration_ms(words[2])
    return None
