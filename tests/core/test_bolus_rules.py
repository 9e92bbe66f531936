"""Patient bolus history: the lockout and the rolling 24 h count, each to the millisecond,
counted by the real times of the grants. Verdicts change nothing.
Runs under pytest and MicroPython (plain asserts, integers only)."""
from pump.bolus import BolusHistory
from pump.errors import E_DAILY_MAX, E_LOCKOUT

HOUR_MS = 3_600_000
DAY_MS = 86_400_000


def history(*grants):
    h = BolusHistory()
    for t in grants:
        h.record(t)
    return h


def test_first_bolus_is_allowed():
    assert BolusHistory().verdict(0, HOUR_MS, 7) == 0
    assert BolusHistory().verdict(5 * DAY_MS, HOUR_MS, 1) == 0


def test_lockout_refuses_one_ms_before_and_grants_at_the_exact_lockout():
    h = history(1000)
    assert h.verdict(1000 + HOUR_MS - 1, HOUR_MS, 7) == (E_LOCKOUT, 1)
    assert h.verdict(1000 + HOUR_MS, HOUR_MS, 7) == 0


def test_lockout_verdict_gives_the_ms_left():
    h = history(0)
    assert h.verdict(0, 6 * HOUR_MS, 4) == (E_LOCKOUT, 6 * HOUR_MS)
    assert h.verdict(2 * HOUR_MS + 5, 6 * HOUR_MS, 4) == (E_LOCKOUT, 4 * HOUR_MS - 5)
    assert h.lockout_left_ms(6 * HOUR_MS + 1, 6 * HOUR_MS) == 0


def test_lockout_runs_from_the_latest_grant():
    h = history(0, 5 * HOUR_MS)
    assert h.verdict(6 * HOUR_MS, HOUR_MS, 7) == 0
    assert h.verdict(6 * HOUR_MS - 1, HOUR_MS, 7) == (E_LOCKOUT, 1)


def test_daily_max_refuses_the_eighth_in_24_h_with_count_and_max():
    h = history(*[i * HOUR_MS for i in range(7)])
    assert h.count_24h(7 * HOUR_MS) == 7
    assert h.verdict(7 * HOUR_MS, HOUR_MS, 7) == (E_DAILY_MAX, 7, 7)
    assert h.verdict(DAY_MS - 1, HOUR_MS, 7) == (E_DAILY_MAX, 7, 7)


def test_a_bolus_drops_out_of_the_count_exactly_24_h_after_it():
    h = history(*[i * HOUR_MS for i in range(7)])
    assert h.count_24h(DAY_MS - 1) == 7
    assert h.count_24h(DAY_MS) == 6
    assert h.verdict(DAY_MS, HOUR_MS, 7) == 0
    assert h.count_24h(DAY_MS + HOUR_MS) == 5


def test_lockout_is_reported_before_the_daily_max():
    h = history(0, 10 * HOUR_MS)
    assert h.verdict(10 * HOUR_MS + 1, HOUR_MS, 2) == (E_LOCKOUT, HOUR_MS - 1)
    assert h.verdict(11 * HOUR_MS, HOUR_MS, 2) == (E_DAILY_MAX, 2, 2)


def test_count_uses_real_grant_times_not_calendar_days():
    # Four at 23:00..23:03 and four just after midnight: all in one rolling 24 h.
    late = [23 * HOUR_MS + i * 60_000 for i in range(4)]
    early = [DAY_MS + i * 60_000 for i in range(4)]
    h = history(*(late + early))
    assert h.count_24h(DAY_MS + 4 * 60_000) == 8
    assert h.verdict(DAY_MS + 4 * 60_000, 60_000, 8) == (E_DAILY_MAX, 8, 8)
    # A calendar day began at DAY_MS, yet the 23:00 grant counts until 23:00 the next day.
    assert h.verdict(DAY_MS + 23 * HOUR_MS - 1, 60_000, 8) == (E_DAILY_MAX, 8, 8)
    assert h.verdict(DAY_MS + 23 * HOUR_MS, 60_000, 8) == 0
    assert h.count_24h(DAY_MS + 23 * HOUR_MS) == 7


def test_next_count_slot_is_when_the_oldest_counted_drops_out():
    h = history(0, 2 * HOUR_MS, 4 * HOUR_MS)
    assert h.next_count_slot_ms(5 * HOUR_MS, 3) == DAY_MS - 5 * HOUR_MS
    assert h.next_count_slot_ms(5 * HOUR_MS, 4) == 0
    assert h.next_count_slot_ms(5 * HOUR_MS, 2) == 2 * HOUR_MS + DAY_MS - 5 * HOUR_MS
    later = 5 * HOUR_MS + h.next_count_slot_ms(5 * HOUR_MS, 3)
    assert h.verdict(later - 1, HOUR_MS, 3) == (E_DAILY_MAX, 3, 3)
    assert h.verdict(later, HOUR_MS, 3) == 0


def test_verdicts_change_nothing():
    h = history(0, HOUR_MS)
    before = list(h.grants)
    for t in (HOUR_MS, HOUR_MS + 1, 3 * DAY_MS):
        h.verdict(t, HOUR_MS, 2)
        h.count_24h(t)
        h.lockout_left_ms(t, HOUR_MS)
        h.next_count_slot_ms(t, 2)
    assert h.grants == before


def test_record_forgets_grants_older_than_a_day():
    h = history(0, HOUR_MS, DAY_MS)
    assert h.grants == [HOUR_MS, DAY_MS]
    h.record(DAY_MS + HOUR_MS)
    assert h.grants == [DAY_MS, DAY_MS + HOUR_MS]
