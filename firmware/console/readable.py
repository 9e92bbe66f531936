"""Amounts as a clinician reads and types them: 4800 ng -> "4.8ug", 10000000 ng/mL ->
"10mg/mL", in the console's own notation, so a number in an error can be typed back.

Integers only (no floats on the board): the largest unit with a whole part of at least 1,
up to three decimals, rounded down, trailing zeros dropped. Loaded with the error words
(console/message_text.py) and dropped with them (app/lazy.py)."""

_UNITS = ((1_000_000, "mg"), (1_000, "ug"), (1, "ng"))


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
