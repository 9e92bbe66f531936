"""Wall time as text: ms since 1970-01-01T00:00:00 (UTC, no time zone, no leap seconds)
-> `2026-01-01T08:00:00`, by integer civil-date arithmetic alone. Resident: every event
line and `status` carry a time. Reading a typed time back (`time`) is
console/iso_parse.py, loaded for that command only (the Pico's heap, issue 13).

The board has no calendar library. Never reads a clock; never returns a float."""
from pump.dose_units import DAY_MS


def civil_from_days(z):
    """(year, month, day) of a day count since 1970-01-01; the inverse of the above."""
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    y = yoe + era * 400
    return (y + 1 if m <= 2 else y), m, d


def format_iso(ms):
    """ms since the epoch -> `YYYY-MM-DDTHH:MM:SS`, the second rounded down."""
    days = ms // DAY_MS
    s = ms % DAY_MS // 1000
    y, mo, d = civil_from_days(days)
    return "%04d-%02d-%02dT%02d:%02d:%02d" % (y, mo, d, s // 3600, s // 60 % 60, s % 60)
