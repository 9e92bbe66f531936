"""The review of a change to a programmed pump (issue 16, item 2): each drug's daily dose
in force and staged, the change in %, and the first soft limit (pump/drug_soft.py) the
staged prescription would pass. Pure: reads two prescriptions, changes nothing, moves
nothing; integers only.

The daily dose is counted two ways, both in ng/day of each drug: the basal's day (a
`min` step at the rig's least flow, as the pump runs it) and the most a day can give,
the basal's day plus every patient bolus the 24 h maximum allows. Soft limits hold the
basal's day, as their sources state them (a titration step is a step of the infusion:
DOMAIN case 3 goes 0.4, 0.6, 0.7, 1.0 mg/day while its patient bolus goes from none to
0.2 mg x 6, which on the most a day would be +100 %); a patient bolus is held by its
own hard rows (dose, count, the rolling windows).

Loaded by the review's commands and dropped after them (app/lazy.py)."""
from micropython import const
from pump.dose_units import NG_E6_DAY

K_SOFT_MAX = const(0)  # over the drug's usual daily maximum (drug_soft S_DAILY)
K_STEP_PCT = const(1)  # a rise over the usual titration step in % (S_STEP_PCT)
K_STEP_NG = const(2)  # a rise over the usual titration step in ng/day (S_STEP_NG)


def doses(rx):
    """((name, basal ng/day, most ng/day), ...) for each drug of `rx`, primary first;
    rounded to the nearest ng. Every drug rides on the primary's flow, at its own
    concentration."""
    cp = rx.drugs[0][1]
    basal_e6 = rx.schedule.daily_e6(rx.floor_e6())
    b = rx.bolus
    bolus_ng = 0 if b is None else b.dose_ng * b.max_per_day
    out = []
    for name, conc in rx.drugs:
        basal = (basal_e6 * conc // cp + NG_E6_DAY // 2) // NG_E6_DAY
        out.append((name, basal, basal + (bolus_ng * conc + cp // 2) // cp))
    return tuple(out)


def pct(old, new):
    """The change from old to new in whole %, rounded to the nearest, halves away from
    zero (+12.5 % is +13, -12.5 % is -13); None from nothing (a drug new to the mix)."""
    if old <= 0:
        return None
    d = new - old
    q = (abs(d) * 200 + old) // (2 * old)
    return q if d >= 0 else -q


def show_pct(p):
    return "new" if p is None else "%+d" % p


def dose_of(table, name):
    for row in table:
        if row[0] == name:
            return row
    return None


def soft_finding(old_rx, new_rx):
    """The first soft limit the change from old_rx to new_rx passes, as the values of
    ERR 99: (drug, kind K_*, new basal ng/day, old basal ng/day, limit), or None.

    Only a rise is held to a soft limit (a fall never needs the override, even above a
    usual maximum), and only for a drug the old prescription gave: a drug new to the mix
    has no dose to titrate from (its hard row still holds)."""
    from pump.drug_soft import (soft, step_passed, S_DAILY, S_STEP_NG,  # dropped after
                                S_STEP_PCT)
    old = doses(old_rx)
    for name, new, _ in doses(new_rx):
        was = dose_of(old, name)
        row = soft(name)
        if was is None or row is None or new <= was[1]:
            continue
        then = was[1]
        if row[S_DAILY] and new > row[S_DAILY]:
            return (name, K_SOFT_MAX, new, then, row[S_DAILY])
        if step_passed(name, then, new):
            if row[S_STEP_NG] > then * row[S_STEP_PCT] // 100:
                return (name, K_STEP_NG, new, then, row[S_STEP_NG])
            return (name, K_STEP_PCT, new, then, row[S_STEP_PCT])
    return None
