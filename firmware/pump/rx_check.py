"""The checks a Prescription passes when it is built (pump/prescription.py): every drug
against its table row, the rig's least flow and what a cleared occlusion releases, each
basal step over the floor. Loaded when a prescription is built (a command, or the restore
at boot) and dropped after it (app/lazy.py, app/boot.py): none of it runs while the pump
delivers, and the Pico's heap is the room it frees."""
from pump import drugs as dt
from pump.dose_units import NG_E6_DAY, NL_PER_ML, ceil_div
from pump.errors import (PumpError, E_DAILY_LIMIT, E_HOURLY_LIMIT, E_BOLUS_LIMIT,
                         E_BOLUS_COUNT_LIMIT, E_LOCKOUT_RANGE, E_BELOW_FLOOR,
                         E_FLOOR_OVER_LIMIT, E_RELEASE_OVER_BOLUS)
from pump.schedule import HOUR_MS


def check(rx):
    """Raise what the drug table or the rig refuses in `rx`, whose fields are set."""
    for i in range(len(rx.drugs)):
        _check_floor_of(rx, i)
        _check_release_of(rx, i)
    _check_steps_over_floor(rx)
    for i in range(len(rx.drugs)):
        _check_drug(rx, i)


def _release_most(rx, name):
    """The most ng/mL of `name` whose release stays within its bolus limit, or None.
    The limit is the patient bolus (F_MAX_BOLUS): a release comes unasked, with no
    clinician there, as a press does. A drug with no patient bolus (0: a policy, not a
    dose) is held to half its clinician bolus, the table's own patient derivation."""
    vd = rx.release_vd()
    if vd is None:
        return None
    return _release_limit(name) * NL_PER_ML * rx.step_den // vd


def _check_release_of(rx, i):
    """Refuse a drug a cleared occlusion could release more of than its bolus limit."""
    name, conc = rx.drugs[i]
    most = _release_most(rx, name)
    if most is None or conc <= most:
        return
    floor_most = _floor_most(rx, name)
    most = most if floor_most is None or most < floor_most else floor_most
    vd = rx.release_vd()
    raise PumpError(E_RELEASE_OVER_BOLUS, name, conc,
                    ceil_div(conc * vd, NL_PER_ML * rx.step_den), _release_limit(name),
                    most)


def _check_floor_of(rx, i):
    """Refuse a drug whose dose at the rig's least flow alone, with the one step a
    window may hold beyond its ideal (as _check_drug counts it), is over its daily or
    hourly limit: no schedule could keep it inside its table row."""
    flow = rx.min_flow_nl_per_day
    if not flow:
        return
    name, conc = rx.drugs[i]
    row = dt.lookup(name)
    sn, sd = rx.step_num, rx.step_den
    # Over a span of 1/per_day of a day, in nL * step_den: the floor's volume plus a
    # step. The most ng/mL is the one at which that volume holds the limit.
    spans = ((0, row[dt.F_MAX_DAILY], 1), (1, row[dt.F_MAX_HOURLY], 24))
    most = _floor_most(rx, name)
    if conc <= most:
        return
    release = _release_most(rx, name)  # the most named is one the rig can run
    most = most if release is None or most < release else release
    for window, limit, per_day in spans:
        vol = flow * sd + per_day * sn  # per_day * (the span's volume), nL * step_den
        if conc * vol > limit * per_day * NL_PER_ML * sd:
            raise PumpError(E_FLOOR_OVER_LIMIT, name, conc,
                            ceil_div(conc * vol, per_day * NL_PER_ML * sd), window, limit,
                            most)


def _floor_most(rx, name):
    """The most ng/mL of `name` whose least flow, plus a step, fits its row; None if
    the rig has no least flow."""
    flow = rx.min_flow_nl_per_day
    if not flow:
        return None
    row = dt.lookup(name)
    sn, sd = rx.step_num, rx.step_den
    most = None
    for limit, per_day in ((row[dt.F_MAX_DAILY], 1), (row[dt.F_MAX_HOURLY], 24)):
        allowed = limit * per_day * NL_PER_ML * sd // (flow * sd + per_day * sn)
        most = allowed if most is None or allowed < most else most
    return most


def _check_steps_over_floor(rx):
    """Refuse a basal step under the floor; 0 (min) is the floor itrx."""
    floor = rx.floor_e6()
    if not floor:
        return
    name, conc = rx.drugs[0]
    for start, rate in rx.schedule.steps:
        if rate and rate * NL_PER_ML < floor:
            raise PumpError(E_BELOW_FLOOR, start, rate, ceil_div(floor, NL_PER_ML), name,
                            conc, rate * NL_PER_ML // rx.min_flow_nl_per_day)


def _check_drug(rx, i):
    name, conc = rx.drugs[i]
    cp = rx.drugs[0][1]
    row = dt.lookup(name)
    floor = rx.floor_e6()
    # Doses of drug i in ng * NG_E6_DAY * cp, to compare without division.
    daily = rx.schedule.daily_e6(floor) * conc
    hourly = rx.schedule.max_window_e6(HOUR_MS, floor) * conc
    b = rx.bolus
    if b is not None:
        if b.dose_ng * conc > row[dt.F_MAX_BOLUS] * cp:
            raise PumpError(E_BOLUS_LIMIT, name, _ng(b.dose_ng * conc, cp),
                            row[dt.F_MAX_BOLUS])
        if b.max_per_day > row[dt.F_MAX_BOLUSES_PER_DAY]:
            raise PumpError(E_BOLUS_COUNT_LIMIT, name, b.max_per_day,
                            row[dt.F_MAX_BOLUSES_PER_DAY])
        if b.lockout_ms < row[dt.F_MIN_LOCKOUT]:
            raise PumpError(E_LOCKOUT_RANGE, name, b.lockout_ms, row[dt.F_MIN_LOCKOUT])
        daily += b.max_per_day * b.dose_ng * NG_E6_DAY * conc
        hourly += b.per_hour() * b.dose_ng * NG_E6_DAY * conc
    # The motor trails the ideal by less than a step, so a window can hold up to one
    # step more than its ideal: the ideal must leave that step free under the limit.
    # Compared with both sides times step_den * NL_PER_ML to stay in integers.
    scale = rx.step_den * NL_PER_ML
    step = rx.step_num * conc * NG_E6_DAY * cp
    for total, field, code in ((daily, dt.F_MAX_DAILY, E_DAILY_LIMIT),
                               (hourly, dt.F_MAX_HOURLY, E_HOURLY_LIMIT)):
        if total * scale + step > row[field] * NG_E6_DAY * cp * scale:
            raise PumpError(code, name, _ng(total, NG_E6_DAY * cp), row[field])


def _ng(scaled, den):
    return ceil_div(scaled, den)


def _release_limit(name):
    row = dt.lookup(name)
    b = row[dt.F_MAX_BOLUS]
    return b if b else row[dt.F_MAX_CLINICIAN_BOLUS] // 2
