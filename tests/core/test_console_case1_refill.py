"""docs/clinical_background.md case 1 as the seed writes it, at the refill visit (issue
14, item 5): 40 mL, the low-reservoir alarm at 2 mL, hydromorphone 1000 ug/mL at 600
ug/day, then refilled and raised to 700 ug/day, myPTM 30 ug at most 7 a day (lockout 1 h,
the project's choice).

`low_alarm_at` was the only date `status` gave: on basal alone, ~54 days after the visit.
A patient who takes every bolus allowed drains 0.91 mL a day, not 0.7, and the reservoir
ran dry ~44 days after the visit: ten days before that date, with no alarm yet expected.
`status` now also gives the worst case, as Prometra dates refills, and when it runs dry;
here a patient pressing at every moment allowed meets those dates to the second.
Runs under pytest and MicroPython."""
from console_fakes import Board, events, kv

DAY_S = 86_400
# 2026-01-01 is 56 years after 1970 with 14 leap days between (1972 ... 2024).
JAN1_2026_S = (56 * 365 + 14) * DAY_S


def _s(iso):
    """Seconds since 1970 of an ISO time in 2026 January..March, worked out here."""
    month_days = (0, 31, 59)[int(iso[5:7]) - 1]
    day = month_days + int(iso[8:10]) - 1
    return JAN1_2026_S + ((day * 24 + int(iso[11:13])) * 60 + int(iso[14:16])) * 60 + int(
        iso[17:19])


def _visit():
    b = Board()
    b.login()
    b.ok("time 2026-01-01T08:00:00")
    for line in ("drug hydromorphone 1000ug/mL ropivacaine 2500ug/mL clonidine 75ug/mL",
                 "basal 600ug/d", "ptm 30ug lockout=1h max=7", "reservoir-alarm 2mL",
                 "capacity 40mL", "refill 40mL", "confirm", "prime 150uL"):
        b.ok(line)
    b.ok("sim advance 4m")
    b.ok("start")
    b.ok("sim advance 20d")  # 12 mL at 600 ug/day
    b.login()  # the refill visit
    b.ok("stop")
    for line in ("refill 40mL withdrawn=%dnL" % b.dev.pump.reservoir.volume_nl(), "confirm",
                 "basal 700ug/d", "commit", "start"):
        b.ok(line)
    return b


def test_case1_at_the_refill_visit_status_dates_the_dry_reservoir_ten_days_early():
    b = _visit()
    s = kv(b.ok("status"))
    now = _s(s["time"])
    days = {}
    for key in ("low_alarm_at", "low_alarm_worst_at", "empty_at", "empty_worst_at"):
        days[key] = (_s(s[key]) - now) * 1000 // DAY_S  # thousandths of a day
    # 38 mL at 0.7 mL/day, 38 at 0.91, 40 at 0.7 and 40 at 0.91 (the line's 150 uL is
    # the same mix: no boundary to walk). The worst case comes up to 0.21 mL sooner than
    # 0.91 mL every day would: each day's seven boluses come in its first six hours.
    assert 54_200 < days["low_alarm_at"] < 54_350, days
    assert 41_600 < days["low_alarm_worst_at"] < 41_760, days
    assert 57_050 < days["empty_at"] < 57_200, days
    assert 43_850 < days["empty_worst_at"] < 43_960, days
    # The finding: dry ~10 days before the one date status used to show.
    assert 10_000 < days["low_alarm_at"] - days["empty_worst_at"] < 10_500, days

    # A patient who presses at every moment allowed meets the worst-case dates.
    sounded = {}
    pressing = True
    while "empty" not in sounded:
        if pressing:
            reply = b.send("bolus")
            if reply[-1].startswith("ERR 60 "):
                pressing = False  # less than a bolus left: refused from now on
            else:
                assert reply[-1].startswith("OK dose_ng=30000"), reply
        wait = kv(b.ok("status"))["next_bolus_s"] if pressing else "86400"
        for e in events(b.ok("sim advance %ss" % wait), "alarm"):
            name = e.split("name=")[1].split()[0]
            sounded[name] = _s(e.split("time=")[1])
    # Rounded up to the second, the forecast's second is the one in which it sounded.
    assert _s(s["low_alarm_worst_at"]) - 1 <= sounded["low_reservoir"] <= _s(
        s["low_alarm_worst_at"])
    assert _s(s["empty_worst_at"]) - 1 <= sounded["empty"] <= _s(s["empty_worst_at"])
