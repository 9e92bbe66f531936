"""The step integrator: whole steps are the floor of the ideal dose over one step's dose,
the remainder is carried and never lost, and ms_until names the exact millisecond a step
falls due. Runs under pytest and MicroPython (plain asserts, integers only)."""
from pump.dose_units import NG_E6_DAY
from pump.step_integrator import StepIntegrator


def integrator(rate, den, acc=0):
    g = StepIntegrator()
    g.rate = rate
    g.set_step_dose(den)
    g.acc = acc
    return g


def test_steps_due_are_the_floor_of_dose_over_step_dose():
    g = integrator(rate=3, den=10)
    assert g.run(3) == 0  # 9 of 10
    assert g.acc == 9
    assert g.run(1) == 1  # 12: one step, 2 left
    assert g.acc == 2
    assert g.run(6) == 2  # 20
    assert g.acc == 0


def test_remainder_is_carried_so_many_small_runs_equal_one_long_run():
    rate = 700_000 * 1_000_000  # 700 ug/day in U per ms (step_den 1)
    den = 1400 * 1_000_000 * 86_400_000  # one 1.4 uL step of 1 mg/mL in U
    one = integrator(rate, den)
    many = integrator(rate, den)
    total = 0
    for _ in range(86_400):
        total += many.run(1000)  # a day in 1 s pieces
    assert total == one.run(86_400_000)
    assert many.acc == one.acc
    assert total == 500  # 700 ug / 1.4 ug, exactly


def test_extra_dose_is_added_at_once_and_rounded_down():
    g = integrator(rate=0, den=100)
    assert g.run(50, 250) == 2
    assert g.acc == 50


def test_peek_predicts_run_without_changing_anything():
    g = integrator(rate=7, den=100, acc=30)
    assert g.peek(10) == 1
    assert g.acc == 30
    assert g.run(10) == 1
    assert g.acc == 0


def test_ms_until_is_exact_due_then_and_not_one_ms_earlier():
    rate = 700_000 * 1_000_000
    den = 1400 * 1_000_000 * 86_400_000
    for acc in (0, 1, den // 3, den - 1):
        for steps in (1, 2, 37):
            g = integrator(rate, den, acc)
            ms = g.ms_until(steps)
            assert g.peek(ms) >= steps
            assert g.peek(ms - 1) < steps
            assert g.run(ms) == steps


def test_ms_until_at_an_exact_multiple_is_not_rounded_up():
    g = integrator(rate=5, den=100)
    assert g.ms_until(1) == 20
    assert g.ms_until(3) == 60
    g.acc = 99
    assert g.ms_until(1) == 1
    assert g.ms_until(2) == 21


def test_ms_until_is_zero_when_already_owed_and_none_at_zero_rate():
    g = integrator(rate=5, den=100, acc=250)
    assert g.ms_until(2) == 0
    assert g.ms_until(3) == 10
    assert integrator(rate=0, den=100).ms_until(1) is None
    assert integrator(rate=5, den=0).ms_until(1) is None


def test_no_step_dose_means_no_steps_but_dose_still_owed():
    g = StepIntegrator()
    g.rate = 9
    assert g.run(10) == 0
    assert g.acc == 90
    g.set_step_dose(40)
    assert g.run(0) == 2
    assert g.acc == 10


def test_step_dose_change_keeps_the_owed_dose():
    g = integrator(rate=1, den=100)
    assert g.run(150) == 1
    assert g.acc == 50
    g.set_step_dose(200)  # twice the concentration at the tip: twice the dose a step
    assert g.acc == 50
    assert g.ms_until(1) == 150
    g.set_step_dose(25)  # a quarter of it
    assert g.run(0) == 2  # the 50 owed is two of the smaller steps
    assert g.acc == 0


def test_one_day_at_one_ng_per_day_is_one_ng_in_dose_units():
    # A rate of r ng/day is r * 1e6 * step_den U/ms; one ng is NG_E6_DAY * step_den U.
    g = integrator(rate=1_000_000, den=NG_E6_DAY)
    assert g.run(86_400_000) == 1
    assert g.acc == 0
