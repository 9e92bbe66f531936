"""Commands that read and change nothing, and that no host polls: help, log (`rx`, with
the review beside it, is console/cmd_review.py).

Anyone may use them (the patient included): they show the pump's state and never a PIN.
Loaded for their command and dropped after it (app/lazy.py): the
Pico's heap keeps only what `status` and `alarms` need resident (console/cmd_read.py)."""
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

