"""Dose limits per drug when more than one mix is in play: the last 24 h saw the tip give
more than one fluid, or the line still holds a fluid other than the reservoir's.

Hazard: a secondary drug's dose is the primary's times its ratio in the fluid that left
the tip. Converted at today's mix, a refill that lowered clonidine's ratio to morphine
halved the day already given and the line's old fluid with it: 692 ug of clonidine in a
rolling 24 h against its 600 ug row, and 40 ug in one clinician bolus against 20
(tests/core/test_console_ratio_change.py). So here each drug is held to its own row:
- the past as it was given: the ledger's ideal dose per mix (ledger.py), each drug at the
  ratio of the fluid that left the tip then (U * conc / c_ref, rounded up per mix);
- the future, at every instant, by the lesser of two bounds, both sound:
  (1) as if the reservoir's fluid left the tip from now, plus the most the line's other
      fluid can add: per segment, its volume times its excess over the reservoir's fluid,
      at the same primary dose (basal and bolus) or the same volume (the least flow);
  (2) the whole future at the line's and the reservoir's worst ratio for that drug, the
      least flow at their strongest primary;
  (1) is tight once the window is long, (2) while it is short: (1) alone refused a start
  after such a refill (the line's excess on top of a day near the row), (2) alone a new
  basal for days at the least flow. The lesser of the two is concave where both are
  linear, so the largest window sits on a breakpoint or where they cross;
- the windows that start later (the schedule alone) by the same two bounds;
- one step's margin at the richest fluid in the window, the line or the reservoir;
- a bolus's own dose of each drug (the clinician's cap, the patient's row) by the same two
  bounds, without the least flow's term.
The step guard (safety/step_guard.py) counts each step at its mix's share of that mix's
guard hour (safety/limits.py), so its window is checked here as one more "drug" whose
concentration in a fluid is that share per mL (scaled by GUARD_SCALE), its limit the
whole share, with a few steps more margin for the guard's own whole-step rounding: the
pump's grants never trip it on therapy (checked drug by drug alone, a 0.2 mg bolus at 192
of the guard's 205 steps tripped it when the tightest drug changed with the refill).

One mix in play is pump/permits.py's case, as cheap as ever; this module is loaded the
first time it is not (after a refill at another mix) and stays. Pure: reads the pump,
changes nothing; allocates, at a permit's rare asking."""
from micropython import const
from pump import drugs as dt
from pump.dose_units import DAY_MS, ceil_div, step_dose_u
from pump.errors import E_DOSE_WINDOW, E_BOLUS_LIMIT
from pump.limits import GUARD_HOUR_MS, Future, guard_ng
from pump.schedule import HOUR_MS

# The guard's whole share in a window, as a "dose": large, so rounding each fluid's share
# per mL up (never down) moves it by parts in 10**12.
GUARD_SCALE = const(1 << 40)
_GUARD = None  # the guard's criterion has no drug name

WINDOWS = ((HOUR_MS, dt.F_MAX_HOURLY), (DAY_MS, dt.F_MAX_DAILY), (GUARD_HOUR_MS, None))


def conc_of(concs, name):
    """ng/mL of `name` in a fluid, 0 if it holds none; for _GUARD, the guard's share of
    one mL (its hour: the tightest hourly limit plus the tightest clinician bolus, as
    guard_ng counts it), times GUARD_SCALE, rounded up."""
    if name is not _GUARD:
        for n, c in concs:
            if n == name:
                return c
        return 0
    ha = hc = ba = bc = 0  # the tightest hourly and bolus limits as ng over ng/mL
    for n, c in concs:
        row = dt.lookup(n)
        h, b = row[dt.F_MAX_HOURLY], row[dt.F_MAX_CLINICIAN_BOLUS]
        if not hc or h * hc < ha * c:
            ha, hc = h, c
        if not bc or b * bc < ba * c:
            ba, bc = b, c
    # 1 / (ha/hc + ba/bc) mL per share
    return ceil_div(GUARD_SCALE * hc * bc, ha * bc + ba * hc)


class _View:
    """What every drug's check shares: the fluids, the reservoir's reference, the two
    futures of one window."""

    def __init__(self, p, rx):
        self.p = p
        self.res = p.reservoir.concs or rx.drugs
        self.c_res = p.ref_conc(self.res)
        self.line = p.tubing.segments
        self.mixes = p.ledger.mixes
        c_max = self.c_res
        for seg in self.line:
            c = p.ref_conc(seg[1])
            c_max = c if c > c_max else c_max
        self.c_max = c_max
        self.u = p.u_per_ng

    def names(self):
        """Every drug that can still leave the tip: the reservoir's and the line's."""
        out = [n for n, _ in self.res]
        for seg in self.line:
            for n, _ in seg[1]:
                if n not in out:
                    out.append(n)
        return out

    def bounds(self, name, floor_too=True):
        """(k_res, excess, k_w, c_w): the reservoir's conc of `name`; the most the line
        can add over it (U * c_res); its worst ratio to the primary, k_w / c_w."""
        p, c_res = self.p, self.c_res
        k_res = conc_of(self.res, name)
        k_w, c_w = k_res, c_res
        excess = 0
        for vu, concs in self.line:
            k = conc_of(concs, name)
            c = p.ref_conc(concs)
            over = k * c_res - k_res * c  # at the same primary dose
            if floor_too:
                more = (k - k_res) * c_res  # at the same volume (the least flow)
                over = more if more > over else over
            if over > 0:
                excess += vu * DAY_MS * over
            if k * c_w > k_w * c:
                k_w, c_w = k, c
        return k_res, excess, k_w, c_w

    def richest(self, name, since_ms):
        """The highest conc of `name` in a mix that left the tip after since_ms, in the
        line or the reservoir: one step's margin is at it."""
        best = conc_of(self.res, name)
        for seg in self.line:
            k = conc_of(seg[1], name)
            best = k if k > best else best
        m = self.mixes
        for i in range(len(m)):
            if i + 1 < len(m) and m[i + 1][0] <= since_ms:
                continue  # over before the window
            k = conc_of(m[i][1], name)
            best = k if k > best else best
        return best

    def spanned(self, since_ms):
        """How many mixes left the tip after since_ms."""
        m = self.mixes
        return sum(1 for i in range(len(m)) if i + 1 == len(m) or m[i + 1][0] > since_ms)


def windows_verdict(p, rx, bolus_u, bolus_rate):
    """0, or (E_DOSE_WINDOW, window_ms, ng, limit_ng[, drug]) for the first window a drug
    (or the guard) would be over in, past and future as the module's text says."""
    v = _View(p, rx)
    t = p.t
    led = p.ledger
    sd = p.rig.step_den
    tod = p._tod()
    names = v.names()
    for window_ms, field in WINDOWS:
        fut = Future(rx.schedule, tod, window_ms, rx.floor_e6(v.c_res), sd, bolus_u,
                     bolus_rate)
        worst = Future(rx.schedule, tod, window_ms, rx.floor_e6(v.c_max), sd, bolus_u,
                       bolus_rate)
        lo = t - window_ms
        # The breakpoints every drug shares: the window's start on a piece, a mix's start,
        # a future step, the bolus's end (both whole ms around it: steps are issued on
        # whole ms, so only whole-ms windows hold steps; limits.py says why).
        cands = [lo, t]
        held = False
        for piece in led.pieces:
            if lo < piece[0] < t:
                cands.append(piece[0])
            if held and lo < piece[0] - 1 < t:  # after a merged span: its peak
                cands.append(piece[0] - 1)
            held = piece[2] == 0
        for mix in led.mixes:
            if lo < mix[0] < t:
                cands.append(mix[0])
        fs = [s for s in fut.starts if 0 < s < window_ms]
        be = fut.bolus_end_ms()
        for s in (be - 1, be):
            if 0 < s < window_ms:
                fs.append(s)
        for s in fs:
            cands.append(lo + s)
        fs.sort()
        fs = [0] + fs + [window_ms]
        for name in (names if field is not None else (_GUARD,)):
            if name is _GUARD:
                limit = GUARD_SCALE
            else:
                limit = dt.lookup(name)[field]
            k_res, excess, k_w, c_w = v.bounds(name)
            if not k_w:
                continue
            c_res = v.c_res

            def future(s):
                a = fut.at(s) * k_res + excess
                b = ceil_div(worst.at(s) * k_w * c_res, c_w)
                return a if a < b else b

            def dose(a):
                return _past(led, a, t, name, c_res) + future(a + window_ms - t)

            best = 0
            for a in cands:
                d = dose(a)
                best = d if d > best else best
            # Where the two bounds cross between two future breakpoints: the lesser of
            # them peaks there (the whole ms either side).
            for i in range(len(fs) - 1):
                s0, s1 = fs[i], fs[i + 1]
                g0 = fut.at(s0) * k_res + excess - ceil_div(worst.at(s0) * k_w * c_res, c_w)
                g1 = fut.at(s1) * k_res + excess - ceil_div(worst.at(s1) * k_w * c_res, c_w)
                if (g0 > 0) != (g1 > 0) and g0 != g1:
                    x = s0 + g0 * (s1 - s0) // (g0 - g1)
                    for s in (x - 1, x, x + 1):
                        if 0 < s < window_ms:
                            d = dose(lo + s)
                            best = d if d > best else best
            # Windows that start later hold the schedule alone (no bolus: it starts now).
            if excess:
                mw = rx.schedule.max_window_e6
                later = mw(window_ms, rx.floor_e6(v.c_res)) * sd * k_res + excess
                w2 = ceil_div(mw(window_ms, rx.floor_e6(v.c_max)) * sd * k_w * c_res, c_w)
                later = later if later < w2 else w2
                best = later if later > best else best
            margin = step_dose_u(p.rig.step_num, v.richest(name, lo)) * c_res
            if name is _GUARD:
                # The guard counts whole steps (safety/limits.py), a little heavier than
                # this: the mix change's steps rounded up, each mix's allowance rounded
                # down to whole steps, and a wash of the old mix rounded up to a step more
                # than the line. So a step's margin for each of those.
                margin *= 4 + v.spanned(lo)
            if best + margin > limit * v.u * c_res:
                if name is _GUARD:
                    g = guard_ng(rx)[0]
                    return (E_DOSE_WINDOW, window_ms,
                            ceil_div(best * g, GUARD_SCALE * v.u * c_res), g)
                return (E_DOSE_WINDOW, window_ms, ceil_div(best, v.u * c_res), limit, name)
    return 0


def _past(led, a, t, name, c_res):
    """Dose of `name` the ideal gave in (a, t], mix by mix at its ratio, as U * c_res,
    each mix's share rounded up. Before the first mix nothing was given; were anything
    recorded there, it counts at the first mix's ratio."""
    m = led.mixes
    total = 0
    for i in range(len(m)):
        start = m[i][0] if i else a  # the first mix stands for all before it
        end = m[i + 1][0] if i + 1 < len(m) else t
        if end <= a or start >= t:
            continue
        lo = start if start > a else a
        hi = end if end < t else t
        du = led.cum_at(hi) - led.cum_at(lo)
        if du:
            k = conc_of(m[i][1], name)
            total += ceil_div(du * k * c_res, m[i][2])
    return total


def clinician_cap(p, rx, cap):
    """The largest clinician bolus (primary ng, at most `cap`) that leaves no drug over its
    clinician-bolus row whatever fluid the line gives it from."""
    v = _View(p, rx)
    for name in v.names():
        most = _bolus_most(v, name, dt.lookup(name)[dt.F_MAX_CLINICIAN_BOLUS])
        cap = most if most is not None and most < cap else cap
    return cap


def bolus_over_row(p, rx, dose_ng):
    """0, or (E_BOLUS_LIMIT, drug, ng, limit_ng) if the patient bolus, given from the
    fluid the line holds, would be over a drug's patient-bolus row."""
    v = _View(p, rx)
    for name in v.names():
        limit = dt.lookup(name)[dt.F_MAX_BOLUS]
        most = _bolus_most(v, name, limit)
        if most is not None and dose_ng > most:
            k_res, excess, k_w, c_w = v.bounds(name, False)
            u = dose_ng * v.u
            a = u * k_res + excess
            b = ceil_div(u * k_w * v.c_res, c_w)
            return (E_BOLUS_LIMIT, name, ceil_div(a if a < b else b, v.u * v.c_res), limit)
    return 0


def _bolus_most(v, name, limit_ng):
    """The largest bolus (primary ng) whose dose of `name` stays within limit_ng by
    either bound (a bolus runs at a primary dose rate: no least-flow term), or None if no
    fluid holds the drug."""
    k_res, excess, k_w, c_w = v.bounds(name, False)
    if not k_w:
        return None
    room = limit_ng * v.u * v.c_res  # U * c_res
    most = limit_ng * c_w // k_w  # (2): at the worst ratio, in ng
    if k_res and room > excess:
        by_excess = (room - excess) // (k_res * v.u)  # (1)
        most = by_excess if by_excess > most else most
    return most
