"""Wall time typed as text: `2026-01-01T08:00:00` -> ms since 1970-01-01T00:00:00 (UTC,
no time zone, no leap seconds), by integer civil-date arithmetic alone; the inverse of
console/iso_time.py. Loaded for the command that reads a time (`time`) and dropped after
it (app/lazy.py): a Pico keeps only the formatting half resident.

A clock set to a date that does not exist (the 30th of February, hour 24) must be refused
rather than rolled over into another day: the basal schedule follows the time of day.
Never reads a clock; never returns a float."""
from micropython import const
from pump.dose_units import DAY_MS
from pump.errors import PumpError, E_BAD_NUMBER, E_RANGE

_MIN_YEAR = const(1970)  # the pump's wall clock never runs before its epoch
_MAX_YEAR = const(9999)  # four digits, as written
_DIGITS = "0123456789"
# pump.units.K_ISO (not imported: that module is loaded only while a command needs it), so
# the refusal says what to write (console/message_text.py); a test keeps them equal.
K_ISO = const(8)
# Positions of the separators in YYYY-MM-DDTHH:MM:SS.
_SEPARATORS = ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"))


def is_leap(y):
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def days_in_month(y, m):
    if m == 2:
        return 29 if is_leap(y) else 28
    return 30 if m in (4, 6, 9, 11) else 31


def days_from_civil(y, m, d):
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm: the
    year is counted from March so the leap day falls at its end)."""
    if m <= 2:
        y -= 1
    era = y // 400
    yoe = y - era * 400
    mp = m - 3 if m > 2 else m + 9
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _field(text, a, b):
    part = text[a:b]
    for c in part:
        if c not in _DIGITS:
            raise PumpError(E_BAD_NUMBER, text, K_ISO)
    return int(part)


def parse_iso(text):
    """`YYYY-MM-DDTHH:MM:SS` -> ms since the epoch. The form is exact: no zone, no
    fraction, no missing zero, so a typo cannot be read as some other instant."""
    if len(text) != 19:
        raise PumpError(E_BAD_NUMBER, text, K_ISO)
    for i, sep in _SEPARATORS:
        if text[i] != sep:
            raise PumpError(E_BAD_NUMBER, text, K_ISO)
    y = _field(text, 0, 4)
    mo = _field(text, 5, 7)
    d = _field(text, 8, 10)
    h = _field(text, 11, 13)
    mi = _field(text, 14, 16)
    s = _field(text, 17, 19)
    if not _MIN_YEAR <= y <= _MAX_YEAR or not 1 <= mo <= 12:
        raise PumpError(E_RANGE, text, K_ISO)
    if not 1 <= d <= days_in_month(y, mo) or h > 23 or mi > 59 or s > 59:
        raise PumpError(E_RANGE, text, K_ISO)
    return days_from_civil(y, mo, d) * DAY_MS + ((h * 60 + mi) * 60 + s) * 1000
