"""Buzzer and LED patterns per alarm priority: heard at once, louder for higher priority,
inside the IEC 60601-1-8 ranges they are modelled on. Runs under pytest and MicroPython."""
from hal.indicators import BUZZER, CRITICAL, HIGH, LED, LOW, NONE, Patterns, level
from pump import alarms

# IEC 60601-1-8 table 3 (auditory) and table 2 (visual), as ranges in ms / mHz:
# (pulses per burst, pulse length td, spacing ts between pulses, min interburst gap)
IEC_AUDIO = {HIGH: (3, 125, 250, 125, 250, 2_500), CRITICAL: (10, 75, 200, 50, 125, 2_500),
             LOW: (1, 125, 250, 125, 250, 15_000)}
IEC_FLASH_MHZ = {HIGH: (400, 800), CRITICAL: (1_400, 2_800)}


def pulses(pattern):
    """(start, length) of each on phase within one period."""
    period, edges = pattern
    ends = list(edges) + [period]  # an odd count of edges stays on to the period end
    return [(ends[i], ends[i + 1] - ends[i]) for i in range(0, len(edges), 2)]


def sampled(priority, t0, t1, step=10):
    p = Patterns()
    out = []
    for t in range(t0, t1, step):
        p.at(priority, t)
        out.append((p.buzzer, p.led))
    return out


def test_priorities_are_the_pump_alarm_priorities():
    assert (LOW, HIGH, CRITICAL) == (alarms.LOW, alarms.HIGH, alarms.CRITICAL)
    assert NONE == 0


def test_edges_increase_within_their_period():
    for pattern in BUZZER + LED:
        period, edges = pattern
        assert all(0 <= e < period for e in edges)
        assert all(a < b for a, b in zip(edges, edges[1:]))


def test_no_alarm_is_silent_with_a_short_alive_blink():
    seen = sampled(NONE, 0, 9_000)
    assert not any(b for b, _ in seen)
    lit = sum(1 for _, led in seen if led)
    assert 0 < lit <= 3 * 6  # three 60 ms blinks in 9 s, sampled every 10 ms


def test_every_alarm_sounds_and_lights_at_the_moment_it_begins():
    for priority in (LOW, HIGH, CRITICAL):
        p = Patterns()
        p.at(NONE, 0)
        p.at(NONE, 12_345)
        p.at(priority, 12_346)
        assert p.buzzer and p.led, priority


def test_burst_pulse_counts_and_timings_fall_in_the_iec_ranges():
    for priority, (count, td_lo, td_hi, ts_lo, ts_hi, gap_lo) in IEC_AUDIO.items():
        period = BUZZER[priority][0]
        ps = pulses(BUZZER[priority])
        assert len(ps) == count, priority
        assert all(td_lo <= n <= td_hi for _, n in ps), priority
        last_end = ps[-1][0] + ps[-1][1]
        assert period - last_end >= gap_lo, priority
        if priority == CRITICAL:
            # 3 + 2, twice: inside each half the spacing is ts; 3rd to 4th is 2 ts + td.
            for half in (ps[:5], ps[5:]):
                gaps = [b[0] - (a[0] + a[1]) for a, b in zip(half, half[1:])]
                assert all(ts_lo <= g <= ts_hi for g in gaps[:2] + gaps[3:]), gaps
                assert gaps[2] == 2 * gaps[0] + half[0][1], gaps
            between = ps[5][0] - (ps[4][0] + ps[4][1])
            assert 350 <= between <= 1_300  # IEC: 0.35..1.3 s between the two halves
        else:
            gaps = [b[0] - (a[0] + a[1]) for a, b in zip(ps, ps[1:])]
            assert all(ts_lo <= g <= ts_hi for g in gaps), priority


def test_flash_rates_fall_in_the_iec_ranges_and_low_is_steady():
    for priority, (lo, hi) in IEC_FLASH_MHZ.items():
        period, edges = LED[priority]
        assert lo <= 1_000_000 // period <= hi, priority
        on = pulses(LED[priority])[0][1]
        assert 20 * period <= 100 * on <= 60 * period  # duty 20..60 %
    assert all(led for _, led in sampled(LOW, 0, 5_000))


def test_higher_priority_sounds_more_in_the_first_ten_seconds():
    sound = [sum(1 for b, _ in sampled(p, 0, 10_000) if b) for p in (NONE, LOW, HIGH, CRITICAL)]
    assert sound[0] == 0 < sound[1] < sound[2] < sound[3], sound


def test_patterns_repeat_with_their_period():
    for table in (BUZZER, LED):
        for pattern in table:
            period = pattern[0]
            for t in range(0, 3_200, 50):
                assert level(pattern, t) == level(pattern, t + 7 * period)


def test_a_change_of_priority_restarts_the_pattern():
    p = Patterns()
    p.at(HIGH, 0)
    p.at(HIGH, 3_000)  # in high's pause
    assert not p.buzzer
    p.at(CRITICAL, 3_001)
    assert p.buzzer
    p.at(HIGH, 3_002)  # back to high: its first pulse again, not its pause
    assert p.buzzer


def test_an_unknown_priority_is_shown_as_critical():
    for bad in (4, -1, 99, None, "3"):
        q = Patterns()
        q.at(bad, 150)
        c = Patterns()
        c.at(CRITICAL, 150)
        for t in (150, 260, 500, 900, 2_100):
            q.at(bad, t)
            c.at(CRITICAL, t)
            assert (q.buzzer, q.led) == (c.buzzer, c.led), (bad, t)


def test_a_clock_that_goes_back_restarts_rather_than_breaks():
    p = Patterns()
    p.at(LOW, 10_000)
    p.at(LOW, 10_400)
    assert not p.buzzer
    p.at(LOW, 9_000)
    assert p.buzzer
