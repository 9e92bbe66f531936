"""When will the low-reservoir alarm sound? Under the current schedule, and at the earliest
if the patient takes every bolus the lockout and the 24 h maximum allow.

Walks the future event by event (schedule steps and bolus times) in exact integers, in
the step integrator's dose units U, assuming the fluid now at the catheter tip for the
whole horizon (after a refill the tubing's old drug is a few hundred uL at most). Reads the pump, changes nothing. Returns ms from the pump's now, 0 if the
alarm is already due, None if the pump is not delivering or the time is past the horizon."""
from micropython import const
from pump.dose_units import basal_e6, ceil_div
from pump.schedule import DAY_MS
from pump.states import DELIVERING

HORIZON_DAYS = const(730)


def low_alarm_eta_ms(pump, with_boluses=False):
    rx = pump.rx
    if rx is None or pump.sm.state not in DELIVERING:
        return None
    sd = pump.rig.step_den
    # The alarm sounds at the k-th step from now, when the integrator has earned k steps:
    # counting in the integrator's own units makes the prediction exact to the ms.
    k = pump.reservoir.steps_until_at_or_below(rx.low_nl)
    need = k * pump.integ.den - pump.integ.acc - pump.bolus_left
    if k == 0 or need <= 0:
        return 0
    floor = rx.floor_e6(pump._exit_conc())
    sched = rx.schedule
    b = rx.bolus if with_boluses else None
    grants = list(pump.history.grants) if b is not None else None
    t = 0
    tod = pump._tod()
    if b is None:
        daily = sched.daily_e6(floor) * sd
        if daily and need > 2 * daily:
            k = need // daily - 1  # whole days drain the same amount: skip them
            need -= k * daily
            t += k * DAY_MS
    next_b = _next_bolus(grants, pump.t, b) if b is not None else None
    horizon = HORIZON_DAYS * DAY_MS
    while t < horizon:
        d = sched.ms_to_next_step(tod)
        if next_b is not None and next_b - pump.t < t + d:
            d = next_b - pump.t - t
        rate = basal_e6(sched.rate_at(tod), floor) * sd
        if rate * d >= need:
            return t + ceil_div(need, rate)
        need -= rate * d
        t += d
        tod = (tod + d) % DAY_MS
        if next_b is not None and next_b - pump.t == t:
            need -= b.dose_ng * pump.u_per_ng
            if need <= 0:
                return t
            grants.append(next_b)
            next_b = _next_bolus(grants, next_b, b)
    return None


def _next_bolus(grants, now_ms, b):
    """Earliest time the next patient bolus is allowed after these grants."""
    at = now_ms
    if grants:
        lock = grants[-1] + b.lockout_ms
        at = lock if lock > at else at
        inside = [g for g in grants if g > at - DAY_MS]
        while len(grants) > b.max_per_day:
            grants.pop(0)
        if len(inside) >= b.max_per_day:
            slot = inside[len(inside) - b.max_per_day] + DAY_MS
            at = slot if slot > at else at
    return at
