"""The words for every error code: the table console/messages.py reads. Loaded when a
reply needs words and dropped after it (app/lazy.py): most of this file is text, and
it need not live in the heap between commands.

(code, short name, template over the error's values); a code with no entry still prints
its values (messages.text), and the test suite fails until it has one."""
from micropython import const
from pump import errors as e

# pump.units.K_DIGITS and K_ISO, not imported: that module need not load with every error's
# words (a patient's refused bolus). tests/core/test_messages.py keeps them equal.
_K_DIGITS = const(7)
_K_ISO = const(8)

MESSAGES = (
    (e.E_BAD_NUMBER, "bad number", "not a number: %s (write %s)"),
    (e.E_BAD_UNIT, "bad unit", "missing, unknown or wrong unit: %s (write %s)"),
    (e.E_PRECISION, "precision", "%s is finer than one %s, the least the pump counts: "
     "round it"),
    (e.E_RANGE, "range", "out of range: %s (%s)"),
    (e.E_COMMA, "comma in number",
     "%s: no thousands separator or decimal comma in a number: write %s"),
    (e.E_PERCENT, "percent", "%s: a percent is not read (w/v, w/w or v/v?): write the "
     "concentration, %s if it is weight per volume"),
    (e.E_VOLUME_RATE, "volume rate without drug", "%s is a volume per time: name the drug "
     "and its concentration first (drug <name> <conc>), or write the dose, e.g. 700ug/d"),
    (e.E_BELOW_FLOOR, "below least flow",
     "basal at %s: %s is under the rig's least flow, %s of %s at %s: write min to run at "
     "the least flow, or dilute to at most %s"),
    (e.E_BASAL_ZERO, "basal zero",
     "basal at %s: a pump cannot run at 0 (it always pushes its least flow): write min"),
    (e.E_FLOOR_OVER_LIMIT, "least flow over limit",
     "%s at %s: the rig's least flow (and the one step a window may hold beyond it) "
     "gives %s in %s, over the %s limit: at most %s on this rig"),
    (e.E_RELEASE_OVER_BOLUS, "occlusion release over bolus",
     "%s at %s: a cleared occlusion may release %s even after its relief, over the %s "
     "bolus limit: at most %s on this rig"),
    (e.E_LOCKOUT_RANGE, "lockout range",
     "%s lockout %s is under the %s minimum: write lockout=%s or longer"),
    (e.E_BRAND_NAME, "brand name", "%s is a brand name: write the generic name, %s"),
    (e.E_UNKNOWN_DRUG, "unknown drug", "drug not in the drug table: %s (it holds %s)"),
    # Every refusal over a limit says what is allowed, in the units typed where the
    # command knows them (console/cmd_rx.py), not only the limit it broke (issue 16).
    (e.E_CONC_LIMIT, "concentration limit",
     "%s at %s is over its concentration limit: at most %s"),
    (e.E_DAILY_LIMIT, "daily limit", "%s: %s is over its daily limit, %s: at most %s"),
    (e.E_HOURLY_LIMIT, "hourly limit", "%s: %s is over its hourly limit, %s: at most %s"),
    (e.E_BOLUS_LIMIT, "bolus limit", "%s bolus of %s is over its bolus limit: at most %s"),
    (e.E_BOLUS_COUNT_LIMIT, "bolus count limit",
     "%s: %s boluses a day is over its limit: at most %s"),
    (e.E_SCHEDULE, "schedule", "basal steps must start at 00:00, in order, at most 24: %s"),
    (e.E_TOO_MANY_DRUGS, "too many drugs", "%s drugs: one primary and at most 3 more"),
    (e.E_DUPLICATE_DRUG, "duplicate drug", "drug named twice: %s"),
    (e.E_RESERVOIR, "reservoir", "%s does not fit the reservoir (%s)"),
    (e.E_NO_RX, "no prescription", "no prescription (or no patient bolus) programmed"),
    (e.E_NOT_PROGRAMMED, "not programmed",
     "not programmed yet: missing %s (each is the command that sets it)"),
    (e.E_LINE_FLUIDS, "line holds too many fluids",
     "the line still holds %s fluids from earlier refills: deliver or prime before "
     "another change of mix"),
    (e.E_CLOCK_UNSET, "clock not set",
     "the clock was never set, and the basal schedule runs by time of day: "
     "time YYYY-MM-DDTHH:MM:SS first"),
    (e.E_SUSPENDED, "suspended", "delivery is suspended"),
    (e.E_CRITICAL, "alarm", "refused while alarm %s is active"),
    (e.E_BOLUS_RUNNING, "bolus running", "a bolus is running, %s left"),
    (e.E_LOCKOUT, "lockout", "lockout: next bolus in %s"),
    (e.E_DAILY_MAX, "daily max", "%s boluses in the last 24 h, maximum %s"),
    (e.E_DOSE_WINDOW, "dose window",
     "would put %s%s in %s, over its limit: at most %s in any %s, the delivery so far "
     "and the schedule included: %s"),
    (e.E_NOT_RUNNING, "not running", "the pump is %s, not running"),
    (e.E_CLINICIAN_BOLUS_LIMIT, "clinician bolus limit",
     "clinician bolus %s is over its limit: at most %s"),
    (e.E_INVALID_EVENT, "invalid", "%s is not possible while %s"),
    (e.E_RESERVOIR_EMPTY, "reservoir empty", "not enough drug in the reservoir"),
    (e.E_PRIME_LIMIT, "prime limit", "prime %s: the line has room for %s, in "
     "steps of %s; `prime` alone fills what is left"),
    (e.E_REFILL_OVER, "refill over capacity", "refill %s is over the capacity: at most %s"),
    (e.E_NO_PENDING, "nothing to confirm", "no refill is waiting for confirmation"),
    (e.E_NOT_PRIMED, "not primed", "the line is not primed: %s of %s filled"),
    (e.E_CONC_MISMATCH, "concentration mismatch",
     "%s: a new concentration is set only by a confirmed refill"),
    (e.E_LINE_OTHER_DRUG, "old drug in line",
     "the line still holds %s from before the refill: disconnect the catheter and prime "
     "%snL to waste before start"),
    (e.E_TIME, "time", "time %s ms is before the pump's time %s ms"),
    (e.E_UNKNOWN_COMMAND, "unknown command", "unknown command: %s (try help)"),
    (e.E_USAGE, "usage", "wrong arguments for %s: %s"),
    (e.E_LINE_TOO_LONG, "line too long", "line of %s bytes is too long: at most %s"),
    (e.E_NOT_ASCII, "not ascii", "byte %s of the line is not printable ASCII"),
    (e.E_ROLE, "login required", "%s needs a clinician login"),
    (e.E_NO_PIN, "no pin", "no clinician PIN is set yet (pin <4 to 8 digits>)"),
    (e.E_PIN_SET, "pin set", "a PIN is set: log in to change it"),
    (e.E_BAD_PIN, "wrong pin", "wrong PIN: %s more before login locks"),
    (e.E_LOGIN_LOCKED, "login locked", "login locked for %s s after wrong PINs"),
    (e.E_PIN_FORMAT, "pin format", "a PIN is 4 to 8 digits"),
    (e.E_NO_SIM, "no sim", "sim commands exist only on the simulated board"),
    (e.E_REFILL_CANCELLED, "refill cancelled",
     "refill cancelled, nothing filled: %s was not run"),
    (e.E_INTERNAL, "internal", "internal error: %s"),
    (e.E_LINE_STALE, "line stale", "half a line, then %s ms of silence: dropped"),
    (e.E_LINE_UNKNOWN, "line unknown", "a programmed state was lost and the line may still "
     "be in a patient: declare it detached first (decommission)"),
    (e.E_ACK_CLOCK, "confirm time", "the clock alarm ends only when a clinician confirms "
     "the time: time YYYY-MM-DDTHH:MM:SS"),
    (e.E_LOW_ALARM_MIN, "reservoir alarm minimum", "reservoir-alarm %s would warn too late: "
     "at least %s (a day at the rig's least flow)"),
    (e.E_BOLUS_OVER, "bolus duration", "bolus over=%s: at least %s (the rig's bolus speed) "
     "and at most %s"),
    (e.E_BOARD_HELD, "board held", "the board's %s failed at boot: no pump runs; fix it "
     "and power up again (the message at boot says why)"),
    (e.E_PIN_LOST, "pin lost", "the PIN's records are damaged: a new PIN needs the "
     "service jumper at power-up (docs/protocol.md)"),
    (e.E_REFILL_WITHDRAWN, "withdrawn volume", "the pump counts %s in the reservoir: empty "
     "it, measure what came out and say refill <volume> withdrawn=<measured>"),
    (e.E_CAL_STATE, "calibration state",
     "calibration only while unprogrammed (nothing attached); the pump is %s"),
    (e.E_CAL_BUSY, "calibration running", "a calibration run is in progress: %s of %s steps"),
    (e.E_CAL_NONE, "no calibration run", "no calibration run (calibrate run <steps>)"),
    (e.E_CAL_SMALL, "calibration too small", "%s is under the %s a calibration must move"),
    (e.E_CAL_FACTOR, "calibration factor",
     "factor %s ppm is beyond +-10 %%: check bore, lead and microsteps; nothing stored"),
    (e.E_CAL_CONFIG, "board config", "board config on flash: %s; nothing stored"),
    (e.E_FIRST_FILL, "first fill",
     "%s at %s: the reservoir has not held it, and its label fills a pump new to it with "
     "undiluted %s alone (the pump takes up the drug at first): fill that, and another "
     "strength at a later refill"),
    (e.E_NOTHING_STAGED, "nothing staged", "nothing staged to %s: the prescription in "
     "force runs (rx shows it)"),
    (e.E_SOFT_LIMIT, "soft limit", "%s: %s from %s to %s (%s) is over the %s: commit "
     "override to pass it (logged as an override); nothing changed"),
    (e.E_SCHED_BOLUS_LIMIT, "scheduled bolus limit", "scheduled bolus at %s: %s of %s is "
     "over its clinician bolus limit: at most %s"),
)


# What to write instead, by what was expected (pump/units.py K_*: mass, volume, duration,
# concentration, dose rate, time of day, count, digits, wall-clock time).
_WRITE_NUMBER = ("digits and a unit, e.g. 50ug or 0.2mg", "digits and a unit, e.g. 2mL or "
                 "150uL", "digits and a unit, e.g. 30m, 1h or 4h30m", "a mass per volume, "
                 "e.g. 10mg/mL", "a dose per time, e.g. 700ug/d or 30ug/h", "HH:MM, e.g. "
                 "08:00", "a whole number, e.g. 7", "at most 12 digits",
                 "YYYY-MM-DDTHH:MM:SS, e.g. 2026-01-01T08:00:00")
_WRITE_UNIT = ("a mass: ng, ug (mcg), mg or g, e.g. 50ug", "a volume: nL, uL or mL, e.g. 2mL",
               "a time: ms, s, m (min), h (hr, hour) or d (day), e.g. 30m or 4h30m, the "
               "largest unit first", "a mass per volume: ng, ug (mcg), mg or g per nL, uL "
               "or mL, e.g. 10mg/mL", "a mass (or a volume, once the drug is set) per d, h "
               "or min, e.g. 700ug/d, 30ug/h or 0.4mL/d")
_BASE = ("ng", "nL", "ms", "ng/mL", "ng/d")
_GENERIC = "see help"


def _hint(table, values):
    """The words for a typed value's kind (values: text, kind, ...), if it has one."""
    if len(values) >= 2 and type(values[1]) is int and 0 <= values[1] < len(table):
        return table[values[1]]
    return "what help <command> shows"


def _bounds(values):
    """ "at most 10g", "from 1 to 64": E_RANGE's bounds (text, kind, lo, hi) as typed."""
    from console import readable as r
    kind, lo, hi = values[1], values[2], values[3]
    fmt = (r.exact_mass, r.volume, r.duration, r.exact_conc, r.exact_rate, r.tod, str,
           str)[kind]
    if kind == _K_DIGITS:
        return "at most %d significant digits" % hi
    if not lo:
        return "at most " + fmt(hi)
    return "from %s to %s" % (fmt(lo), fmt(hi))


def _typed(code, values):
    """Refusals of what was typed (10-13, 71, 30): the text and what to write instead."""
    if code == e.E_BAD_NUMBER:
        return (values[0], _hint(_WRITE_NUMBER, values))
    if code == e.E_BAD_UNIT:
        return (values[0], _hint(_WRITE_UNIT, values))
    if code == e.E_PRECISION:
        if len(values) == 2 and type(values[1]) is str:
            return values  # the unit said (a scheduled bolus's whole minute)
        return (values[0], _hint(_BASE, values) if len(values) == 2 else "nL, ng or ms")
    if code == e.E_RANGE:
        if len(values) == 4 and type(values[1]) is int and 0 <= values[1] <= _K_DIGITS:
            return (values[0], _bounds(values))
        if len(values) == 2 and type(values[0]) is str and values[1] == _K_ISO:
            return (values[0], "a date and time that exist, e.g. 2026-01-01T08:00:00")
        return (" ".join(str(v) for v in values), _GENERIC)
    if code == e.E_USAGE and len(values) == 1:
        from console.usage import USAGE
        return (values[0], "write " + USAGE.get(values[0], "help"))
    if code == e.E_UNKNOWN_DRUG and len(values) == 1:
        from pump.drugs import DRUGS
        return (values[0], ", ".join(row[0] for row in DRUGS))
    return None


# Amounts the logic raises in base units, by position: m a mass, c a concentration,
# v a volume, t a duration, s a wait (a duration rounded up to the second: never shown
# shorter than it is), - as raised. E_LOCKOUT_RANGE's minimum is said twice: as the
# limit, and as the lockout to write.
_AMOUNTS = ((e.E_LOCKOUT_RANGE, "-ttt"), (e.E_CONC_LIMIT, "-cc"),
            (e.E_CLINICIAN_BOLUS_LIMIT, "mm"), (e.E_RESERVOIR, "vv"), (e.E_FIRST_FILL, "-cc"),
            (e.E_REFILL_OVER, "vv"), (e.E_BOLUS_RUNNING, "s"), (e.E_LOCKOUT, "s"),
            (e.E_PRIME_LIMIT, "vvv"), (e.E_NOT_PRIMED, "vv"), (e.E_CAL_SMALL, "vv"),
            (e.E_BOLUS_OVER, "tst"))


def _amounts(code, values):
    for c, kinds in _AMOUNTS:
        if c == code:
            from console import readable as r
            if code == e.E_LOCKOUT_RANGE and len(values) == 3:
                values = values + (values[2],)
            if len(values) != len(kinds):
                return values
            out = []
            for i in range(len(kinds)):
                v, k = values[i], kinds[i]
                if type(v) is int and k == "s":
                    v = r.duration(-(-v // 1000) * 1000)
                elif type(v) is int and k != "-":
                    v = (r.exact_mass if k == "m" else r.exact_conc if k == "c" else
                         r.volume if k == "v" else r.duration)(v)
                out.append(v)
            return tuple(out)
    return None


_WINDOW = ((e.E_DAILY_LIMIT, " in 24 h"), (e.E_HOURLY_LIMIT, " in an hour"))


def _limit(code, values):
    """E_DAILY_LIMIT, E_HOURLY_LIMIT (drug, dose, limit, most: ng, or text as typed from
    console/cmd_rx.py) and E_BOLUS_LIMIT (drug, dose, limit[, most primary ng, primary])
    with what is allowed last: the most the window may plan (the row less the one step
    the motor may add), or the largest bolus of the primary drug."""
    from console import readable as r
    if code == e.E_BOLUS_LIMIT:
        if len(values) >= 3 and values[2] == 0:  # a policy, not a dose: say what to write
            return (values[0], r.exact_mass(values[1]),
                    "0ng, its row refuses patient boluses (ptm off)")
        if len(values) == 5 and values[0] != values[4]:
            return (values[0], r.exact_mass(values[1]),
                    "%s of %s (%s of %s)" % (r.exact_mass(values[2]), values[0],
                                             r.exact_mass(values[3]), values[4]))
        if len(values) in (3, 5):
            return (values[0], r.exact_mass(values[1]), r.exact_mass(values[2]))
        return None
    for c, span in _WINDOW:
        if c == code and len(values) == 4:
            out = [values[0]]
            for v in values[1:]:
                out.append(r.exact_mass(v) + span if type(v) is int else v)
            out[2] = r.exact_mass(values[2]) if type(values[2]) is int else values[2]
            return tuple(out)
    return None


def shape(code, values):
    """The values in the order and the units the code's sentence wants (the logic raises
    its numbers in its own order and in base units; never ms, ng or nL to a reader)."""
    values = tuple(values)
    for f in (_typed, _amounts, _limit):
        shaped = f(code, values)
        if shaped is not None:
            return shaped
    if code == e.E_DOSE_WINDOW and len(values) in (3, 4, 5):
        # The dose first; the drug when one of a mix is the one over (pump/mixes.py),
        # else the dose is the primary's (every drug's limit converted to it). A
        # clinician's bolus adds the largest that fits now (console/cmd_dose.py).
        from console import readable as r
        drug = " of " + values[3] if len(values) >= 4 and values[3] else ""
        window = "an hour" if values[0] == 3_600_000 else "24 h" \
            if values[0] == 86_400_000 else r.duration(values[0])
        most = "wait, or ask for less"
        if len(values) == 5:
            most = ("a bolus of at most %s now" % r.exact_mass(values[4]) if values[4]
                    else "no bolus fits now: wait")
        return (r.exact_mass(values[1]), drug, window, r.exact_mass(values[2]),
                window[3:] if window == "an hour" else window, most)
    if code == e.E_BELOW_FLOOR and len(values) == 6:
        from console import readable as r
        start, rate, floor, drug, conc, most = values
        if type(rate) is not str:  # else both as typed (console/cmd_rx.py)
            rate, floor = r.rate(rate), r.rate(floor)
        return (r.tod(start), rate, floor, drug, r.conc(conc), r.conc(most))
    if code == e.E_BASAL_ZERO and len(values) == 1:
        from console import readable as r
        return (r.tod(values[0]),)
    if code == e.E_FLOOR_OVER_LIMIT and len(values) == 6:
        from console import readable as r
        drug, conc, dose, window, limit, most = values
        return (drug, r.conc(conc), r.mass(dose), "an hour" if window else "24 h",
                r.mass(limit), r.conc(most))
    if code == e.E_RELEASE_OVER_BOLUS and len(values) == 5:
        from console import readable as r
        drug, conc, dose, limit, most = values
        return (drug, r.conc(conc), r.mass(dose), r.mass(limit), r.conc(most))
    if code == e.E_SOFT_LIMIT and len(values) == 5:
        return _soft(values)
    if code == e.E_SCHED_BOLUS_LIMIT and len(values) == 4:
        from console import readable as r
        return (r.tod(values[0]), r.exact_mass(values[2]), values[1],
                r.exact_mass(values[3]))
    return values


def _soft(values):
    """ERR 99's values (pump/review.py soft_finding) in words: the daily dose old and
    new, the change in %, and the limit with its figure."""
    from console import readable as r
    from pump.review import pct, K_SOFT_MAX, K_STEP_PCT
    drug, kind, new, old, limit = values
    p = pct(old, new)
    if kind == K_SOFT_MAX:
        over = "usual daily maximum of " + r.rate(limit)
    elif kind == K_STEP_PCT:
        over = "usual titration step of +%d %%" % limit
    else:
        over = "usual titration step of " + r.rate(limit)
    return (drug, "the basal's daily dose", r.exact_rate(old), r.exact_rate(new),
            "new" if p is None else "%+d %%" % p, over)


def entry(code):
    for row in MESSAGES:
        if row[0] == code:
            return row
    return None
