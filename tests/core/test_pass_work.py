"""The work a pass of the loop leaves out when nothing needs it (issue 13: a pass under
5 ms on the Pico): a pass with no step due asks for no step count's event, and a pass
where no input of the rates changed does not work them out again. What it leaves out
must change nothing: the rates a pass keeps are the ones a pass working them out anew
gets, through schedule steps, a bolus and its end. Runs under pytest and MicroPython
(plain asserts, integers only)."""
from builders import CASE1_FLEX, HOUR_MS, MIN_MS, START_MS, case1_pump


def _counting(obj, name):
    """Count the calls of the method `name` of `obj` (an instance attribute shadows it)."""
    calls = [0]
    real = getattr(obj, name)

    def counted(*args):
        calls[0] += 1
        return real(*args)
    setattr(obj, name, counted)
    return calls


def _fresh_rates(pump):
    """(rate, step dose) as a pass that works them out anew gets them."""
    keep = (pump.integ.rate, pump.integ.den)
    pump._rates_of = None
    pump._apply_rates()
    fresh = (pump.integ.rate, pump.integ.den)
    assert keep == fresh, (keep, fresh)
    return fresh


def test_a_pass_with_no_step_due_asks_for_no_step_count_event():
    pump = case1_pump()
    pump.advance(START_MS + MIN_MS)
    calls = _counting(pump, "_steps_to_event")
    due = pump.ms_to_next_step()
    assert due > 2
    moved = pump.motor.total
    pump.advance(pump.t + due - 1)  # a ms short of the next step
    assert calls[0] == 0 and pump.motor.total == moved
    until = _counting(pump.integ, "ms_until")
    pump.advance(pump.t + 1)  # the step: its pass looks for the events steps reach...
    assert calls[0] >= 1 and pump.motor.total == moved + 1
    assert until[0] == 0  # ...and times none, each many steps further than the one due


def test_a_pass_where_nothing_changed_does_not_work_the_rates_out_again():
    pump = case1_pump()
    pump.advance(START_MS + MIN_MS)
    calls = _counting(pump, "ref_conc")
    rate = pump.integ.rate
    pump.advance(pump.t + 10)
    pump.advance(pump.t + pump.ms_to_next_step())  # a pass that moves
    assert calls[0] == 0
    assert pump.integ.rate == rate


def test_the_rates_a_pass_keeps_are_those_worked_out_anew():
    pump = case1_pump(CASE1_FLEX)
    t = START_MS
    for minutes in (1, 60, 7 * 60, 8 * 60):  # across the 08:00 schedule step
        t = START_MS + minutes * MIN_MS
        pump.advance(t)
        _fresh_rates(pump)
    basal = pump.integ.rate
    pump.request_bolus(t)  # a patient's bolus: the rate rises at once
    assert pump.integ.rate > basal
    _fresh_rates(pump)
    pump.advance(t + HOUR_MS)  # long over: basal again
    assert pump.integ.rate == basal
    _fresh_rates(pump)
    # The schedule's rate changed in place (as a runaway scheduler would): followed.
    sched = pump.rx.schedule
    sched.rates = tuple(2 * r for r in sched.rates)
    pump.advance(t + HOUR_MS + 1)
    assert pump.integ.rate > basal
    _fresh_rates(pump)
