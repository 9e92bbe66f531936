"""Plan, verify, move: before each batch the pump finds the batch again from its dose
ledger (or, priming, from the prime's start and speed) and refuses, with the `plan` alarm
and no step moved, any batch the plan does not owe. Runs under pytest and MicroPython."""
from builders import HOUR_MS, MIN_MS, START_MS, case1_pump, case1_rx, filled_pump
from pump.plan import batch_ok, prime_due
from pump.rig import bench_rig


def refused_with_nothing_moved(pump, moves_before, total_before):
    assert pump.alarms.is_active("plan"), pump.alarms.active()
    assert pump.sm.state == "alarm"
    assert pump.motor.total == total_before and pump.motor.moves == moves_before
    assert not pump.motor.enabled


def test_a_corrupted_remainder_three_steps_ahead_is_refused_with_no_step_moved():
    pump = case1_pump()
    pump.advance(START_MS + HOUR_MS)
    moves, total, issued = pump.motor.moves, pump.motor.total, pump.steps_issued
    pump.integ.acc += 3 * pump.integ.den  # a bit flip: three steps the ideal never earned
    pump.advance(START_MS + HOUR_MS + 1)
    refused_with_nothing_moved(pump, moves, total)
    assert pump.steps_issued == issued


def test_a_batch_one_step_over_what_is_owed_is_refused():
    pump = case1_pump()
    pump.advance(START_MS + HOUR_MS)
    run = pump.integ.run

    def one_more(dt, extra=0):  # a bug in the integrator: one step too many, once
        return run(dt, extra) + 1
    pump.integ.run = one_more
    moves, total = pump.motor.moves, pump.motor.total
    pump.advance(START_MS + 2 * HOUR_MS)
    refused_with_nothing_moved(pump, moves, total)


def test_a_batch_a_whole_step_short_of_what_is_owed_is_refused():
    pump = case1_pump()
    pump.advance(START_MS + HOUR_MS)
    moves, total = pump.motor.moves, pump.motor.total
    pump.integ.acc -= pump.integ.den  # the integrator lost a step's dose
    pump.advance(START_MS + 2 * HOUR_MS)
    refused_with_nothing_moved(pump, moves, total)


def test_a_rate_the_integrator_alone_believes_is_refused_before_its_first_step():
    pump = case1_pump()
    pump.advance(START_MS + HOUR_MS)
    moves, total = pump.motor.moves, pump.motor.total
    pump.integ.rate *= 100  # the ledger still holds the prescribed rate
    pump.advance(START_MS + 3 * HOUR_MS)
    refused_with_nothing_moved(pump, moves, total)


def test_after_a_refusal_nothing_owed_is_caught_up_and_delivery_resumes_within_a_step():
    pump = case1_pump()
    pump.advance(START_MS + HOUR_MS)
    pump.integ.acc += 3 * pump.integ.den
    t = START_MS + HOUR_MS + 1
    pump.advance(t)
    total = pump.motor.total
    pump.ack("plan", t)
    assert pump.sm.state == "stopped"
    pump.start(t)
    pump.advance(t + 6 * HOUR_MS)
    assert pump.sm.state == "running" and not pump.alarms.is_active("plan")
    # The refused steps are not given later: six hours of the ideal from here, to a step
    # (a catch-up would be three steps over it).
    den = pump.integ.den
    ideal = 6 * HOUR_MS * pump.integ.rate  # the flat case 1 basal
    given = (pump.motor.total - total) * den
    assert -den < ideal - given < den


def test_a_corrupted_prime_is_refused_before_its_first_step():
    pump = filled_pump(case1_rx())
    pump.prime(pump.rig.dead_volume_nl, 0)
    moves, total = pump.motor.moves, pump.motor.total
    pump.prime_integ.acc += 5 * pump.prime_integ.den  # five steps no time has earned
    pump.advance(MIN_MS)
    refused_with_nothing_moved(pump, moves, total)


def test_a_prime_runs_exactly_at_its_plan_and_ends_where_it_planned():
    pump = filled_pump(case1_rx())
    pump.prime(pump.rig.dead_volume_nl, 0)
    for t in range(1, 200):
        pump.advance(t * 1000)
    assert pump.sm.state == "stopped" and not pump.alarms.active()
    assert pump.motor.total == pump.prime_steps > 0


def test_the_check_is_the_floor_and_nothing_else():
    assert batch_ok(10, 3, 3)  # owed 10 U, 3 U a step: 3 steps, 1 U left
    assert batch_ok(1, 0, 3)  # less than a step owed: no step
    assert not batch_ok(10, 4, 3)  # ahead of the plan
    assert not batch_ok(10, 2, 3)  # a whole step behind it
    assert not batch_ok(-1, 0, 3)  # the steps so far are ahead already
    assert batch_ok(0, 0, 0) and not batch_ok(5, 1, 0)  # no prescription: no step


def test_a_prime_is_due_at_its_speed_and_never_past_its_plan():
    rig = bench_rig()  # 50 uL/min in 1.4 uL steps: 35.7 steps a minute
    assert prime_due(0, 107, rig) == 0
    assert prime_due(MIN_MS, 107, rig) == 35
    assert prime_due(10 * MIN_MS, 107, rig) == 107
