"""Commands that change the prescription, the reservoir or the clock: drug, basal, ptm,
reservoir-alarm, capacity, refill, confirm, time. A clinician's, all of them.

Each parses every argument, builds the new draft (checked), and only then hands the pump a
whole new prescription; the pump checks it again (state, concentration, rolling windows)
before it changes anything. So a refusal anywhere leaves the old draft and the old
prescription in force. The first prescription is programmed as soon as it is whole. A
change to a programmed pump is staged instead (issue 16, item 2: console/cmd_review.py),
and each line edits the staged draft: `commit` hands it to the pump (also while running,
with no stop in delivery: Pump.program keeps the state). Each change is kept in the log
and its reply shows the old and the new values."""
from console.iso_time import format_iso
from console.iso_parse import parse_iso
from app.draft import OFF
from console.show import MIN, show_bolus, show_drugs, show_schedule
from pump import drugs as dt
from pump.errors import (PumpError, E_BASAL_ZERO, E_BELOW_FLOOR, E_BRAND_NAME, E_LOW_ALARM_MIN,
                         E_NOT_PROGRAMMED, E_RESERVOIR, E_USAGE, E_REFILL_WITHDRAWN,
                         E_INVALID_EVENT, E_DAILY_LIMIT, E_HOURLY_LIMIT, E_BOLUS_LIMIT,
                         E_FIRST_FILL)
from pump.prescription import Bolus
from pump.schedule import BasalSchedule
from pump.states import PRIMING, REFILLING, STOPPED
from pump.units import (by_volume, parse_concentration_ng_per_ml, parse_count,
                        parse_dose_rate_ng_per_day, parse_duration_ms, parse_mass_ng,
                        parse_time_of_day_min, parse_volume_nl, volume_as_typed)

# Brand names a clinician may type, with the generic name the drug table knows: a hint in
# the refusal, never an alias (a prescription names the drug by its generic name). Only
# drugs of the table (a test checks).
_BRANDS = (("dilaudid", "hydromorphone"), ("duramorph", "morphine"),
           ("infumorph", "morphine"), ("prialt", "ziconotide"), ("lioresal", "baclofen"),
           ("gablofen", "baclofen"), ("sufenta", "sufentanil"), ("naropin", "ropivacaine"),
           ("marcaine", "bupivacaine"), ("sublimaze", "fentanyl"), ("duraclon", "clonidine"))


def _with_most(err, drugs, rig):
    """A refusal over a drug's row (ERR 32, 33, 34 from pump/prescription.py) with what
    is allowed last (issue 16): for a window, the row less the one step the motor may add
    (the check's own margin, rounded down); for a bolus, the largest bolus of the primary
    drug the row allows, and its name. Worked out here, not where it is raised, so the
    board's resident code is not the larger for it."""
    v = err.args
    if v[0] not in (E_DAILY_LIMIT, E_HOURLY_LIMIT, E_BOLUS_LIMIT) or len(v) != 4 or not drugs:
        return err
    conc = cp = drugs[0][1]
    for n, c in drugs:
        if n == v[1]:
            conc = c
    if v[0] == E_BOLUS_LIMIT:
        return PumpError(v[0], v[1], v[2], v[3], v[3] * cp // conc, drugs[0][0])
    step = -(-rig.step_num * conc // (rig.step_den * 1_000_000))
    return PumpError(v[0], v[1], v[2], v[3], v[3] - step)


def _with(d, field, value):
    """d.with_(field, value) (checked), a refusal over a row saying what is allowed."""
    try:
        return d.with_(field, value)
    except PumpError as err:
        drugs = value if field in ("drugs", "next_drugs") and value else d.drugs
        raise _with_most(err, drugs, d.rig)


def _work(dev):
    """The draft a line edits: the staged one while a change is staged, else the one in
    force."""
    return dev.staged if dev.staged is not None else dev.draft


def _not_while_staged(dev, word):
    """A refill and the mix it brings change the reservoir, not the prescription: kept
    apart from a staged change, so a commit never meets a mix it was not reviewed with."""
    if dev.staged is not None:
        raise PumpError(E_INVALID_EVENT, word, "a change is staged (commit or discard it)")


def _begun(pump):
    """Therapy has begun under the prescription the pump holds: drug has left the
    catheter tip, or the pump is anywhere but stopped (or filling its line). Before
    that, each part applies at once: the first programming, in the implant order (issue
    16, item 1: the dose, the patient bolus, then prime and start)."""
    return pump.rx is not None and (
        bool(pump.delivered) or pump.sm.state not in (STOPPED, PRIMING, REFILLING))


def _apply(dev, cand, now, what, old, new, reprogram=True):
    if reprogram and (dev.staged is not None or _begun(dev.pump)):
        # Therapy has begun: staged for review, not programmed (console/cmd_review.py).
        from console.cmd_review import stage  # dropped after the reply
        try:
            return stage(dev, cand, now, what, old, new)
        except PumpError as err:
            raise _with_most(err, cand.drugs, cand.rig)
    try:
        rx = cand.build() if reprogram else None
    except PumpError as err:
        raise _with_most(err, cand.drugs, cand.rig)
    if rx is not None:
        dev.pump.program(rx, now)
    dev.draft = cand
    dev.safety.follow(dev.pump, now)
    dev.record("set %s old=%s new=%s" % (what, old, new))
    missing = dev.missing()
    if not reprogram:
        state = "at-refill"
    elif rx is not None:
        state = "programmed"
    else:
        state = "draft"
    return "old=%s new=%s rx=%s missing=%s" % (old, new, state,
                                               ",".join(missing) if missing else "-")


def do_drug(dev, out, args, now):
    if len(args) % 2:
        raise PumpError(E_USAGE, "drug")
    pairs = []
    for i in range(0, len(args), 2):
        name = args[i].lower()
        for brand, generic in _BRANDS:
            if name == brand:
                raise PumpError(E_BRAND_NAME, args[i], generic)
        dt.lookup(name)  # an unknown drug is refused by name
        pairs.append((name, parse_concentration_ng_per_ml(args[i + 1])))
    drugs = tuple(pairs)
    d = _work(dev)
    in_reservoir = dev.pump.reservoir.concs
    if in_reservoir is not None and drugs != in_reservoir:
        # What is in the reservoir changes only with a confirmed refill.
        _not_while_staged(dev, "drug")
        cand = _with(d, "next_drugs", drugs)
        return _apply(dev, cand, now, "drug", show_drugs(d.drugs), show_drugs(drugs), False)
    cand = _with(d.with_("next_drugs", None), "drugs", drugs)
    return _apply(dev, cand, now, "drug", show_drugs(d.drugs), show_drugs(drugs))


def _basal_rate(drugs, shown, start, text):
    """A step's rate in ng/day: `min` is 0, the rig's least flow said on purpose (schedule
    steps store it so); a typed 0 is refused, as the pump cannot run at it. A volume per
    time ("0.4mL/d") is the dose it carries at the primary drug's concentration (refused
    without a drug, or if it would round), kept as that dose, and said in `shown`."""
    if text.lower() == MIN:
        return 0
    conc = drugs[0][1] if drugs else None
    rate = parse_dose_rate_ng_per_day(text, conc)
    if rate == 0:
        raise PumpError(E_BASAL_ZERO, start)
    if by_volume(text):
        from console import readable as r
        shown.append("basal %s=%s is %s of %s at %s, kept as that dose" % (
            r.tod(start), text, r.exact_rate(rate), drugs[0][0], r.exact_conc(conc)))
    return rate


def _steps(args, word, drugs, shown):
    if word == "basal" and len(args) == 1 and "=" not in args[0]:
        return [(0, _basal_rate(drugs, shown, 0, args[0]))]  # one rate all day
    pairs = []
    for a in args:
        parts = a.split("=")
        if len(parts) != 2:
            raise PumpError(E_USAGE, word)
        start = parse_time_of_day_min(parts[0])
        pairs.append((start, _basal_rate(drugs, shown, start, parts[1])))
    return pairs


def _typed(args, start):
    """The rate typed for the step at `start` (minutes), or None (an older step)."""
    for a in args:
        parts = a.split("=")
        if len(parts) == 1 and start == 0:
            return parts[0]
        if len(parts) == 2 and parse_time_of_day_min(parts[0]) == start:
            return parts[1]
    return None


def _most_as_typed(err, args, draft):
    """ERR 32/33 from a basal line with what is allowed as a basal rate in the unit typed
    (issue 16: "20ug/d is over its daily limit: at most 19.214ug/d"): the most of the
    drug the window may plan, less the patient boluses it holds, at the primary drug's
    concentration; per day for the day, and as a rate at any hour for the hour."""
    v = err.args
    hourly = v[0] == E_HOURLY_LIMIT
    typed = _typed(args, 0) or args[0].split("=")[-1]
    for a in args:  # an hour's most reads best in a rate per hour, if one was typed
        if hourly and "/h" in a.lower():
            typed = a.split("=")[-1]
    if typed.lower() == MIN or draft.drugs is None:
        return err
    name, most = v[1], v[4]
    cp = draft.drugs[0][1]
    conc = cp
    for n, c in draft.drugs:
        if n == name:
            conc = c
    b = draft.bolus if draft.bolus is not OFF else None
    if b is not None:
        most -= (b.per_hour() if hourly else b.max_per_day) * b.dose_ng * conc // cp
    if most <= 0:
        return err  # the boluses alone fill it: the masses say so
    from pump.units import rate_as_typed
    basal = most * cp // conc * (24 if hourly else 1)
    one_rate = len(args) == 1 and "=" not in args[0]
    what = "" if one_rate and not hourly else (" at any hour" if hourly else
                                               " on average over the day")
    return PumpError(v[0], name, v[2], v[3], "%s basal%s" % (
        rate_as_typed(basal, typed, cp, True), what))


def _as_typed(err, args, draft=None):
    """ERR 14 with the step's rate and the floor in the unit typed for it (issue 14,
    item 1: "600ng/d" was answered with a floor of "4.8ug/d"); ERR 32/33 with the most
    basal allowed in it."""
    v = err.args
    if v[0] in (E_DAILY_LIMIT, E_HOURLY_LIMIT) and len(v) == 5 and draft is not None:
        return _most_as_typed(err, args, draft)
    if v[0] != E_BELOW_FLOOR or len(v) != 7:
        return err
    typed = _typed(args, v[1])
    if typed is None or typed.lower() == MIN:
        return err
    from pump.units import rate_as_typed
    return PumpError(E_BELOW_FLOOR, v[1], typed, rate_as_typed(v[3], typed, v[5]), v[4],
                     v[5], v[6])


def _set_schedule(dev, out, args, now, steps, shown):
    d = _work(dev)
    try:
        cand = _with(d, "schedule", BasalSchedule(steps))
        tail = _apply(dev, cand, now, "basal", show_schedule(d.schedule),
                      show_schedule(cand.schedule))
    except PumpError as err:
        raise _as_typed(err, args, d)
    out.extend(shown)  # only once it is in force
    return tail


def do_basal(dev, out, args, now):
    shown = []
    steps = tuple(_steps(args, "basal", _work(dev).drugs, shown))
    return _set_schedule(dev, out, args, now, steps, shown)


def do_basal_add(dev, out, args, now):
    """`basal+ 08:00=800ug/d ...`: steps added to the schedule, or replacing those that
    start at the same time (issue 16: 24 steps do not fit on one 200-byte line). With no
    schedule yet, the steps are the schedule (so they must include 00:00)."""
    d = _work(dev)
    merged = dict(d.schedule.steps) if d.schedule is not None else {}
    shown = []
    for start, rate in _steps(args, "basal+", d.drugs, shown):
        merged[start] = rate
    steps = tuple((s, merged[s]) for s in sorted(merged))
    return _set_schedule(dev, out, args, now, steps, shown)


def do_ptm(dev, out, args, now):
    if len(args) == 1 and args[0].lower() == OFF:
        bolus = OFF
    else:
        lockout = most = None
        for a in args[1:]:
            parts = a.split("=")
            key = parts[0].lower()
            if len(parts) == 2 and key == "lockout" and lockout is None:
                lockout = parse_duration_ms(parts[1])
            elif len(parts) == 2 and key == "max" and most is None:
                most = parse_count(parts[1], 1, 1000)
            else:
                lockout = None
                break
        if lockout is None or most is None:
            raise PumpError(E_USAGE, "ptm")
        bolus = Bolus(parse_mass_ng(args[0]), lockout, most)
    d = _work(dev)
    cand = _with(d, "bolus", bolus)
    old = show_bolus(d.bolus)
    new = show_bolus(bolus)
    return _apply(dev, cand, now, "ptm", "/".join(old), "/".join(new))


def do_low(dev, out, args, now):
    low = parse_volume_nl(args[0])
    d = _work(dev)
    # The warning exists to leave time for a refill; at 0 it would come with the empty
    # alarm, i.e. never. The least threshold is a day at the rig's catheter-open minimum
    # flow, the slowest the pump ever runs: at that rate the warning still comes a day
    # ahead, on every rig (48 uL on those shipped), and it refuses 0 and "a step or two".
    # Checked here, where it is typed, not in Prescription: a snapshot written before this
    # rule still restores.
    least = d.rig.min_flow_nl_per_day
    if low < least:
        raise PumpError(E_LOW_ALARM_MIN, args[0], volume_as_typed(least, args[0]))
    cand = d.with_("low_nl", low)
    return _apply(dev, cand, now, "reservoir-alarm",
                  "-" if d.low_nl is None else str(d.low_nl), str(low))


def do_capacity(dev, out, args, now):
    cap = parse_volume_nl(args[0])
    held = dev.pump.reservoir.volume_nl()
    if cap < held:
        raise PumpError(E_RESERVOIR, held, cap)  # the reservoir already holds more
    d = _work(dev)
    cand = d.with_("capacity_nl", cap)
    return _apply(dev, cand, now, "capacity", str(d.capacity_nl), str(cap))


# A withdrawn volume further than this from the count, in % of what left since the fill
# (and at least two steps), raises `refill_check`. Clinical per-refill errors are a few %
# (Wesemann 2014, SynchroMed II: +2.5 % mean per refill), so this flags a leak, a pocket
# fill or a wrong step volume, not a syringe read to its marks.
REFILL_CHECK_PCT = 15


def _first_fill(held, drugs):
    """Refuse a drug's first fill (the reservoir did not hold it) at a strength or in a
    mix its label does not fill a new pump with: ziconotide, undiluted 25 ug/mL alone
    (pump/drug_soft.py). What the reservoir held is all the pump can know of "first":
    a fill after another drug counts as one, as the drug meets its surfaces anew."""
    from pump.drug_soft import first_fill_refusal  # dropped after the command
    bad = first_fill_refusal(held, drugs)
    if bad is not None:
        raise PumpError(E_FIRST_FILL, *bad)


def do_refill(dev, out, args, now):
    """`refill <volume> [withdrawn=<volume>]`: what the clinician withdrew before filling,
    measured, is compared with what the pump counts (issue 16: the count was overwritten
    unchecked). Needed whenever the pump counts anything in the reservoir."""
    _not_while_staged(dev, "refill")
    volume = parse_volume_nl(args[0])
    withdrawn = None
    if len(args) == 2:
        key, _, value = args[1].partition("=")
        if key.lower() != "withdrawn" or not value:
            raise PumpError(E_USAGE, "refill")
        withdrawn = parse_volume_nl(value)
    pump = dev.pump
    old = pump.reservoir.volume_nl()
    if withdrawn is None and old > 0:
        raise PumpError(E_REFILL_WITHDRAWN, volume_as_typed(old, args[0]))
    if pump.rx is None:
        # Not programmed yet: the drug is all a fill needs (issue 16, item 1).
        drugs = dev.draft.next_drugs or dev.draft.drugs
        if drugs is None:
            raise PumpError(E_NOT_PROGRAMMED, "drug")
        _first_fill(pump.reservoir.concs, drugs)
        pump.refill(volume, drugs, now, dev.draft.capacity_nl)
    else:
        _first_fill(pump.reservoir.concs, dev.draft.next_drugs or pump.rx.drugs)
        try:
            pump.refill(volume, dev.draft.next_drugs, now)
        except PumpError as err:  # the new strengths over a row: what is allowed
            raise _with_most(err, dev.draft.next_drugs, pump.rig)
    r = pump.rig
    since = pump.reservoir.steps_since_fill * r.step_num // r.step_den
    dev.refill_check = (0 if withdrawn is None else withdrawn, old, since)
    shown = show_drugs(pump.pending[1].drugs)
    out.append("refill %d nL of %s, %d nL withdrawn against %d nL counted: confirm to "
               "fill; status, rx, alarms, log, help or whoami keep it waiting, any other "
               "line cancels" % (volume, shown, dev.refill_check[0], old))
    return "volume_nl=%d old_nl=%d withdrawn_nl=%d drugs=%s confirm=required" % (
        volume, old, dev.refill_check[0], shown)


def _reconcile(dev, now):
    """The withdrawn volume against the count: logged always, `refill_check` raised when
    they differ by more than REFILL_CHECK_PCT of what left since the fill."""
    check, dev.refill_check = dev.refill_check, None
    if check is None:
        return "-"
    withdrawn, counted, since = check
    off = withdrawn - counted
    r = dev.pump.rig
    pct = abs(off) * 100 // since if since else (0 if not off else 100)
    dev.record("refill-check withdrawn_nl=%d counted_nl=%d since_fill_nl=%d off_nl=%d "
               "off_pct=%d" % (withdrawn, counted, since, off, pct))
    two_steps = 2 * r.step_num // r.step_den + 1
    if abs(off) > two_steps and abs(off) * 100 > since * REFILL_CHECK_PCT:
        dev.pump.fault("refill_check", now)
        dev.pump.cause_gone("refill_check", now)  # a finding: latched until acknowledged
    return "%d" % off


def do_confirm(dev, out, args, now):
    pump = dev.pump
    d = dev.draft
    cand = d
    if pump.pending is not None and d.next_drugs is not None \
            and pump.pending[1].drugs == d.next_drugs:
        cand = d.with_("drugs", d.next_drugs).with_("next_drugs", None)  # checked first
    old = pump.reservoir.volume_nl()
    old_drugs = show_drugs(pump.reservoir.concs)
    pump.confirm(now)
    dev.draft = cand
    dev.safety.follow(pump, now)
    new_drugs = show_drugs(pump.reservoir.concs)
    dev.record("set reservoir old=%d new=%d old_drugs=%s new_drugs=%s"
               % (old, pump.reservoir.volume_nl(), old_drugs, new_drugs))
    off = _reconcile(dev, now)
    return "old_nl=%d new_nl=%d old_drugs=%s drugs=%s withdrawn_off_nl=%s" % (
        old, pump.reservoir.volume_nl(), old_drugs, new_drugs, off)


def do_time(dev, out, args, now):
    wall = parse_iso(args[0])
    pump = dev.pump
    old = format_iso(dev.wall(pump.t))
    # After a restart this is the clinician confirming the time: it ends the clock alarm,
    # and boluses follow the usual rules again from the history that survived.
    pump.confirm_time(wall, now)
    dev.day_end = 0  # the day's activity follows the clock (app/activity.py)
    new = format_iso(dev.wall(pump.t))
    dev.record("set time old=%s new=%s" % (old, new))
    return "old=%s new=%s" % (old, new)
