"""Commands that change the prescription, the reservoir or the clock: drug, basal, ptm,
reservoir-alarm, capacity, refill, confirm, time. A clinician's, all of them.

Each parses every argument, builds the new draft (checked), and only then hands the pump a
whole new prescription; the pump checks it again (state, concentration, rolling windows)
before it changes anything. So a refusal anywhere leaves the old draft and the old
prescription in force. A new basal or bolus takes effect at once, also while running,
with no stop in delivery (Pump.program keeps the state). Each change is kept in the log
and its reply shows the old and the new values."""
from console.iso_time import format_iso, parse_iso
from app.draft import OFF
from console.show import MIN, show_bolus, show_drugs, show_schedule
from pump import drugs as dt
from pump.errors import PumpError, E_BASAL_ZERO, E_LOW_ALARM_MIN, E_RESERVOIR, E_USAGE
from pump.prescription import Bolus
from pump.schedule import BasalSchedule
from pump.units import (parse_concentration_ng_per_ml, parse_count,
                        parse_dose_rate_ng_per_day, parse_duration_ms, parse_mass_ng,
                        parse_time_of_day_min, parse_volume_nl, volume_as_typed)


def _apply(dev, cand, now, what, old, new, reprogram=True):
    rx = cand.build() if reprogram else None
    if rx is not None:
        dev.pump.program(rx, now)
    dev.draft = cand
    dev.safety.follow(dev.pump, now)
    dev.record("set %s old=%s new=%s" % (what, old, new))
    missing = cand.missing()
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
        dt.lookup(name)  # an unknown drug is refused by name
        pairs.append((name, parse_concentration_ng_per_ml(args[i + 1])))
    drugs = tuple(pairs)
    d = dev.draft
    in_reservoir = dev.pump.reservoir.concs
    if in_reservoir is not None and drugs != in_reservoir:
        # What is in the reservoir changes only with a confirmed refill.
        cand = d.with_("next_drugs", drugs)
        return _apply(dev, cand, now, "drug", show_drugs(d.drugs), show_drugs(drugs), False)
    cand = d.with_("next_drugs", None).with_("drugs", drugs)
    return _apply(dev, cand, now, "drug", show_drugs(d.drugs), show_drugs(drugs))


def _basal_rate(start, text):
    """A step's rate in ng/day: `min` is 0, the rig's least flow said on purpose (schedule
    steps store it so); a typed 0 is refused, as the pump cannot run at it."""
    if text.lower() == MIN:
        return 0
    rate = parse_dose_rate_ng_per_day(text)
    if rate == 0:
        raise PumpError(E_BASAL_ZERO, start)
    return rate


def do_basal(dev, out, args, now):
    if len(args) == 1 and "=" not in args[0]:
        steps = ((0, _basal_rate(0, args[0])),)  # one rate all day
    else:
        pairs = []
        for a in args:
            parts = a.split("=")
            if len(parts) != 2:
                raise PumpError(E_USAGE, "basal")
            start = parse_time_of_day_min(parts[0])
            pairs.append((start, _basal_rate(start, parts[1])))
        steps = tuple(pairs)
    d = dev.draft
    cand = d.with_("schedule", BasalSchedule(steps))
    return _apply(dev, cand, now, "basal", show_schedule(d.schedule),
                  show_schedule(cand.schedule))


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
    d = dev.draft
    cand = d.with_("bolus", bolus)
    old = show_bolus(d.bolus)
    new = show_bolus(bolus)
    return _apply(dev, cand, now, "ptm", "/".join(old), "/".join(new))


def do_low(dev, out, args, now):
    low = parse_volume_nl(args[0])
    d = dev.draft
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
    d = dev.draft
    cand = d.with_("capacity_nl", cap)
    return _apply(dev, cand, now, "capacity", str(d.capacity_nl), str(cap))


def do_refill(dev, out, args, now):
    volume = parse_volume_nl(args[0])
    pump = dev.pump
    old = pump.reservoir.volume_nl()
    drugs = dev.draft.next_drugs
    pump.refill(volume, drugs, now)
    shown = show_drugs(pump.pending[1].drugs)
    out.append("refill %d nL of %s: confirm to fill, any other line cancels"
               % (volume, shown))
    return "volume_nl=%d old_nl=%d drugs=%s confirm=required" % (volume, old, shown)


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
    return "old_nl=%d new_nl=%d old_drugs=%s drugs=%s" % (
        old, pump.reservoir.volume_nl(), old_drugs, new_drugs)


def do_time(dev, out, args, now):
    wall = parse_iso(args[0])
    pump = dev.pump
    old = format_iso(dev.wall(pump.t))
    # After a restart this is the clinician confirming the time: it ends the clock alarm,
    # and boluses follow the usual rules again from the history that survived.
    pump.confirm_time(wall, now)
    new = format_iso(dev.wall(pump.t))
    dev.record("set time old=%s new=%s" % (old, new))
    return "old=%s new=%s" % (old, new)
