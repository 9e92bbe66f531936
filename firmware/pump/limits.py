"""Rolling-window dose limits: would the dose in any rolling hour or 24 h, past delivery
plus what is about to be delivered, exceed the drug table?

Windows that reach into the past use the ideal dose ledger; the future is the basal
schedule (with its catheter-open floor) plus any bolus, all in dose units U. The sum is
piecewise linear in the window's start, so checking every breakpoint (both whole ms
around one that falls inside a ms) finds the maximum exactly. Pure: reads its arguments, changes nothing.

The step guard (safety/step_guard.py) counts steps in whole buckets, so its hour reaches
up to GUARD_EDGE_MS further back than a true hour (a minute bucket on its edge, and steps
issued up to a pass, a minute at most, after they fell due). guard_ng() is what it allows
in that span: the hourly limit plus one clinician bolus. The pump keeps every span of an
hour and GUARD_EDGE_MS within it too (permits.py), so legitimate delivery never trips
the guard, and a runaway is stopped before an hour holds more than one bolus over."""
from micropython import const
from pump import drugs as dt
from pump.dose_units import basal_e6, ceil_div

GUARD_EDGE_MS = const(120_000)  # 2 minutes (MicroPython's const() takes no imported name)
GUARD_HOUR_MS = const(3_720_000)  # an hour and GUARD_EDGE_MS


def guard_ng(rx):
    """(ng in the guard's hour, ng in its day), as primary-drug ng, for every drug in the
    mix (each limit is the tightest over the mix, rounded down). The day's slack is one
    hourly limit: a day bucket of 5 minutes on its edge (and a late pass) holds at most
    what an hour may."""
    hour = rx.limit_ng(dt.F_MAX_HOURLY)
    return hour + rx.limit_ng(dt.F_MAX_CLINICIAN_BOLUS), rx.limit_ng(dt.F_MAX_DAILY) + hour


class Future:
    """Dose to come from `now`: basal pieces over `horizon_ms` plus one bolus ramp."""

    def __init__(self, schedule, tod_ms, horizon_ms, floor_e6, step_den,
                 bolus_u=0, bolus_rate=0):
        self.starts = [0]
        self.cums = [0]
        self.rates = []
        s = 0
        cum = 0
        for d, rate in schedule.segments(tod_ms, horizon_ms):
            r = basal_e6(rate, floor_e6) * step_den
            self.rates.append(r)
            s += d
            cum += r * d
            self.starts.append(s)
            self.cums.append(cum)
        self.rates.append(self.rates[-1] if self.rates else 0)
        self.bolus_u = bolus_u
        self.bolus_rate = bolus_rate

    def bolus_end_ms(self):
        if not self.bolus_u or not self.bolus_rate:
            return 0
        return ceil_div(self.bolus_u, self.bolus_rate)

    def at(self, s):
        """Dose delivered from now until now + s (U)."""
        i = len(self.starts) - 1
        while i > 0 and self.starts[i] > s:
            i -= 1
        basal = self.cums[i] + self.rates[i] * (s - self.starts[i])
        b = self.bolus_rate * s
        return basal + (b if b < self.bolus_u else self.bolus_u)


def window_peak(ledger, now_ms, future, window_ms):
    """Largest dose (U) in any window of `window_ms` that holds `now_ms`.

    Candidates are evaluated as they are found, not gathered in a list: on the board this
    runs with a fragmented heap, where a growing list is the allocation that fails."""
    base = ledger.cum_at(now_ms)
    lo = now_ms - window_ms

    def dose(a):
        return base - ledger.cum_at(a) + future.at(a + window_ms - now_ms)

    best = dose(lo)
    v = dose(now_ms)
    best = v if v > best else best
    held = False
    for piece in ledger.pieces:
        a = piece[0]
        if lo < a < now_ms:
            v = dose(a)
            best = v if v > best else best
        # After a merged span, holding its dose back (pump/ledger.py MAX_PIECES), cum_at
        # jumps at this start: the window peaks the ms before it. Only there.
        if held and lo < a - 1 < now_ms:
            v = dose(a - 1)
            best = v if v > best else best
        held = piece[2] == 0
    for s in future.starts:
        if 0 < s < window_ms:
            v = dose(lo + s)
            best = v if v > best else best
    # A bolus ends inside a ms as a rule, and whole-ms windows see that kink from both
    # sides: the ms after it (the whole bolus in) and the ms before (the far edge still
    # holding a faster past). Either can be the larger. A window starting inside that ms
    # can hold a little more ideal dose still (a fraction of the bolus's rate), but no
    # step: steps are issued on whole ms only, never ahead of the ideal there, so such a
    # window holds the steps of the one from the whole ms before it, under its ideal plus
    # the step of margin (tests/host/test_delivery_regressions.py pins it).
    be = future.bolus_end_ms()
    for s in (be - 1, be):
        if 0 < s < window_ms:
            v = dose(lo + s)
            best = v if v > best else best
    return best if best > 0 else 0
