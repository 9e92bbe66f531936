"""Typed quantities to exact integers in base units; never returns a float, never rounds.

"0.2mg", "40mL", "6h", "75mcg/mL", "700ug/d" become ng, nL, ms, ng/mL, ng/day. A value that
is not a whole base unit is refused with E_PRECISION, never approximated. Every refusal is
PumpError(code, text), text being the argument as given. Runs unchanged under CPython and
MicroPython: str methods and int arithmetic only, no float even as a literal."""
from micropython import const
from pump.errors import E_BAD_NUMBER, E_BAD_UNIT, E_PRECISION, E_RANGE, PumpError

# Bounds the ints the conversion builds (int part, 10**fraction_digits) on the Pico.
_MAX_DIGITS = const(12)

_UG_NG = const(1000)
_MG_NG = const(1000000)
_G_NG = const(1000000000)
_ML_NL = const(1000000)
_MIN_MS = const(60000)
_H_MS = const(3600000)
_D_MS = const(86400000)

# Above 2**30: a big int on a 32-bit Pico, so plain globals rather than const().
_MASS_MAX_NG = 10 * _G_NG
_DURATION_MAX_MS = 366 * _D_MS
_VOLUME_MAX_NL = const(1000000000)  # 1000 mL
_CONC_MAX_NG_PER_ML = const(100000000)  # 100 mg/mL
_RATE_MAX_NG_PER_DAY = const(1000000000)  # 1 g/day

# (unit, base units per unit). Mass and time units are matched exactly (lowercase); volume
# units after lowering, so "mL", "ml" and "ML" are the same.
_MASS = (("ng", 1), ("ug", _UG_NG), ("mcg", _UG_NG), ("mg", _MG_NG), ("g", _G_NG))
_VOLUME = (("nl", 1), ("ul", 1000), ("ml", _ML_NL))
_DURATION = (("ms", 1), ("s", 1000), ("m", _MIN_MS), ("min", _MIN_MS), ("h", _H_MS), ("d", _D_MS))
# Denominators of a dose rate, as how many of them make a day.
_PER_DAY = (("d", 1), ("day", 1), ("24h", 1), ("h", 24), ("min", 1440))

_DIGITS = "0123456789"
_SPACE = " \t\r\n"  # explicit: str.strip() differs between CPython and MicroPython
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _all_digits(part):
    # Not str.isdigit(): CPython accepts "²" and other scripts' digits there.
    for c in part:
        if c not in _DIGITS:
            return False
    return True


def _decimal(number, text):
    """The decimal text `number` as (n, scale), meaning n / scale, scale a power of ten."""
    # split, not partition: str.partition is optional in MicroPython builds.
    parts = number.split(".")
    whole = parts[0]
    frac = parts[1] if len(parts) == 2 else ""
    if len(parts) > 2 or not whole or not _all_digits(whole) or not _all_digits(frac):
        raise PumpError(E_BAD_NUMBER, text)
    if len(parts) == 2 and not frac:
        raise PumpError(E_BAD_NUMBER, text)  # "2." reads like a typo
    whole = whole.lstrip("0")
    # Trailing fraction zeros carry no value; leading ones do count, since each makes
    # the scale ten times larger.
    frac = frac.rstrip("0")
    if len(whole) + len(frac) > _MAX_DIGITS:
        raise PumpError(E_RANGE, text)
    scale = 10 ** len(frac)
    return int(whole or "0") * scale + int(frac or "0"), scale


def _exact(decimal, multiplier, text):
    """decimal * multiplier as an int, refused if that would need rounding."""
    n, scale = decimal
    scaled = n * multiplier
    if scaled % scale:
        raise PumpError(E_PRECISION, text)
    return scaled // scale


def _whole(token, text):
    if "." in token:
        raise PumpError(E_BAD_NUMBER, text)  # a count or a clock has no fraction
    return _decimal(token, text)[0]


def _lookup(unit, table, text):
    for name, multiplier in table:
        if name == unit:
            return multiplier
    raise PumpError(E_BAD_UNIT, text)  # also when unit is "": missing


def _quantity(token, table, lower, text):
    """"<number><unit>" as (decimal, base units per unit); the number is judged first."""
    # The unit is the trailing run of letters, so "1kg" names an unknown unit while
    # "1e3ug" and "1,5mg" keep a known unit and fail on their number.
    i = len(token)
    while i and token[i - 1] in _LETTERS:
        i -= 1
    decimal = _decimal(token[:i], text)
    unit = token[i:].lower() if lower else token[i:]
    return decimal, _lookup(unit, table, text)


def _parse(text, table, lower, maximum):
    token = text.strip(_SPACE)
    if "/" in token:
        raise PumpError(E_BAD_UNIT, text)  # a rate or concentration where a plain unit goes
    decimal, multiplier = _quantity(token, table, lower, text)
    return _at_most(_exact(decimal, multiplier, text), maximum, text)


def _per(text):
    """"<mass>/<unit>" as (decimal, ng per unit of mass, the unit after the slash)."""
    parts = text.strip(_SPACE).split("/")
    decimal, mass_ng = _quantity(parts[0], _MASS, False, text)
    if len(parts) != 2:
        raise PumpError(E_BAD_UNIT, text)  # no denominator, or more than one
    return decimal, mass_ng, parts[1]


def _at_most(value, maximum, text):
    if value > maximum:
        raise PumpError(E_RANGE, text)
    return value


def parse_mass_ng(text):
    """"0.2mg" -> 200000. Units ng, ug, mcg, mg, g (lowercase only); at most 10 g."""
    return _parse(text, _MASS, False, _MASS_MAX_NG)


def parse_volume_nl(text):
    """"40mL" -> 40000000. Units nL, uL, mL in any case; at most 1000 mL."""
    return _parse(text, _VOLUME, True, _VOLUME_MAX_NL)


def parse_duration_ms(text):
    """"15m" -> 900000. Units ms, s, m or min, h, d; at most 366 d."""
    return _parse(text, _DURATION, False, _DURATION_MAX_MS)


def parse_concentration_ng_per_ml(text):
    """"75mcg/mL" -> 75000. A mass over nL, uL or mL; above zero, at most 100 mg/mL."""
    decimal, mass_ng, per = _per(text)
    per_ml = _ML_NL // _lookup(per.lower(), _VOLUME, text)
    value = _exact(decimal, mass_ng * per_ml, text)
    if not value:
        raise PumpError(E_RANGE, text)  # a drug with no concentration is meaningless
    return _at_most(value, _CONC_MAX_NG_PER_ML, text)


def parse_dose_rate_ng_per_day(text):
    """"30ug/h" -> 720000. A mass over d (day, 24h), h or min; zero allowed, at most
    1 g/day. Only the ng/day result must be whole: "1ng/min" is 1440."""
    decimal, mass_ng, per = _per(text)
    value = _exact(decimal, mass_ng * _lookup(per, _PER_DAY, text), text)
    return _at_most(value, _RATE_MAX_NG_PER_DAY, text)


def parse_time_of_day_min(text):
    """"HH:MM" (two digits each, 00:00..23:59) -> minutes since midnight."""
    token = text.strip(_SPACE)
    if len(token) != 5 or token[2] != ":":
        raise PumpError(E_BAD_NUMBER, text)
    hours = _whole(token[:2], text)
    minutes = _whole(token[3:], text)
    if hours > 23 or minutes > 59:
        raise PumpError(E_RANGE, text)
    return hours * 60 + minutes


def parse_count(text, lo, hi):
    """A plain non-negative integer such as "3", within [lo, hi]."""
    value = _whole(text.strip(_SPACE), text)
    if value < lo or value > hi:
        raise PumpError(E_RANGE, text)
    return value


def volume_as_typed(nl, typed):
    """nL shown in the unit `typed` ends with ("48000", "0mL" -> "0.048mL"), for an error in
    the units a person used. Exact: a whole nL is a finite decimal of uL or mL. `typed` must
    have parsed (parse_volume_nl), so its unit is known."""
    i = len(typed)
    while i and typed[i - 1] in _LETTERS:
        i -= 1
    unit = typed[i:]
    per = _lookup(unit.lower(), _VOLUME, typed)
    whole, frac = nl // per, nl % per
    text = str(whole)
    if frac:
        digits = len(str(per)) - 1
        text += "." + ("0" * digits + str(frac))[-digits:].rstrip("0")
    return text + unit
