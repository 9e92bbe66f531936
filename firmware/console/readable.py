"""Amounts as a clinician reads and types them: 4800 ng -> "4.8ug", 10000000 ng/mL ->
"10mg/mL", 5400000 ms -> "1h30m", in the console's own notation, so a number in an error
can be typed back.

Integers only (no floats on the board). `mass` (and `rate`, `conc`) take the largest unit
with a whole part of at least 1, up to three decimals, rounded down (for "at most" values);
`exact_mass`, `volume` and `duration` are exact, with as many decimals as it takes. Loaded
with the error words (console/message_text.py) and dropped with them (app/lazy.py)."""

_UNITS = ((1_000_000, "mg"), (1_000, "ug"), (1, "ng"))
_EXACT = ((1_000_000_000, "g"),) + _UNITS
_VOLUME = ((1_000_000, "mL"), (1_000, "uL"), (1, "nL"))
_TIME = ((86_400_000, "d"), (3_600_000, "h"), (60_000, "m"), (1_000, "s"), (1, "ms"))


def mass(ng):
    for size, unit in _UNITS:
        if ng >= size or size == 1:
            whole = ng // size
            if size == 1:
                return "%d%s" % (whole, unit)
            frac = (ng % size) * 1000 // size  # three decimals, rounded down
            if not frac:
                return "%d%s" % (whole, unit)
            digits = "%03d" % frac
            while digits.endswith("0"):
                digits = digits[:-1]
            return "%d.%s%s" % (whole, digits, unit)
    return "%dng" % ng


def rate(ng_per_day):
    return mass(ng_per_day) + "/d"


def conc(ng_per_ml):
    return mass(ng_per_ml) + "/mL"


def tod(minutes):
    return "%02d:%02d" % (minutes // 60, minutes % 60)


def _exact(n, units):
    for size, unit in units:
        if n >= size or size == 1:
            text = str(n // size)
            if n % size:
                digits = len(str(size)) - 1
                text += "." + ("0" * digits + str(n % size))[-digits:].rstrip("0")
            return text + unit
    return str(n)


def exact_mass(ng):
    """12000001 -> "12.000001mg": a dose over a limit is never shown as the limit."""
    return _exact(ng, _EXACT)


def exact_conc(ng_per_ml):
    return _exact(ng_per_ml, _EXACT) + "/mL"


def exact_rate(ng_per_day):
    return _exact(ng_per_day, _EXACT) + "/d"


def volume(nl):
    return _exact(nl, _VOLUME)


def duration(ms):
    """5400000 -> "1h30m", 250 -> "250ms", 0 -> "0s": exact, largest unit first, as
    pump/units.py reads a compound duration back."""
    if not ms:
        return "0s"
    text = ""
    for size, unit in _TIME:
        if ms >= size:
            text += "%d%s" % (ms // size, unit)
            ms %= size
    return text
