"""Wall time as ISO text, by integer civil-date arithmetic, checked against a calendar
counted here day by day. Runs under pytest and MicroPython."""
from check import raises
from console.iso_parse import days_from_civil, parse_iso
from console.iso_time import civil_from_days, format_iso
from pump.errors import E_BAD_NUMBER, E_RANGE

DAY_MS = 86_400_000


def _month_lengths(y):
    leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
    return (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def test_every_day_from_1970_to_2101_round_trips_against_a_counted_calendar():
    n = 0
    for y in range(1970, 2102):
        lengths = _month_lengths(y)
        for m in range(1, 13):
            for d in range(1, lengths[m - 1] + 1):
                assert days_from_civil(y, m, d) == n, (y, m, d)
                assert civil_from_days(n) == (y, m, d), n
                n += 1


def test_known_instants():
    assert parse_iso("1970-01-01T00:00:00") == 0
    assert parse_iso("2026-01-01T08:00:00") == (56 * 365 + 14) * DAY_MS + 8 * 3_600_000
    assert parse_iso("2000-02-29T23:59:59") == (30 * 365 + 7 + 59) * DAY_MS + 86_399_000
    assert format_iso(parse_iso("2026-01-01T08:00:00") + 999) == "2026-01-01T08:00:00"
    assert format_iso(0) == "1970-01-01T00:00:00"
    assert format_iso(253402300799000) == "9999-12-31T23:59:59"


def test_dates_that_do_not_exist_are_refused_not_rolled_over():
    for bad in ("2026-02-29T00:00:00", "2100-02-29T00:00:00", "2026-04-31T00:00:00",
                "2026-13-01T00:00:00", "2026-00-10T00:00:00", "2026-01-00T00:00:00",
                "2026-01-01T24:00:00", "2026-01-01T23:60:00", "2026-01-01T23:59:60",
                "1969-12-31T23:59:59"):
        raises(E_RANGE, parse_iso, bad)
    raises(E_RANGE, parse_iso, "2024-02-30T00:00:00")
    assert parse_iso("2024-02-29T00:00:00") > 0  # a real leap day


def test_other_shapes_are_refused():
    for bad in ("2026-1-01T08:00:00", "2026-01-01 08:00:00", "2026-01-01T08:00",
                "2026-01-01T08:00:00Z", "2026-01-01T08:00:0x", "+026-01-01T08:00:00",
                "2026/01/01T08:00:00", "", "now"):
        raises(E_BAD_NUMBER, parse_iso, bad)
