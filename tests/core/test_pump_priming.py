"""Priming: bounded by the line's dead volume, at the rig's priming speed and no faster,
never counted as patient dose, and followed by basal at the prescribed rate with no extra
volume. The SynchroMed II priming-bolus recall (too fast, then too little) is what these
rule out. Runs under pytest and MicroPython (plain asserts, integers only)."""
from builders import (CASE1_FLAT, DAY_MS, HOUR_MS, MCG, MIN_MS, START_MS, basal_ng_ms,
                      case1_rx, filled_pump, prime_steps, steps_for_ng_ms)
from check import raises
from pump.errors import E_INVALID_EVENT, E_NOT_PRIMED, E_PRIME_LIMIT, E_RESERVOIR_EMPTY
from pump.rig import bench_rig
from pump.teardown import new_line

RIG = bench_rig()
STEP_NL = RIG.step_num // RIG.step_den  # 1400 nL
DEAD_NL = RIG.dead_volume_nl  # 150 uL
PRIMED = prime_steps(RIG)  # 107 whole steps
# One step at 50 uL/min: 1400 nL * 60000 ms / 50000 nL = 1680 ms.
PRIME_STEP_MS = STEP_NL * MIN_MS // RIG.prime_nl_per_min


def test_prime_above_the_dead_volume_is_refused():
    pump = filled_pump(case1_rx())
    err = raises(E_PRIME_LIMIT, pump.prime, DEAD_NL + 1, 0)
    assert err.values == (DEAD_NL + 1, DEAD_NL, STEP_NL)
    assert pump.sm.state == "stopped"
    assert pump.motor.total == 0
    for bad in (0, -1, True):
        err = raises(E_PRIME_LIMIT, pump.prime, bad, 0)
        assert err.values == (bad, DEAD_NL, STEP_NL)


def test_prime_is_bounded_by_what_is_left_of_the_line():
    pump = filled_pump(case1_rx())
    pump.prime(100_000, 0)
    pump.advance(5 * MIN_MS)
    filled_nl = 100_000 // STEP_NL * STEP_NL  # 71 whole steps: 99_400 nL
    room = DEAD_NL - filled_nl
    err = raises(E_PRIME_LIMIT, pump.prime, room + 1, 5 * MIN_MS)
    assert err.values == (room + 1, room, STEP_NL)
    pump.prime(room, 5 * MIN_MS)
    pump.advance(10 * MIN_MS)
    assert pump.motor.total == PRIMED
    # Less than a step of room is left: the line counts as full (as start() sees it), so
    # the room offered for priming is 0, not the 200 nL no whole step can fill.
    assert DEAD_NL - PRIMED * STEP_NL < STEP_NL
    err = raises(E_PRIME_LIMIT, pump.prime, STEP_NL, 10 * MIN_MS)
    assert err.values == (STEP_NL, 0, STEP_NL)


def test_priming_is_not_patient_dose():
    pump = filled_pump(case1_rx())
    pump.prime(DEAD_NL, 0)
    pump.advance(10 * MIN_MS)
    assert pump.motor.total == PRIMED
    assert pump.delivered_ng() == 0
    assert pump.delivered_ng("ropivacaine") == 0
    st = pump.status()
    assert st["delivered_ng"] == 0
    assert st["reservoir_nl"] == 40_000_000 - PRIMED * STEP_NL


def test_priming_runs_at_the_rig_prime_speed_and_not_faster():
    pump = filled_pump(case1_rx())
    pump.prime(DEAD_NL, 0)
    assert pump.motor.enabled
    t = 0
    while t < PRIMED * PRIME_STEP_MS:
        pump.advance(t)
        assert pump.sm.state == "priming", t
        # Never more than prime speed allows by now, and never more than a step behind.
        assert pump.motor.total * STEP_NL * MIN_MS <= t * RIG.prime_nl_per_min, t
        assert pump.motor.total == t // PRIME_STEP_MS, t
        t += 997
    last = PRIMED * PRIME_STEP_MS  # 179_760 ms: the line takes about 3 minutes
    pump.advance(last - 1)
    assert pump.sm.state == "priming"
    assert pump.motor.total == PRIMED - 1
    pump.advance(last)
    assert pump.sm.state == "stopped"
    assert pump.motor.total == PRIMED
    assert not pump.motor.enabled


def test_start_refused_before_priming_with_what_the_line_holds():
    pump = filled_pump(case1_rx())
    err = raises(E_NOT_PRIMED, pump.start, 0)
    assert err.values == (0, DEAD_NL)
    pump.prime(50_000, 0)
    pump.advance(5 * MIN_MS)
    err = raises(E_NOT_PRIMED, pump.start, 5 * MIN_MS)
    assert err.values == (50_000 // STEP_NL * STEP_NL, DEAD_NL)
    assert pump.sm.state == "stopped"


def test_start_refused_with_the_line_short_by_more_than_a_step():
    pump = filled_pump(case1_rx())
    pump.prime(DEAD_NL - STEP_NL, 0)  # 106 steps: 148_400 nL, 1600 nL short
    pump.advance(5 * MIN_MS)
    err = raises(E_NOT_PRIMED, pump.start, 5 * MIN_MS)
    assert err.values == (148_400, DEAD_NL)
    pump.prime(STEP_NL, 5 * MIN_MS)  # one more step: 200 nL short, as full as steps go
    pump.advance(6 * MIN_MS)
    pump.start(6 * MIN_MS)
    assert pump.sm.state == "running"


def test_start_refused_during_priming():
    pump = filled_pump(case1_rx())
    pump.prime(DEAD_NL, 0)
    err = raises(E_INVALID_EVENT, pump.start, MIN_MS)
    assert err.values == ("start", "priming")


def test_stop_during_priming_keeps_what_was_primed_and_no_more():
    pump = filled_pump(case1_rx())
    pump.prime(DEAD_NL, 0)
    pump.stop(MIN_MS)
    assert pump.sm.state == "stopped"
    done = pump.motor.total
    assert done == MIN_MS // PRIME_STEP_MS
    pump.advance(HOUR_MS)
    assert pump.motor.total == done
    err = raises(E_NOT_PRIMED, pump.start, HOUR_MS)
    assert err.values == (done * STEP_NL, DEAD_NL)


def test_prime_refused_when_the_reservoir_cannot_fill_the_line():
    pump = filled_pump(case1_rx(), fill_nl=100_000)
    raises(E_RESERVOIR_EMPTY, pump.prime, DEAD_NL, 0)
    assert pump.sm.state == "stopped"


def test_after_priming_basal_starts_at_the_prescribed_rate_with_no_extra_volume():
    pump = filled_pump(case1_rx())
    pump.prime(DEAD_NL, 0)
    pump.advance(START_MS)
    pump.start(START_MS)
    # No surge at the start: 700 ug/day of 1 mg/mL is one step every 172.8 s.
    pump.advance(START_MS + 172_800 - 1)
    assert pump.motor.total == PRIMED
    pump.advance(START_MS + 172_800)
    assert pump.motor.total == PRIMED + 1
    for t in (START_MS + HOUR_MS, START_MS + 6 * HOUR_MS, START_MS + DAY_MS):
        pump.advance(t)
        num, den = steps_for_ng_ms(basal_ng_ms(CASE1_FLAT, START_MS, t), 1000 * MCG, RIG)
        assert pump.motor.total - PRIMED == num // den
    # The first step topped up the line's last 200 nL; the patient has had the rest.
    out_nl = (pump.motor.total - PRIMED) * STEP_NL - (DEAD_NL - PRIMED * STEP_NL)
    assert pump.delivered_ng() == out_nl * 1000 * MCG // 1_000_000
    assert pump.delivered_ng() <= 700 * MCG


def test_basal_does_not_make_up_for_the_time_spent_priming():
    pump = filled_pump(case1_rx())
    pump.prime(DEAD_NL, 0)
    late = 2 * HOUR_MS
    pump.advance(late)
    pump.start(late)
    pump.advance(late + HOUR_MS)
    num, den = steps_for_ng_ms(basal_ng_ms(CASE1_FLAT, late, late + HOUR_MS), 1000 * MCG, RIG)
    assert pump.motor.total - PRIMED == num // den


def test_a_prime_under_one_step_is_refused_with_an_amount_that_works():
    # It was accepted and moved nothing (`prime 1uL` on a 1.4 uL step): issue 16.
    pump = filled_pump(case1_rx())
    err = raises(E_PRIME_LIMIT, pump.prime, STEP_NL - 1, 0)
    assert err.values == (STEP_NL - 1, DEAD_NL, STEP_NL)
    assert pump.sm.state == "stopped" and pump.motor.total == 0
    pump.prime(STEP_NL, 0)
    assert pump.prime_steps_left == 1


def test_the_room_a_prime_may_ask_for_always_fills_the_line():
    # 100 uL then 50 uL left 1,626 nL that no amount a clinician typed could finish.
    pump = filled_pump(case1_rx())
    t = 0
    for ask in (100_000, 50_000):
        pump.prime(min(ask, pump.prime_room_nl()), t)
        t += 10 * MIN_MS
        pump.advance(t)
    left = pump.prime_room_nl()
    assert 0 < left < 2 * STEP_NL
    pump.prime(left, t)
    pump.advance(t + 10 * MIN_MS)
    assert pump.tubing.is_full() and pump.prime_room_nl() == 0
    assert pump.motor.total == PRIMED


def test_a_new_line_is_empty_and_must_be_primed_again_only_while_nothing_moves():
    pump = filled_pump(case1_rx())
    pump.prime(DEAD_NL, 0)
    pump.advance(10 * MIN_MS)
    pump.start(10 * MIN_MS)
    raises(E_INVALID_EVENT, new_line, pump, 11 * MIN_MS)  # running: refused, unchanged
    assert pump.tubing.is_full()
    pump.stop(12 * MIN_MS)
    was = new_line(pump, 12 * MIN_MS)
    assert was >= DEAD_NL - STEP_NL and pump.tubing.filled_vu() == 0
    err = raises(E_NOT_PRIMED, pump.start, 12 * MIN_MS)
    assert err.values[0] == 0
    assert pump.prime_room_nl() == DEAD_NL
