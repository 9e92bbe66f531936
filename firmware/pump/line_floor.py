"""A basal under the least flow at the strength of a fluid still in the line (issue 14,
item 1). The prescription checks its steps at the reservoir's strength; the line's older
fluid leaves the tip first, and the rig cannot run slower than its least flow there
either. Fix: morphine 10 mg/mL, refill at 5, basal 300 ug/d (over the 240 ug/d floor at
5): the line's 10 mg/mL ran at its own floor, 480 ug/d, for about three days while rx
said 300. Loaded by Pump.program and Permits.start_allowed, then dropped (app/lazy.py):
the Pico's heap."""
from pump.dose_units import NL_PER_ML, ceil_div
from pump.errors import E_BELOW_FLOOR


def verdict(pump, rx):
    """0, or (E_BELOW_FLOOR, start, rate, floor, drug, ng/mL, most) for the first step of
    `rx` under the floor of the strongest fluid of its primary in the pump's line."""
    segments = pump.tubing.segments
    if not segments or (len(segments) == 1 and segments[0][1] == pump.reservoir.concs):
        return 0  # the reservoir's fluid alone, which the prescription checked
    primary = rx.primary()
    strongest = 0
    for _, concs in segments:
        # Another drug's fluid waits for its flush (Tubing.other_vu): not this check's.
        if concs[0][0] == primary and concs[0][1] > strongest:
            strongest = concs[0][1]
    floor = rx.floor_e6(strongest) if strongest else 0
    for start, rate in rx.schedule.steps:
        if rate and rate * NL_PER_ML < floor:
            return (E_BELOW_FLOOR, start, rate, ceil_div(floor, NL_PER_ML), primary,
                    strongest, rate * NL_PER_ML // rx.min_flow_nl_per_day)
    return 0
