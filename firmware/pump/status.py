"""What the pump tells about itself: state, reservoir, doses, boluses, alarms.

A view over the pump, built on demand for the console and the tests; it reads and never
changes anything. Amounts are integers in base units (nL, ng, ms)."""
from pump.alarms import STOP, LIMIT
from pump.states import DELIVERING


def bolus_blocked_by(pump):
    """Why no patient bolus can be had by waiting, or None: the state (unprogrammed,
    stopped, suspended, priming, refilling, alarm), `off` (no patient bolus), or the alarm
    that stops or limits delivery (clock, dose_limit...). A wait for the lockout or the
    24 h count is not a block: it ends by itself. The press is still judged in full by
    Pump.bolus_allowed (dose windows, reservoir); this only says what `status` can."""
    st = pump.sm.state
    if pump.rx is None:
        return st
    if pump.rx.bolus is None:
        return "off"
    if st not in DELIVERING:
        return st
    return pump.alarms.first_with(STOP) or pump.alarms.first_with(LIMIT)


def status_of(pump):
    rx = pump.rx
    b = rx.bolus if rx is not None else None
    wait = 0
    why = bolus_blocked_by(pump)
    if b is not None:
        wait = pump.history.lockout_left_ms(pump.t, b.lockout_ms)
        slot = pump.history.next_count_slot_ms(pump.t, b.max_per_day)
        if why is None and (wait or slot):
            why = "max" if slot > wait else "lockout"
        wait = slot if slot > wait else wait
    return {
        "state": pump.sm.state,
        "wall_ms": pump.t + pump.wall_offset_ms,
        "reservoir_nl": pump.reservoir.volume_nl(),
        "delivered_ng": pump.delivered_ng() if rx else 0,
        # What runs: the step's rate, or the rig's least flow where the step is min, at
        # the concentration leaving the tip.
        "basal_ng_d": rx.basal_ng_d(pump._tod(), pump._exit_conc()) if rx else 0,
        "basal_min": rx is not None and rx.schedule.rate_at(pump._tod()) == 0,
        "boluses_24h": pump.history.count_24h(pump.t),
        "next_bolus_ms": wait,  # by lockout and 24 h count alone, blocked or not
        "next_bolus_why": why,  # None: no wait; lockout, max: the wait's; else a block
        "step_nl": pump.rig.step_nl_ceil(),
        "alarms": pump.alarms.active(),
        "steps": pump.steps_issued,
    }


def delivery_of(pump):
    """The exact figures a delivery log needs between two readings: monotonic time, steps
    issued (priming included) and one step's volume as a ratio, so the host can difference
    them without rounding; the ideal (programmed) dose of the primary drug in pg, the
    concentration it leaves the tip at, and the low-reservoir threshold."""
    rx = pump.rx
    return {
        "uptime_ms": pump.t,
        "steps": pump.steps_issued,
        "step_nl_num": pump.rig.step_num,
        "step_nl_den": pump.rig.step_den,
        # pg, not ng: a 2-minute window at 600 ug/day is ~830 ng, so a 1 ng floor on each
        # reading would be a 0.2 % error in a trumpet curve; 1 pg is ~1e-6.
        "ideal_pg": pump.ledger.cum_at(pump.t) * 1000 // pump.u_per_ng,
        "conc_ng_ml": pump._exit_conc() if rx is not None else None,
        "low_nl": rx.low_nl if rx is not None else None,
    }
