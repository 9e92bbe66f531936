"""Rolling-window peaks (pump/limits.py): the largest dose in any window that holds now,
past ledger plus future, found exactly on whole milliseconds. Runs under pytest and
MicroPython."""
from pump.ledger import DoseLedger
from pump.limits import Future, window_peak
from pump.schedule import BasalSchedule


def _brute_peak(ledger, now, fut, window):
    """Every whole-ms window start, one by one: the definition the peak must meet."""
    base = ledger.cum_at(now)
    best = 0
    for a in range(now - window, now + 1):
        v = base - ledger.cum_at(a) + fut.at(a + window - now)
        best = v if v > best else best
    return best


def test_a_bolus_ending_between_two_ms_is_checked_on_both_sides():
    """Was: only the whole ms after a future bolus's end was a candidate. When the window's
    far edge leaves a faster past in the same ms, the ms before it holds more: here 17 U
    against the 15 U found, which let a rolling hour hold a fraction of a ng over the
    table (make soak, clonidine 95000.0066 ng against 95000)."""
    ledger = DoseLedger()
    ledger.mark(0, 0)
    ledger.mark(86, 7)  # a past bolus at 7 U/ms over (86, 92]
    ledger.mark(92, 0)
    now, window = 100, 10
    fut = Future(BasalSchedule(((0, 0),)), 0, window, 0, 1, 15, 10)  # ends at 1.5 ms
    assert _brute_peak(ledger, now, fut, window) == 17
    assert window_peak(ledger, now, fut, window) == 17


def test_the_peak_is_the_brute_force_peak_over_small_cases():
    # Past rates and a bolus end at every fraction of a ms the small numbers allow.
    for p in (0, 3, 7, 12):
        for start in (80, 86, 90, 91):
            for u in (10, 13, 15, 19, 20):
                ledger = DoseLedger()
                ledger.mark(0, 1)
                ledger.mark(start, p)
                ledger.mark(start + 6, 2)
                fut = Future(BasalSchedule(((0, 0),)), 0, 10, 0, 1, u, 10)
                assert window_peak(ledger, 100, fut, 10) == _brute_peak(ledger, 100, fut, 10), (
                    p, start, u)


def _pump_ledger(basal, start, u, r):
    """A ledger as pump.py keeps it: a past bolus of u U at r U/ms from `start` marked to
    the whole ms after its end, then bumped back by the part of a ms it overran."""
    ledger = DoseLedger()
    ledger.mark(0, basal)
    ledger.mark(start, basal + r)
    end = start - (-u // r)
    ledger.mark(end, basal + r)
    ledger.bump(u - r * (end - start))
    ledger.mark(end, basal)
    return ledger


def test_the_peak_is_the_brute_force_peak_with_past_boluses_ending_inside_a_ms():
    # The ledger is exact on whole ms only (its ramp runs to the ms after the bolus's
    # end, then steps back), and no window search looks at the ms before that end: a
    # past bolus's end can only lower a window that starts there, never raise it.
    for basal in (0, 2):
        for start in (84, 88, 91):
            for u in (13, 17, 20):
                ledger = _pump_ledger(basal, start, u, 6)
                for floor in (0, 3, 7):
                    for fu in (10, 13, 15, 19):
                        fut = Future(BasalSchedule(((0, 0),)), 0, 10, floor, 1, fu, 10)
                        assert window_peak(ledger, 100, fut, 10) == _brute_peak(
                            ledger, 100, fut, 10), (basal, start, u, floor, fu)
