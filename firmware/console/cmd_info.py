"""Commands that read and change nothing, and that no host polls: help, log, rx.

Anyone may use them (the patient included): they show the pump's state and never a PIN.
Loaded for their command and dropped after it (app/lazy.py), with console/show.py: the
Pico's heap keeps only what `status` and `alarms` need resident (console/cmd_read.py)."""
from console.show import show_bolus, show_drugs, show_int, show_schedule
from pump.errors import PumpError, E_UNKNOWN_COMMAND


def do_help(dev, out, args, now):
    from console.commands import COMMANDS, ROLE_NAMES, find
    if args:
        entry = find(args[0].lower())
        if entry is None:
            raise PumpError(E_UNKNOWN_COMMAND, args[0][:24])
        from console.usage import USAGE  # help text: loaded here only, dropped after
        out.append("%s  (%s)" % (USAGE[entry[0]], ROLE_NAMES[entry[1]]))
        return "command=%s role=%s" % (entry[0], ROLE_NAMES[entry[1]])
    for role in range(len(ROLE_NAMES)):
        words = [e[0] for e in COMMANDS if e[1] == role]
        out.append("%s: %s" % (ROLE_NAMES[role], " ".join(words)))
    return "commands=%d" % len(COMMANDS)


def do_log(dev, out, args, now):
    if args:
        from pump.units import parse_count
        n = parse_count(args[0], 1, 64)
    else:
        n = 20
    lines = dev.notes.last(n)
    out.extend(lines)
    return "lines=%d" % len(lines)


def do_rx(dev, out, args, now):
    d = dev.draft
    rx = dev.pump.rx
    dose, lockout, most = show_bolus(d.bolus)
    out.append("drug %s" % show_drugs(d.drugs))
    if d.next_drugs is not None:
        out.append("drug-at-next-refill %s" % show_drugs(d.next_drugs))
    out.append("basal %s" % show_schedule(d.schedule))
    out.append("ptm dose_ng=%s lockout_ms=%s max=%s" % (dose, lockout, most))
    low = d.low_nl_in_use()
    out.append("reservoir-alarm %s%s" % (show_int(low), " default" if d.low_nl is None
                                         and low is not None else ""))
    out.append("capacity %s" % show_int(d.capacity_nl))
    missing = dev.missing()
    return "programmed=%d missing=%s" % (0 if rx is None else 1,
                                         ",".join(missing) if missing else "-")
