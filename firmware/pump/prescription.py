"""A prescription: drugs with concentrations (primary first), the basal schedule in dose of
the primary drug, the patient bolus, and the reservoir's capacity and low threshold.

Checked in full when built, against the drug table and the rig (pump/rx_check.py, loaded
for the build and dropped after it): a pump never holds a prescription it would later
refuse. Every drug's dose follows from the same flow, so each
secondary drug is checked at its own concentration. Never changes after construction.

The rig's least flow (catheter-open, `min_flow_nl_per_day`) is a floor no rate can go
under. A basal step of 0 is the floor, said on purpose (`basal 00:00=min`); any other
step under it at the primary drug's concentration is refused with the floor and the
dilution that would allow it (it was silently raised: ziconotide ran at 4.7 ug/day where
1.2 was programmed). A drug whose floor alone is over its table row is refused whatever
the schedule (sufentanil at its top concentration on the 60 mL rig)."""
from micropython import const
from pump import drugs as dt
from pump.dose_units import NL_PER_ML, ceil_div, min_flow_e6
from pump.errors import (PumpError, E_RANGE, E_TOO_MANY_DRUGS, E_DUPLICATE_DRUG,
                         E_CONC_LIMIT, E_RESERVOIR)
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
    def __init__(self, drugs, schedule, bolus, capacity_nl, low_nl, rig, sched=None):
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
        self.basal = schedule  # as programmed; `schedule` is what runs
        self.sched = sched  # scheduled boluses ((start_min, ng, over_min), ...) or None
        self.bolus_nl_per_min = getattr(rig, "bolus_nl_per_min", 0)
        if sched:  # joined to the basal, so every limit holds them (pump/sched_bolus.py)
            from pump.sched_bolus import joined
            schedule = joined(schedule, self, sched)
        self.schedule = schedule
        self.bolus = bolus
        self.capacity_nl = capacity_nl
        self.low_nl = low_nl
        self.min_flow_nl_per_day = rig.min_flow_nl_per_day
        self.step_num = rig.step_num
        self.step_den = rig.step_den
        self.occlusion_nl = getattr(rig, "occlusion_nl", None)
        from pump.rx_check import check  # dropped after the command or the boot
        check(self)

    def primary(self):
        return self.drugs[0][0]

    def floor_e6(self, primary_conc=None):
        """The catheter-open flow as a primary-drug dose rate, ng/day*1e6."""
        c = self.drugs[0][1] if primary_conc is None else primary_conc
        return min_flow_e6(self.min_flow_nl_per_day, c)

    def with_concs(self, concs):
        """The same prescription for a refill at other concentrations (checked again)."""
        return Prescription(concs, self.basal, self.bolus, self.capacity_nl, self.low_nl,
                            _RigView(self.min_flow_nl_per_day, self.capacity_nl,
                                     self.step_num, self.step_den, self.occlusion_nl,
                                     self.bolus_nl_per_min), self.sched)

    def release_vd(self):
        """The most a cleared occlusion can release after the relief, nL * step_den, or
        None if the rig does not say what it traps: the line trips under the trap plus
        one step, and the relief draws back the whole steps within the trap."""
        occ = self.occlusion_nl
        if occ is None:
            return None
        sn, sd = self.step_num, self.step_den
        return occ * sd - (occ * sd // sn) * sn + sn

    def basal_ng_d(self, tod_ms, primary_conc=None):
        """The basal rate really delivered at a time of day: the step's, or the floor
        where it is min (ng/day, rounded up: a dose is never shown under its truth)."""
        r = self.schedule.rate_at(tod_ms) * NL_PER_ML
        floor = self.floor_e6(primary_conc)
        return ceil_div(r if r > floor else floor, NL_PER_ML)

    def limit_ng(self, field):
        """The tightest limit of a field over every drug, as primary-drug ng (floor)."""
        cp = self.drugs[0][1]
        best = None
        for name, conc in self.drugs:
            v = dt.lookup(name)[field] * cp // conc
            if best is None or v < best:
                best = v
        return best


class _RigView:
    """What a prescription needs of the rig, kept so a refill can re-check it."""

    def __init__(self, min_flow_nl_per_day, capacity_nl, step_num, step_den, occlusion_nl,
                 bolus_nl_per_min):
        self.occlusion_nl = occlusion_nl
        self.bolus_nl_per_min = bolus_nl_per_min
        self.min_flow_nl_per_day = min_flow_nl_per_day
        self.capacity_nl = capacity_nl
        self.step_num = step_num
        self.step_den = step_den
