"""An independent reference for delivery, in exact fractions (CPython only, tests only).

Holds the ideal volume a pump should have pushed, as a function of its monotonic time,
rebuilt from the timeline of actions the pump accepted. Shares no code with
firmware/pump: the schedule lookup, the catheter-open floor, the bolus ramp and the
rolling-window maxima are written here again from docs/clinical_background.md, in nL and
ms, with `fractions.Fraction`. Never imports the firmware; never rounds.

Model (nL, ms, ng/mL, ng/day):
- Basal flow while delivering: max(rate_at(time of day) * 1e6 / conc, min_flow) / 86.4e6
  nL per ms, where time of day = (t + wall_offset) mod 24 h.
- A granted bolus of V nL ramps at the bolus speed s nL/min from its grant until V is
  given, at grant + V/s exactly (a fraction of a millisecond as a rule): the record then
  has breakpoints between whole milliseconds. Suspend or stop cuts a bolus where it is;
  nothing is owed afterwards.
- Nothing is delivered while not delivering (stopped, suspended, ...)."""
import math
from bisect import bisect_right
from fractions import Fraction

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
MIN_MS = 60_000


def rate_at(steps, tod_ms):
    """Rate (ng/day) of a schedule ((start_min, rate), ...) at a time of day."""
    rate = steps[0][1]
    for start_min, r in steps:
        if start_min * MIN_MS <= tod_ms:
            rate = r
    return rate


def ms_to_next_change(steps, tod_ms):
    """Time from tod_ms to the next start of a step or midnight."""
    for start_min, _ in steps:
        if start_min * MIN_MS > tod_ms:
            return start_min * MIN_MS - tod_ms
    return DAY_MS - tod_ms


def basal_nl_per_ms(rate_ng_d, conc_ng_ml, min_flow_nl_d):
    flow = Fraction(rate_ng_d * 1_000_000, conc_ng_ml)  # nL/day
    if flow < min_flow_nl_d:
        flow = Fraction(min_flow_nl_d)
    return flow / DAY_MS


class Ideal:
    """The ideal volume (nL) pushed since start, and its record for rolling windows."""

    def __init__(self, t_ms, conc_ng_ml, min_flow_nl_d, steps, wall_offset_ms=0):
        self.t = t_ms
        self.conc = conc_ng_ml
        self.min_flow = min_flow_nl_d
        self.steps = tuple(steps)
        self.offset = wall_offset_ms
        self.delivering = False
        self.volume = Fraction(0)
        self.bolus = None  # [end_ms (a Fraction), speed nL/ms]
        self.times = [t_ms]  # record: from times[i], volume vols[i] rising at rates[i]
        self.vols = [Fraction(0)]
        self.rates = [Fraction(0)]

    # ----- what the pump accepted -----
    def set_delivering(self, on):
        if not on:
            self.bolus = None
        self.delivering = on
        self._mark()

    def set_schedule(self, steps):
        self.steps = tuple(steps)
        self._mark()

    def set_offset(self, wall_offset_ms):
        self.offset = wall_offset_ms
        self._mark()

    def grant_bolus(self, volume_nl, speed_nl_per_min):
        """A bolus granted now (a pump grants one only while delivering)."""
        assert self.delivering and self.bolus is None and volume_nl > 0
        speed = Fraction(speed_nl_per_min, MIN_MS)
        self.bolus = [self.t + volume_nl / speed, speed]
        self._mark()

    def bolus_running(self):
        return self.bolus is not None

    # ----- time -----
    def rate_now(self):
        if not self.delivering:
            return Fraction(0)
        tod = (self.t + self.offset) % DAY_MS
        r = basal_nl_per_ms(rate_at(self.steps, tod), self.conc, self.min_flow)
        if self.bolus is not None:
            r += self.bolus[1]
        return r

    def advance(self, t_ms):
        """Move to t_ms, through every change of rate on the way (a bolus's end may fall
        between two milliseconds: self.t is then a Fraction until t_ms is reached)."""
        assert t_ms >= self.t
        while self.t < t_ms:
            end = t_ms
            if self.delivering:
                tod = (self.t + self.offset) % DAY_MS
                end = min(end, self.t + ms_to_next_change(self.steps, tod))
                if self.bolus is not None:
                    end = min(end, self.bolus[0])
            self.volume += self.rate_now() * (end - self.t)
            self.t = end
            if self.bolus is not None and self.t == self.bolus[0]:
                self.bolus = None
            self._mark()

    def _mark(self):
        rate = self.rate_now()
        if self.times[-1] == self.t:
            self.vols[-1] = self.volume
            self.rates[-1] = rate
        elif rate != self.rates[-1]:
            self.times.append(self.t)
            self.vols.append(self.volume)
            self.rates.append(rate)

    # ----- reading -----
    def vol_at(self, t_ms):
        """Ideal volume at t_ms, for t_ms <= now (0 before the record began)."""
        if t_ms <= self.times[0]:
            return Fraction(0)
        i = bisect_right(self.times, t_ms) - 1
        return self.vols[i] + self.rates[i] * (t_ms - self.times[i])

    def max_window_nl(self, window_ms):
        """Largest ideal volume in any window (w, w + window_ms] that starts on a whole
        millisecond and ends no later than now (a later end is clipped to now). The volume
        is piecewise linear in w with kinks where w or its end meets a record point, so
        the maximum over whole w sits on a millisecond next to one of those kinks.

        Whole w, not any real w, and on purpose: a window starting inside a ms can hold a
        little more ideal (a bolus's end inside the ms), but the pump issues steps on
        whole ms alone, so it holds the steps of the window from the whole ms before it,
        and those are under that window's ideal plus one step (the property's bound)."""
        now = self.t
        cands = set()
        for b in self.times + [now]:
            for k in (b, b - window_ms):
                for w in (math.floor(k), math.ceil(k)):
                    if self.times[0] - window_ms <= w <= now:
                        cands.add(w)
        best = Fraction(0)
        for w in cands:
            v = self.vol_at(min(w + window_ms, now)) - self.vol_at(w)
            if v > best:
                best = v
        return best
