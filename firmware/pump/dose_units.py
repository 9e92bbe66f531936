"""Dose units: the one home of the factors that make a basal rate, the catheter-open flow
and a bolus speed one integer unit U, and of rounding up.

Hazard first: a factor written out by hand in one module and not in another gives two
doses for one prescription. So every module that turns ng, nL or ng/mL into U, or U back
into ng, asks here. Integers only; nothing here rounds except where a name says so
(`ceil_div` rounds up, `ng_from_vu_conc` down). Holds no state and reads no clock.

    1 ng = NG_E6_DAY * step_den U            NG_E6_DAY = NL_PER_ML * DAY_MS = 8.64e13

| quantity                                      | in U                                 |
|-----------------------------------------------|--------------------------------------|
| basal rate R ng/day, per ms                   | R * NL_PER_ML * step_den             |
| catheter-open flow F nL/day at C ng/mL, per ms| F * C * step_den                     |
| bolus speed B nL/min at C ng/mL, per ms       | B * C * MIN_PER_DAY * step_den       |
| one step (step_num/step_den nL) at C ng/mL    | step_num * C * DAY_MS                |

A rate "e6" (`floor_e6`, `daily_e6`) is ng/day * NL_PER_ML: U/ms before the step_den
factor, so a flow in nL/day times ng/mL is one without a division."""
from micropython import const

DAY_MS = const(86_400_000)  # ms in a day: the "day" of ng/day against the ms of U/ms
MIN_PER_DAY = const(1440)  # the "min" of a bolus speed in nL/min against the day
MIN_MS = const(60_000)  # the "min" of a prime or bolus speed in nL/min against the ms
NL_PER_ML = const(1_000_000)  # nL x ng/mL = ng x NL_PER_ML
# Above 2**30, a big int on the Pico, as it always was (step_integrator.py held it before).
NG_E6_DAY = const(86_400_000_000_000)  # NL_PER_ML * DAY_MS: U in one ng, per step_den


def ceil_div(a, b):
    """a / b rounded up, for b > 0: the first whole ms by which a dose is earned, the whole
    steps that reach an event, a dose or a volume never reported under its true value."""
    return -(-a // b)


def u_per_ng(step_den):
    return NG_E6_DAY * step_den


def min_flow_e6(flow_nl_per_day, conc_ng_ml):
    """The catheter-open flow as a dose rate of the drug at that concentration (e6)."""
    return flow_nl_per_day * conc_ng_ml


def basal_e6(rate_ng_d, floor_e6=0):
    """A basal rate in ng/day (e6), never below the catheter-open floor (e6)."""
    r = rate_ng_d * NL_PER_ML
    return r if r > floor_e6 else floor_e6


def bolus_u_per_ms(speed_nl_min, conc_ng_ml, step_den):
    return speed_nl_min * conc_ng_ml * MIN_PER_DAY * step_den


def step_dose_u(step_num, conc_ng_ml):
    """The dose of one motor step at the concentration it leaves at (U, a total)."""
    return step_num * conc_ng_ml * DAY_MS


def vu_for_ng(dose_ng, conc_ng_ml, step_den):
    """Volume (VU, 1/step_den nL) that holds `dose_ng` at that concentration, rounded up:
    a bolus is refused if the reservoir holds less."""
    return ceil_div(dose_ng * NL_PER_ML * step_den, conc_ng_ml)


def ng_from_vu_conc(vu_conc, step_den):
    """ng in a sum of volume (VU) x concentration (ng/mL), rounded down."""
    return vu_conc // (step_den * NL_PER_ML)
