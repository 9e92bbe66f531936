"""Boluses at set times of day (`bolus-schedule 08:00=100ug 20:00=100ug over=30m`), issue
16 item 7, as SynchroMed's and Prometra's programmers offer them.

Hazard: a bolus the pump gives by itself, with no one there, is a dose no limit saw
coming. So a scheduled bolus is part of the prescription, and of its schedule: each one
is a raised rate of the primary drug over its minutes (dose x 1440 / minutes, ng/day,
rounded down: never more than asked), added to the basal step it falls on. Everything
that holds the basal holds it then, unchanged: the drug table's daily and hourly rows at
programming (Prescription._check_drug), the rolling windows of every later bolus and
change (a patient press that would crowd the next scheduled bolus's hour is refused),
the step guard, the reservoir forecast, the review's daily dose and its soft limits, and
`status` (basal_ng_d is the rate that runs). It runs only while the pump delivers, as
basal does; a stopped or suspended pump gives none and catches none up, and says so by
its own reminders. The prescription keeps the entries as the clinician gave them
(rx.sched) and the basal alone (rx.basal), which a snapshot stores; the joined schedule
is made again from them.

Two things follow from riding on the basal. Over a `min` step, the bolus's rate stands
in for the rig's least flow during its minutes (the least flow is a mechanical minimum,
not a dose). And each bolus is checked against the clinician bolus row of every drug in
the mix, as a clinician's bolus at the same speed would be, and must run no faster than
the rig's bolus speed at the prescription's strength: `over` defaults to the least whole
minutes that allows (at least one).

Loaded when a prescription with scheduled boluses is built, and dropped after a command
(app/lazy.py): nothing here runs while the pump delivers."""
from micropython import const
from pump import drugs as dt
from pump.dose_units import MIN_MS, MIN_PER_DAY, NL_PER_ML, ceil_div
from pump.errors import PumpError, E_RANGE, E_USAGE, E_BOLUS_OVER, E_SCHED_BOLUS_LIMIT
from pump.schedule import BasalSchedule, MAX_STEPS

MAX_SCHED = const(8)  # boluses a day: three or four is the clinical use (flex dosing)


def least_min(dose_ng, conc, speed_nl_min):
    """The fewest whole minutes (at least one) the rig's bolus speed gives `dose_ng` in;
    one on a rig that names no speed (a test's)."""
    if not speed_nl_min:
        return 1
    m = ceil_div(dose_ng * NL_PER_ML, conc * speed_nl_min)
    return m if m > 1 else 1


def check_entries(entries):
    """Raise unless `entries` ((start_min, dose_ng, over_min), ...) is a list the pump can
    hold: at most MAX_SCHED, in order of time, one bolus a start, doses and minutes
    positive (over 0: the rig's speed), each over at most a day."""
    if not 1 <= len(entries) <= MAX_SCHED:
        raise PumpError(E_RANGE, len(entries), MAX_SCHED)
    prev = -1
    for start, dose, over in entries:
        if type(start) is not int or not prev < start < MIN_PER_DAY:
            raise PumpError(E_USAGE, "bolus-schedule")  # a start said twice
        if type(dose) is not int or dose <= 0:
            raise PumpError(E_RANGE, dose)
        if type(over) is not int:
            raise PumpError(E_RANGE, over)
        if not 0 <= over <= MIN_PER_DAY:
            raise PumpError(E_BOLUS_OVER, over * MIN_MS, MIN_MS, MIN_PER_DAY * MIN_MS)
        prev = start


def minutes(rx, entry):
    """The minutes a scheduled bolus runs over at the prescription's strength."""
    start, dose, over = entry
    least = least_min(dose, rx.drugs[0][1], rx.bolus_nl_per_min)
    if not over:
        return least
    if over < least:
        raise PumpError(E_BOLUS_OVER, over * MIN_MS, least * MIN_MS, MIN_PER_DAY * MIN_MS)
    return over


def rate_ng_d(dose, mins):
    """The raised rate, ng/day, rounded down: the dose given is never over the one asked."""
    return dose * MIN_PER_DAY // mins


def given_ng(dose, mins):
    """What the rounded rate gives over its minutes (ng, rounded down), at most 1 ng under
    the dose asked: `bolus-schedule` says so in its reply where they differ."""
    return rate_ng_d(dose, mins) * mins // MIN_PER_DAY


def joined(basal, rx, entries):
    """The basal with each scheduled bolus's rate added over its minutes (one that
    crosses midnight runs on into the next day's start): a BasalSchedule of at most
    MAX_STEPS + 2 * MAX_SCHED steps, as the pump and every limit read it."""
    check_entries(entries)
    spans = []  # (from_min, to_min, ng/day) within one day
    for e in entries:
        name_limit_check(rx, e)
        mins = minutes(rx, e)
        r = rate_ng_d(e[1], mins)
        end = e[0] + mins
        if end <= MIN_PER_DAY:
            spans.append((e[0], end, r))
        else:
            spans.append((e[0], MIN_PER_DAY, r))
            spans.append((0, end - MIN_PER_DAY, r))
    cuts = set(s for s, _ in basal.steps)
    for a, b, _ in spans:
        cuts.add(a)
        if b < MIN_PER_DAY:
            cuts.add(b)
    steps = []
    for m in sorted(cuts):
        rate = basal.rate_at(m * MIN_MS)
        for a, b, r in spans:
            if a <= m < b:
                rate += r
        if not steps or steps[-1][1] != rate:
            steps.append((m, rate))
    return BasalSchedule(steps, MAX_STEPS + 2 * MAX_SCHED)


def name_limit_check(rx, entry):
    """Refuse a scheduled bolus over the clinician bolus row of any drug of the mix."""
    cp = rx.drugs[0][1]
    for name, conc in rx.drugs:
        cap = dt.lookup(name)[dt.F_MAX_CLINICIAN_BOLUS]
        if entry[1] * conc > cap * cp:
            raise PumpError(E_SCHED_BOLUS_LIMIT, entry[0], name,
                            ceil_div(entry[1] * conc, cp), cap)
