"""The dose ledger is bounded (pump/ledger.py MAX_PIECES): a clinician bolus every few
minutes for a day made ~580 pieces, a heap a Pico cannot spare and more than a snapshot
restores (tests/host/test_mix_properties.py found the reset that failed). Past the bound
the oldest pieces merge so that every window reads as much dose as before or more, and
the window search still finds the peak. Runs under pytest and MicroPython."""
from pump.ledger import MAX_PIECES, DoseLedger
from pump.limits import Future, window_peak
from pump.schedule import BasalSchedule

MIN = 60_000
WINDOW = 60 * MIN


def true_cum(marks, t):
    """The dose the marks (t, rate) describe up to t, integrated from scratch."""
    total = 0
    for i, (start, rate) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else t
        end = end if end < t else t
        if end > start:
            total += rate * (end - start)
    return total


def bolus_every(minutes, hours, ledger, t0=0):
    """A 1-minute clinician bolus at 9 U/ms every `minutes`, over a basal of 1 U/ms."""
    marks = []
    t = t0
    while t < t0 + hours * 60 * MIN:
        for at, rate in ((t, 9), (t + MIN, 1)):
            ledger.mark(at, rate)
            marks.append((at, rate))
        t += minutes * MIN
    return marks, t


def test_a_day_of_boluses_every_5_minutes_keeps_the_ledger_bounded():
    led = DoseLedger()
    led.mark(0, 1)
    marks, _ = bolus_every(5, 24, led)
    assert len(marks) > 4 * MAX_PIECES
    assert len(led.pieces) <= MAX_PIECES


def test_every_window_reads_at_least_its_true_dose_after_merges():
    led = DoseLedger()
    led.mark(0, 1)
    marks, now = bolus_every(7, 20, led)
    marks = [(0, 1)] + marks
    truth_now = true_cum(marks, now)
    assert led.cum_at(now) == truth_now  # the newest pieces are never merged
    for a in range(now - 24 * 60 * MIN + 1, now, 997 * 13):
        got = led.cum_at(now) - led.cum_at(a)
        want = truth_now - true_cum(marks, a)
        assert got >= want, (a, got, want)


def test_the_peak_over_a_held_back_span_is_the_brute_force_peak():
    """A merged span holds its dose back, then jumps: a window starting in it peaks the
    ms before the jump, which is no piece's start."""
    for jump_at, dose_u, ramp in ((100, 500, 1), (73, 40, 3), (120, 900, 2)):
        led = DoseLedger()
        led.pieces = [(0, 0, 0), (jump_at, dose_u, 0)]  # as _merge_oldest leaves them
        now, window = 150, 200
        fut = Future(BasalSchedule(((0, 0),)), 0, window, 0, 1, 10**9, ramp)
        brute = 0
        base = led.cum_at(now)
        for a in range(now - window, now + 1):
            v = base - led.cum_at(a) + fut.at(a + window - now)
            brute = v if v > brute else brute
        assert window_peak(led, now, fut, window) == brute, (jump_at, dose_u, ramp)


def test_a_merge_never_moves_dose_across_a_mix_start():
    led = DoseLedger()
    led.mark(0, 1)
    led.tip(0, (("morphine", 10_000_000),), 10_000_000)
    marks, mix_at = bolus_every(5, 2, led)
    led.tip(mix_at, (("morphine", 5_000_000),), 5_000_000)  # a new fluid at the tip
    more, now = bolus_every(5, 20, led, mix_at)
    marks = [(0, 1)] + marks + more
    assert len(led.pieces) <= MAX_PIECES
    # Held back past the mix's start, the old fluid's dose would count at the new mix.
    assert led.cum_at(mix_at) == true_cum(marks, mix_at)
    assert led.cum_at(now) == true_cum(marks, now)
