"""A prescription: drugs with concentrations (primary first), the basal schedule in dose of
the primary drug, the patient bolus, and the reservoir's capacity and low threshold.

Checked in full when built, against the drug table and the rig: a pump never holds a
prescription it would later refuse. Every drug's dose follows from the same flow, so each
secondary drug is checked at its own concentration. Never changes after construction.

The rig's least flow (catheter-open, `min_flow_nl_per_day`) is a floor no rate can go
under. A basal step of 0 is the floor, said on purpose (`basal 00:00=min`); any other
step under it at the primary drug's concentration is refused with the floor and the
dilution that would allow it (it was silently raised: ziconotide ran at 4.7 ug/day where
1.2 was programmed). A drug whose floor alone is over its table row is refused whatever
the schedule (sufentanil at its top concentration on the 60 mL rig)."""
from micropython import const
from pump import drugs as dt
from pump.dose_units import NG_E6_DAY, NL_PER_ML, ceil_div, min_flow_e6
from pump.errors import (PumpError, E_RANGE, E_TOO_MANY_DRUGS, E_DUPLICATE_DRUG,
                         E_CONC_LIMIT, E_DAILY_LIMIT, E_HOURLY_LIMIT, E_BOLUS_LIMIT,
                         E_BOLUS_COUNT_LIMIT, E_LOCKOUT_RANGE, E_RESERVOIR, E_BELOW_FLOOR,
                         E_FLOOR_OVER_LIMIT, E_RELEASE_OVER_BOLUS)
from pump.schedule import HOUR_MS

MAX_SECONDARY = const(3)


class Bolus:
    """Patient bolus settings: dose of the primary drug, lockout, maximum per 24 h."""

    def __init__(self, dose_ng, lockout_ms, max_per_day):
        for v in (dose_ng, lockout_ms, max_per_day):
            if type(v) is not int or v <= 0:
                raise PumpError(E_RANGE, v)
        self.dose_ng = dose_ng
        self.lockout_ms = lockout_ms
        self.max_per_day = max_per_day

    def per_hour(self):
        """Most boluses that can start inside one hour, lockout allowing."""
        n = (HOUR_MS - 1) // self.lockout_ms + 1
        return n if n < self.max_per_day else self.max_per_day


class Prescription:
    def __init__(self, drugs, schedule, bolus, capacity_nl, low_nl, rig):
        drugs = tuple(drugs)
        if not 1 <= len(drugs) <= 1 + MAX_SECONDARY:
            raise PumpError(E_TOO_MANY_DRUGS, len(drugs))
        names = []
        for name, conc in drugs:
            if name in names:
                raise PumpError(E_DUPLICATE_DRUG, name)
            names.append(name)
            if type(conc) is not int or conc <= 0:
                raise PumpError(E_RANGE, conc)
            limit = dt.lookup(name)[dt.F_MAX_CONC]
            if conc > limit:
                raise PumpError(E_CONC_LIMIT, name, conc, limit)
        if type(capacity_nl) is not int or not 0 < capacity_nl <= rig.capacity_nl:
            raise PumpError(E_RESERVOIR, capacity_nl, rig.capacity_nl)
        if type(low_nl) is not int or not 0 <= low_nl < capacity_nl:
            raise PumpError(E_RESERVOIR, low_nl, capacity_nl)
        self.drugs = drugs
        self.schedule = schedule
        self.bolus = bolus
        self.capacity_nl = capacity_nl
        self.low_nl = low_nl
        self.min_flow_nl_per_day = rig.min_flow_nl_per_day
        self.step_num = rig.step_num
        self.step_den = rig.step_den
        self.occlusion_nl = getattr(rig, "occlusion_nl", None)
        for i in range(len(drugs)):
            self._check_floor_of(i)
            self._check_release_of(i)
        self._check_steps_over_floor()
        for i in range(len(drugs)):
            self._check_drug(i)

    def primary(self):
        return self.drugs[0][0]

    def floor_e6(self, primary_conc=None):
        """The catheter-open flow as a primary-drug dose rate, ng/day*1e6."""
        c = self.drugs[0][1] if primary_conc is None else primary_conc
        return min_flow_e6(self.min_flow_nl_per_day, c)

    def with_concs(self, concs):
        """The same prescription for a refill at other concentrations (checked again)."""
        return Prescription(concs, self.schedule, self.bolus, self.capacity_nl, self.low_nl,
                            _RigView(self.min_flow_nl_per_day, self.capacity_nl,
                                     self.step_num, self.step_den, self.occlusion_nl))

    def release_vd(self):
        """The most a cleared occlusion can release after the relief, nL * step_den, or
        None if the rig does not say what it traps: the line trips under the trap plus
        one step, and the relief draws back the whole steps within the trap."""
        occ = self.occlusion_nl
        if occ is None:
            return None
        sn, sd = self.step_num, self.step_den
        return occ * sd - (occ * sd // sn) * sn + sn

    def _release_most(self, name):
        """The most ng/mL of `name` whose release stays within its bolus limit, or None.
        The limit is the patient bolus (F_MAX_BOLUS): a release comes unasked, with no
        clinician there, as a press does. A drug with no patient bolus (0: a policy, not a
        dose) is held to half its clinician bolus, the table's own patient derivation."""
        vd = self.release_vd()
        if vd is None:
            return None
        return _release_limit(name) * NL_PER_ML * self.step_den // vd

    def _check_release_of(self, i):
        """Refuse a drug a cleared occlusion could release more of than its bolus limit."""
        name, conc = self.drugs[i]
        most = self._release_most(name)
        if most is None or conc <= most:
            return
        floor_most = self._floor_most(name)
        most = most if floor_most is None or most < floor_most else floor_most
        vd = self.release_vd()
        raise PumpError(E_RELEASE_OVER_BOLUS, name, conc,
                        ceil_div(conc * vd, NL_PER_ML * self.step_den), _release_limit(name),
                        most)

    def _check_floor_of(self, i):
        """Refuse a drug whose dose at the rig's least flow alone, with the one step a
        window may hold beyond its ideal (as _check_drug counts it), is over its daily or
        hourly limit: no schedule could keep it inside its table row."""
        flow = self.min_flow_nl_per_day
        if not flow:
            return
        name, conc = self.drugs[i]
        row = dt.lookup(name)
        sn, sd = self.step_num, self.step_den
        # Over a span of 1/per_day of a day, in nL * step_den: the floor's volume plus a
        # step. The most ng/mL is the one at which that volume holds the limit.
        spans = ((0, row[dt.F_MAX_DAILY], 1), (1, row[dt.F_MAX_HOURLY], 24))
        most = self._floor_most(name)
        if conc <= most:
            return
        release = self._release_most(name)  # the most named is one the rig can run
        most = most if release is None or most < release else release
        for window, limit, per_day in spans:
            vol = flow * sd + per_day * sn  # per_day * (the span's volume), nL * step_den
            if conc * vol > limit * per_day * NL_PER_ML * sd:
                raise PumpError(E_FLOOR_OVER_LIMIT, name, conc,
                                ceil_div(conc * vol, per_day * NL_PER_ML * sd), window, limit,
                                most)

    def _floor_most(self, name):
        """The most ng/mL of `name` whose least flow, plus a step, fits its row; None if
        the rig has no least flow."""
        flow = self.min_flow_nl_per_day
        if not flow:
            return None
        row = dt.lookup(name)
        sn, sd = self.step_num, self.step_den
        most = None
        for limit, per_day in ((row[dt.F_MAX_DAILY], 1), (row[dt.F_MAX_HOURLY], 24)):
            allowed = limit * per_day * NL_PER_ML * sd // (flow * sd + per_day * sn)
            most = allowed if most is None or allowed < most else most
        return most

    def _check_steps_over_floor(self):
        """Refuse a basal step under the floor; 0 (min) is the floor itself."""
        floor = self.floor_e6()
        if not floor:
            return
        name, conc = self.drugs[0]
        for start, rate in self.schedule.steps:
            if rate and rate * NL_PER_ML < floor:
                raise PumpError(E_BELOW_FLOOR, start, rate, ceil_div(floor, NL_PER_ML), name,
                                conc, rate * NL_PER_ML // self.min_flow_nl_per_day)

    def basal_ng_d(self, tod_ms, primary_conc=None):
        """The basal rate really delivered at a time of day: the step's, or the floor
        where it is min (ng/day, rounded up: a dose is never shown under its truth)."""
        r = self.schedule.rate_at(tod_ms) * NL_PER_ML
        floor = self.floor_e6(primary_conc)
        return ceil_div(r if r > floor else floor, NL_PER_ML)

    def _check_drug(self, i):
        name, conc = self.drugs[i]
        cp = self.drugs[0][1]
        row = dt.lookup(name)
        floor = self.floor_e6()
        # Doses of drug i in ng * NG_E6_DAY * cp, to compare without division.
        daily = self.schedule.daily_e6(floor) * conc
        hourly = self.schedule.max_window_e6(HOUR_MS, floor) * conc
        b = self.bolus
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
        scale = self.step_den * NL_PER_ML
        step = self.step_num * conc * NG_E6_DAY * cp
        for total, field, code in ((daily, dt.F_MAX_DAILY, E_DAILY_LIMIT),
                                   (hourly, dt.F_MAX_HOURLY, E_HOURLY_LIMIT)):
            if total * scale + step > row[field] * NG_E6_DAY * cp * scale:
                raise PumpError(code, name, _ng(total, NG_E6_DAY * cp), row[field])

    def limit_ng(self, field):
        """The tightest limit of a field over every drug, as primary-drug ng (floor)."""
        cp = self.drugs[0][1]
        best = None
        for name, conc in self.drugs:
            v = dt.lookup(name)[field] * cp // conc
            if best is None or v < best:
                best = v
        return best


def _ng(scaled, den):
    return ceil_div(scaled, den)


class _RigView:
    """What a prescription needs of the rig, kept so a refill can re-check it."""

    def __init__(self, min_flow_nl_per_day, capacity_nl, step_num, step_den, occlusion_nl):
        self.occlusion_nl = occlusion_nl
        self.min_flow_nl_per_day = min_flow_nl_per_day
        self.capacity_nl = capacity_nl
        self.step_num = step_num
        self.step_den = step_den


def _release_limit(name):
    row = dt.lookup(name)
    b = row[dt.F_MAX_BOLUS]
    return b if b else row[dt.F_MAX_CLINICIAN_BOLUS] // 2
