"""The ideal dose of the primary drug over time, as a piecewise-linear record, kept for the
last 24 h so any rolling window can be summed exactly; and, beside it, which fluid was
leaving the catheter tip when (`mixes`), so every drug's past dose is kept as it was given.

Rolling-hour and rolling-24 h limits are checked against it (with one step of margin, since
the motor trails the ideal by less than one step). Bounded: entries older than the longest
window are dropped. Each piece is one tuple, added in one append, so running out of memory
can never leave the record half written. Never reads a clock; times are monotonic ms.

Why the mixes: the ideal is primary-drug dose, and a secondary drug's dose is that times
its ratio to the primary in the fluid that left the tip. Converted at today's mix, a day
of clonidine at 1000 ug/mL beside morphine 10 mg/mL counted half after a refill at
500 ug/mL, and the pump let the day hold 692 ug against the 600 ug row
(tests/core/test_console_ratio_change.py). A mix is (start_ms, concs, c_ref): from
start_ms the tip gave `concs` ((drug, ng/mL), ...) and the ideal's U there are dose at
c_ref ng/mL, so each drug's dose is U * conc / c_ref (pump/mixes.py sums them). One mix
all day is one entry, noted without allocating (the pump notes the tip every pass)."""
from micropython import const
from pump.dose_units import DAY_MS as KEEP_MS  # the longest window

# Mixes kept at most: a tip changes fluid once or twice a refill, so more in a day is a
# bench's game; past it the two oldest are merged into one at the worse of each drug's
# ratio (never lighter), so the list stays bounded whatever the commands.
MAX_MIXES = const(8)
# Pieces kept at most. A day's rate changes are a few dozen (24 schedule steps, the
# boluses the count limits allow, stops and starts); a bench giving a clinician bolus
# every 5 minutes for a day made ~580, more than a Pico's heap should hold and more than
# a snapshot restores (tests/host/test_mix_properties.py found it). Past it, the oldest
# two pieces that no mix's start divides become one that holds their dose back to its
# end (rate 0, then the jump at the next piece): cum_at is never more there, so any
# window that reaches past the merged span reads as much dose as before, or more. A
# window search must then look at the ms before each piece's start too (limits.py,
# mixes.py), where a held-back span's window peaks.
MAX_PIECES = const(128)


class DoseLedger:
    def __init__(self):
        self.pieces = []  # (start_ms, ideal dose at start in U, rate in U per ms)
        self.mixes = []  # (start_ms, concs, c_ref): the fluid leaving the tip from start_ms
        self._tip = None  # the concs last noted, by identity: the common case's test
        self._tip_c = 0

    def mark(self, now_ms, rate):
        """From now on the ideal rises at `rate` U/ms."""
        p = self.pieces
        c = self.cum_at(now_ms)
        if p and p[-1][0] == now_ms:
            p[-1] = (now_ms, c, rate)
        else:
            p.append((now_ms, c, rate))
        # Keep one piece that starts before the window so its dose can be interpolated.
        while len(p) > 1 and p[1][0] <= now_ms - KEEP_MS:
            p.pop(0)
        _drop_old(self.mixes, now_ms)
        if len(p) > MAX_PIECES:
            _merge_oldest(p, self.mixes)

    def tip(self, now_ms, concs, c_ref):
        """From now the tip gives `concs`, its ideal dose counted at c_ref ng/mL (the
        primary's there, or the prescription's where the fluid has none). Asked every
        pass: the same tuple again returns at once, allocating nothing."""
        if concs is self._tip and c_ref == self._tip_c:
            return
        self._tip = concs
        self._tip_c = c_ref
        m = self.mixes
        if m and m[-1][0] == now_ms:
            m.pop()  # begun this ms: no dose of its own yet (a bump at now_ms is the last's)
        if m and m[-1][2] == c_ref and m[-1][1] == concs:
            return  # an equal tuple (a refill at the same mix): the same fluid
        self._add(now_ms, concs, c_ref)

    def charge_mix(self, now_ms, concs, c_ref):
        """A mix for the last ms before now, the one that holds a dose bumped at now_ms
        (restart.py's charge of the lease, whose steps left from any fluid in the line):
        mixes begun since are dropped, and the next tip() notes the tip again."""
        m = self.mixes
        while m and m[-1][0] >= now_ms - 1:
            m.pop()
        if not (m and m[-1][2] == c_ref and m[-1][1] == concs):
            self._add(now_ms - 1, concs, c_ref)
        self._tip = None

    def _add(self, start_ms, concs, c_ref):
        m = self.mixes
        m.append((start_ms, concs, c_ref))
        if len(m) > MAX_MIXES:
            concs, c_ref = worst_of((m[0], m[1]))
            m[0] = (m[0][0], concs, c_ref)
            m.pop(1)
        _drop_old(m, start_ms)

    def bump(self, dose_u):
        """Add a dose (positive or negative) at once at the latest piece's start: the
        correction for the part of a millisecond a bolus ramp overran, so the record stays
        exact. Callers start a piece at that instant first, so the past is not shifted."""
        if self.pieces:
            t, c, r = self.pieces[-1]
            self.pieces[-1] = (t, c + dose_u, r)

    def cum_at(self, t_ms):
        """Ideal cumulative dose at t_ms (U); before the record began it is the first."""
        p = self.pieces
        if not p:
            return 0
        if t_ms <= p[0][0]:
            return p[0][1]
        lo, hi = 0, len(p) - 1
        while lo < hi:  # last piece starting at or before t_ms
            mid = (lo + hi + 1) // 2
            if p[mid][0] <= t_ms:
                lo = mid
            else:
                hi = mid - 1
        t, c, r = p[lo]
        return c + r * (t_ms - t)


def worst_of(mixes):
    """(concs, c_ref) never lighter than any of `mixes` ((start, concs, c_ref), ...): c_ref
    their highest, each drug's conc its highest ratio at that c_ref, rounded up. So its
    ratios are each drug's worst, and its concentrations at least any of theirs (a step's
    margin is at the richest fluid)."""
    top = 0
    for _, _, c_ref in mixes:
        top = c_ref if c_ref > top else top
    names = []
    for _, concs, _ in mixes:
        for name, _ in concs:
            if name not in names:
                names.append(name)
    out = []
    for name in names:
        best = 0
        for _, concs, c_ref in mixes:
            for n, c in concs:
                if n == name:
                    v = -(-c * top // c_ref)
                    best = v if v > best else best
        out.append((name, best))
    return tuple(out), top


def _merge_oldest(p, mixes):
    """The oldest pieces i, i+1 that no mix's start falls strictly between (moving dose
    across one could count it at a lighter mix) become one: from p[i]'s start, its dose
    held until p[i+2], which jumps to its own. At most MAX_MIXES starts: some pair is free."""
    for i in range(len(p) - 2):
        a, b = p[i][0], p[i + 2][0]
        free = True
        for m in mixes:
            if a < m[0] < b:
                free = False
                break
        if free:
            p[i] = (a, p[i][1], 0)
            del p[i + 1]
            return


def _drop_old(m, now_ms):
    # Keep the one mix that covers the oldest window's start.
    while len(m) > 1 and m[1][0] <= now_ms - KEEP_MS:
        m.pop(0)
