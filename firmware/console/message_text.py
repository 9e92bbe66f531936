"""The words for every error code: the table console/messages.py reads. Loaded when a
reply needs words and dropped after it (app/lazy.py): most of this file is text, and
it need not live in the heap between commands.

(code, short name, template over the error's values); a code with no entry still prints
its values (messages.text), and the test suite fails until it has one."""
from pump import errors as e

MESSAGES = (
    (e.E_BAD_NUMBER, "bad number", "not a number: %s"),
    (e.E_BAD_UNIT, "bad unit", "missing, unknown or wrong unit: %s"),
    (e.E_PRECISION, "precision", "not a whole number of nL, ng or ms: %s"),
    (e.E_RANGE, "range", "out of range: %s"),
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
    (e.E_LOCKOUT_RANGE, "lockout range", "%s lockout %s ms is shorter than the %s ms allowed"),
    (e.E_UNKNOWN_DRUG, "unknown drug", "drug not in the drug table: %s"),
    (e.E_CONC_LIMIT, "concentration limit", "%s at %s ng/mL is over the %s ng/mL limit"),
    (e.E_DAILY_LIMIT, "daily limit", "%s: %s ng in 24 h would be over the %s ng limit"),
    (e.E_HOURLY_LIMIT, "hourly limit", "%s: %s ng in an hour would be over the %s ng limit"),
    (e.E_BOLUS_LIMIT, "bolus limit", "%s bolus of %s ng is over the %s ng limit"),
    (e.E_BOLUS_COUNT_LIMIT, "bolus count limit", "%s: %s boluses a day is over the %s allowed"),
    (e.E_SCHEDULE, "schedule", "basal steps must start at 00:00, in order, at most 24: %s"),
    (e.E_TOO_MANY_DRUGS, "too many drugs", "%s drugs: one primary and at most 3 more"),
    (e.E_DUPLICATE_DRUG, "duplicate drug", "drug named twice: %s"),
    (e.E_RESERVOIR, "reservoir", "%s nL does not fit the reservoir (%s nL)"),
    (e.E_NO_RX, "no prescription", "no prescription (or no patient bolus) programmed"),
    (e.E_SUSPENDED, "suspended", "delivery is suspended"),
    (e.E_CRITICAL, "alarm", "refused while alarm %s is active"),
    (e.E_BOLUS_RUNNING, "bolus running", "a bolus is running, %s ms left"),
    (e.E_LOCKOUT, "lockout", "lockout: next bolus in %s ms"),
    (e.E_DAILY_MAX, "daily max", "%s boluses in the last 24 h, maximum %s"),
    (e.E_DOSE_WINDOW, "dose window", "would put %s ng in a %s ms window, limit %s ng"),
    (e.E_NOT_RUNNING, "not running", "the pump is %s, not running"),
    (e.E_CLINICIAN_BOLUS_LIMIT, "clinician bolus limit", "clinician bolus %s ng, limit %s ng"),
    (e.E_INVALID_EVENT, "invalid", "%s is not possible while %s"),
    (e.E_RESERVOIR_EMPTY, "reservoir empty", "not enough drug in the reservoir"),
    (e.E_PRIME_LIMIT, "prime limit", "prime %s nL: the line has room for %s nL"),
    (e.E_REFILL_OVER, "refill over capacity", "refill %s nL is over the %s nL capacity"),
    (e.E_NO_PENDING, "nothing to confirm", "no refill is waiting for confirmation"),
    (e.E_NOT_PRIMED, "not primed", "the line is not primed: %s of %s nL filled"),
    (e.E_CONC_MISMATCH, "concentration mismatch",
     "%s: a new concentration is set only by a confirmed refill"),
    (e.E_LINE_OTHER_DRUG, "old drug in line",
     "the line still holds %s from before the refill: disconnect the catheter and prime "
     "%snL to waste before start"),
    (e.E_TIME, "time", "time %s ms is before the pump's time %s ms"),
    (e.E_UNKNOWN_COMMAND, "unknown command", "unknown command: %s (try help)"),
    (e.E_USAGE, "usage", "wrong arguments for %s (see help)"),
    (e.E_LINE_TOO_LONG, "line too long", "line of %s bytes is over the %s allowed"),
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
    (e.E_PIN_LOST, "pin lost", "the PIN's records are damaged: a new PIN needs the flash "
     "cleared by someone with the board in hand (docs/protocol.md)"),
    (e.E_CAL_STATE, "calibration state",
     "calibration only while unprogrammed (nothing attached); the pump is %s"),
    (e.E_CAL_BUSY, "calibration running", "a calibration run is in progress: %s of %s steps"),
    (e.E_CAL_NONE, "no calibration run", "no calibration run (calibrate run <steps>)"),
    (e.E_CAL_SMALL, "calibration too small", "%s nL is under the %s nL a calibration must move"),
    (e.E_CAL_FACTOR, "calibration factor",
     "factor %s ppm is beyond +-10 %%: check bore, lead and microsteps; nothing stored"),
    (e.E_CAL_CONFIG, "board config", "board config on flash: %s; nothing stored"),
)


def shape(code, values):
    """The values in the order and the units the code's sentence wants (the logic raises
    its numbers in its own order and in base units)."""
    if code == e.E_DOSE_WINDOW and len(values) == 3:
        return (values[1], values[0], values[2])  # the dose first
    if code == e.E_BELOW_FLOOR and len(values) == 6:
        from console import readable as r
        start, rate, floor, drug, conc, most = values
        return (r.tod(start), r.rate(rate), r.rate(floor), drug, r.conc(conc), r.conc(most))
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
    return values


def entry(code):
    for row in MESSAGES:
        if row[0] == code:
            return row
    return None
