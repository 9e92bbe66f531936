"""The reservoir forecast: when the low-reservoir alarm sounds and when the reservoir runs
dry, on basal alone and at the earliest, if the patient takes every bolus the lockout and
the 24 h count allow (Prometra dates refills by this one).

Hazard first: a date too late lets the reservoir run dry before the refill visit (case 1:
ten days before the only date shown; after a refill at a new strength, 54 days late). So
this is the pump's own arithmetic, not an estimate: the step integrator's remainder and
units U, walked event by event (schedule steps, the fluid at the catheter tip changing,
bolus starts and ends, the step counts that sound the alarms) with the rates the pump sets.
They are dose rates of the primary drug at the strength leaving the tip, so the volume a
ms changes when the boundary between an old mix and a new one reaches it (tubing.py);
a bolus meeting a weaker mix slows to the rig's speed (Pump._apply_rates). Exact to the ms
when nothing else changes; a bolus a rolling window would refuse only makes it later.

Cheap enough for every `status` (tools/bench_forecast.py): once the fluid at the tip is
settled, a day mark whose state (the bolus history a rule can still see, a bolus running)
is that of one to seven days before starts a repeat, and whole repeats are skipped to the
last before the alarm, which is walked; the marks carry over the skip, so the next alarm
needs no new search. Past _EVENTS events with no repeat found (a lockout that never falls
into step with the day, 97 min with 24 a day), a day is counted at its most (basal, and a
bolus more than the lockout and the count let start in it), which only brings the date
earlier. Reads the pump, changes nothing, never raises on an odd state: None where it
cannot tell."""
from micropython import const
from pump.dose_units import DAY_MS, basal_e6, bolus_u_per_ms, ceil_div, step_dose_u, vu_for_ng
from pump.states import DELIVERING

_HORIZON_DAYS = const(730)  # two years: past it, `-`
_PERIOD_DAYS = const(7)  # the longest repeat looked for: a 5 h or 7 h lockout's
_EVENTS = const(400)  # walked before days are bounded: ~0.3 s on a Pico (bench_forecast.py)


def low_alarm_eta_ms(pump, with_boluses=False):
    """ms from now until the low-reservoir alarm sounds (0 if due now), or None."""
    return eta_ms(pump, with_boluses)[0]


def alarm_times(pump):
    """(low, low_worst, empty, empty_worst): the pump ms at which the low-reservoir alarm
    sounds and the reservoir runs dry, on basal alone and with every bolus allowed; an
    alarm already sounded gives when it did. None where it cannot be told."""
    basal = eta_ms(pump)
    # Without a patient bolus the worst case is basal alone: walked once, not twice.
    worst = basal if pump.rx is None or pump.rx.bolus is None else eta_ms(pump, True)
    out = []
    for i, name in ((0, "low_reservoir"), (1, "empty")):
        sounded = pump.alarms.state.get(name)
        for eta in (basal[i], worst[i]):
            if sounded is not None:
                out.append(sounded[0])  # raised_at: when it sounded, not "now"
            else:
                out.append(None if eta is None else pump.t + eta)
    return tuple(out)


def eta_ms(pump, with_boluses=False):
    """(low, dry): ms from now until the low-reservoir alarm sounds and until the last step
    the reservoir can give, 0 if now; None past the horizon or while not delivering, and
    low None if the reservoir runs dry above the level (never under the console's least
    level: reservoir-alarm)."""
    rx, integ, res, rig = pump.rx, pump.integ, pump.reservoir, pump.rig
    if rx is None or pump.sm.state not in DELIVERING or integ.den <= 0:
        return (None, None)
    sn, sd, sched = rig.step_num, rig.step_den, rx.schedule
    k_low = res.steps_until_at_or_below(rx.low_nl)  # the alarm sounds at this step...
    k_dry = res.steps_left()  # ...and `empty` at this one
    if k_low > k_dry:
        k_low = None  # a level under the part of a step left: it runs dry first, silent
    low = 0 if k_low == 0 else None
    if k_dry == 0:
        return (low, 0)
    room = pump.tubing.dead_vu - pump.tubing.filled_vu()  # what the line lacks (< a step)
    room = room if room > 0 else 0
    c, den = pump._exit_conc(), integ.den
    edge = _tip(pump, 0, room, sn)[1]  # the step count at which the strength changes
    # The next bolus event, `ev`: while one runs (`left` U of it), its end; else the next
    # press, if the patient takes every bolus allowed; else None.
    left, brate = pump.bolus_left, pump.bolus_rate
    ev = pump.bolus_end - pump.t if left else None
    b = rx.bolus if with_boluses else None
    grants = None
    if b is not None:
        grants = [g - pump.t for g in pump.history.grants[-b.max_per_day:]]
        ev = ev if left else _next_press(grants, b, 0)
    t, tod, steps, acc = 0, pump._tod(), 0, integ.acc
    horizon = _HORIZON_DAYS * DAY_MS
    mark, marks, events = 0, [], 0  # a mark now too: a repeat is seen a day sooner
    r_at = c_at = base = None
    while t < horizon:
        k = k_dry if low is not None or k_low is None else k_low  # the next alarm's step
        if t == mark:
            mark += DAY_MS
            if edge is not None:
                del marks[:]  # the fluid still changes: no day is like another yet
            else:
                most = 0
                if events > _EVENTS and b is not None:
                    # A day's most: basal, the grants the count and the lockout let into
                    # it, and one granted before it still running.
                    n = (DAY_MS - 1) // b.lockout_ms + 1
                    n = n if n < b.max_per_day else b.max_per_day
                    most = (sched.daily_e6(rx.floor_e6(c)) * sd
                            + (n + 1) * b.dose_ng * pump.u_per_ng)
                # What the future after the mark depends on, beyond the time of day and
                # the settled strength: a bolus running across it, and the grants a rule
                # can still see, as ages (the next press follows from them).
                key = (left, ev - t, brate) if left else None
                if b is not None:
                    key = (key,) + tuple(t - g for g in grants
                                         if g > t - DAY_MS or g + b.lockout_ms > t)
                skip = _repeat(marks, key, steps * den + acc, (k - steps) * den - acc, most)
                if skip is None:
                    return (low, None)  # days that repeat and drain nothing: never
                n, dose = skip
                if n:
                    total = acc + dose
                    steps += total // den
                    acc = total % den
                    t += n
                    mark += n
                    if ev is not None:
                        ev += n
                    if grants:
                        for i in range(len(grants)):
                            grants[i] += n
        if not left and ev == t:  # a press
            ev = None
            if vu_for_ng(b.dose_ng, c, sd) > res.volume_vu - steps * sn:
                # Refused for an emptying reservoir, and from then on: it only empties.
                # (A stronger mix reaching the tip later could fit a bolus again only if
                # the bolus at the weaker one were over the line's volume: not counted.)
                b = None
            else:
                grants.append(t)
                if len(grants) > b.max_per_day:
                    grants.pop(0)
                brate = bolus_u_per_ms(rig.bolus_nl_per_min, c, sd)
                left = b.dose_ng * pump.u_per_ng
                ev = t + ceil_div(left, brate)
        r = sched.rate_at(tod)
        if r != r_at or c != c_at:  # the basal's U/ms, made again only when it changes
            r_at, c_at = r, c
            base = basal_e6(r, rx.floor_e6(c)) * sd
        rate = base + brate if brate else base
        if edge is not None and edge < k:
            k = edge
        d = sched.ms_to_next_step(tod)
        if mark - t < d:
            d = mark - t
        if ev is not None and ev - t < d:
            d = ev - t
        # Run d ms as Pump._run does: a bolus's last part-ms is taken back at its end...
        total = acc + rate * d
        after = left - brate * d if left else 0
        if left and t + d >= ev:
            total += after
        if steps + total // den >= k:
            # ...unless step k (an alarm's, or the tip's fluid changing) comes first: then
            # to the first ms by which it is due, as Pump._next_event stops there.
            d = ceil_div((k - steps) * den - acc, rate) if rate else 1
            # 0 or less if a weaker mix at the tip left the remainder over a whole step:
            # the pump issues those steps in its next ms, never in no time.
            d = d if d > 0 else 1
            total = acc + rate * d
            after = left - brate * d if left else 0
            if left and t + d >= ev:
                total += after
        if left:
            left = after
            if t + d >= ev:
                left = brate = 0
                ev = None if b is None else _next_press(grants, b, t + d)
        steps += total // den
        acc = total % den
        t += d
        tod = (tod + d) % DAY_MS
        events += 1
        if low is None and k_low is not None and steps >= k_low:
            low = t
        if steps >= k_dry:
            return (low, t)
        if edge is not None and steps >= edge:
            c, edge = _tip(pump, steps * sn - room, room, sn)
            den = step_dose_u(sn, c)
            v = bolus_u_per_ms(rig.bolus_nl_per_min, c, sd)
            if left and v < brate:
                brate = v
                ev = t + ceil_div(left, brate)
    return (low, None)


def _tip(pump, out, room, sn):
    """The primary drug's strength leaving the tip once `out` VU has left it from now, and
    the step count (from now) whose step takes that strength past its end (None: it lasts
    to the reservoir's end). Only a change of strength is an edge: the rates know no other
    (Pump._apply_rates), and a line primed with the reservoir's own mix must not hold the
    walk's day marks back. After n steps, n * sn - room has left the tip (the first step
    fills the part of a step whole steps could not)."""
    c = end = None
    at = 0
    for seg in pump.tubing.segments:
        at += seg[0]
        if at > out:
            s = pump.ref_conc(seg[1])
            if c is not None and s != c:
                break  # the strength changes where this fluid begins
            c, end = s, at
    else:
        r = pump.ref_conc(pump.reservoir.concs or pump.rx.drugs)
        if c is None or r == c:
            return r, None
    return c, ceil_div(end + room, sn)


def _next_press(grants, b, now):
    """The earliest ms from `now` that the lockout and the 24 h count allow (bolus.py's
    rules: one lockout after the last grant, a day after the max_per_day-th last)."""
    at = now
    if grants:
        g = grants[-1] + b.lockout_ms
        at = g if g > at else at
        if len(grants) >= b.max_per_day:
            g = grants[len(grants) - b.max_per_day] + DAY_MS
            at = g if g > at else at
    return at


def _repeat(marks, key, dose, need, most):
    """At a day mark with the tip's fluid settled: (ms, U) to skip, (0, 0) for none, None
    if the days repeat and drain nothing. `marks` holds the days before, (key, U earned so
    far): a day whose key is that of n days before repeats every n days, each repeat
    earning the same U. Whole repeats are skipped while the alarm (`need` U away) stays
    ahead, at least 1 U: the U earned only grows (a bolus's part-ms is taken back at its
    end, within its last ms), so it is not reached inside them, and every bolus pressed in
    them left at least its own dose before the alarm, so none was refused for the
    reservoir. `most`, if not 0, is a day's most (no repeat found in time): skipped by it,
    the date comes earlier."""
    n = per = 0
    for i in range(len(marks)):
        if marks[-1 - i][0] == key:
            n, per = i + 1, dose - marks[-1 - i][1]
            break
    if n and per <= 0:
        return None
    exact = n != 0
    if not n and most:
        n, per = 1, most
    if n and need > per:
        times = (need - 1) // per
        gain = times * per
        if exact:
            # The marks of the last n - 1 days and this one, as many repeats on: the next
            # mark finds its twin at once.
            del marks[:len(marks) - n + 1]
            for i in range(len(marks)):
                marks[i] = (marks[i][0], marks[i][1] + gain)
            marks.append((key, dose + gain))
        else:
            del marks[:]  # counted at the most: what was seen is no guide any more
        return (times * n * DAY_MS, gain)
    marks.append((key, dose))
    if len(marks) > _PERIOD_DAYS:
        marks.pop(0)
    return (0, 0)
