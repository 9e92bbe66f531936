"""Typed quantities to exact integers in base units; never returns a float, never rounds.

"0.2mg", "40mL", "6hours", "4h30m", "75MCG/mL", "30mcg/hr", "0.4mL/d" (given the drug's
concentration) become ng, nL, ms, ng/mL, ng/day. A value that is not a whole base unit is
refused with E_PRECISION, never approximated. Unit names are read in any case ("MG", "mL",
"ML" and "Mcg" are all unambiguous here); a number is digits with one optional point.

A refusal of a number, unit, precision or range is PumpError(code, text, kind, ...): `text`
the argument as given, `kind` (K_* below) what was expected there, from which
console/message_text.py says what to type instead. What cannot be read without a guess
is refused with the spelling that would be read (E_COMMA: "1,000ug" -> "1000ug";
E_PERCENT: "0.25%" -> "2.5mg/mL"), never taken. join_amounts is the console's rule for
a number and its unit typed with a space.

Runs unchanged under CPython and MicroPython: str methods and int arithmetic only, no
float even as a literal, no str.partition (optional in MicroPython builds)."""
from micropython import const
from pump.errors import (E_BAD_NUMBER, E_BAD_UNIT, E_COMMA, E_PERCENT, E_PRECISION, E_RANGE,
                         E_VOLUME_RATE, PumpError)

# What a refused argument should have been: the second value of every refusal raised here
# (console/message_text.py holds the words for each, indexed by these numbers).
K_MASS = const(0)
K_VOLUME = const(1)
K_DURATION = const(2)
K_CONC = const(3)
K_RATE = const(4)
K_TIME_OF_DAY = const(5)
K_COUNT = const(6)
K_DIGITS = const(7)  # more significant digits than the conversion takes
K_ISO = const(8)  # a wall-clock time (console/iso_parse.py raises it)

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

# (unit, base units per unit), matched after lowering the unit as typed.
_MASS = (("ng", 1), ("ug", _UG_NG), ("mcg", _UG_NG), ("mg", _MG_NG), ("g", _G_NG))
_VOLUME = (("nl", 1), ("ul", 1000), ("ml", _ML_NL))
_DURATION = (("ms", 1), ("s", 1000), ("m", _MIN_MS), ("min", _MIN_MS), ("mins", _MIN_MS),
             ("h", _H_MS), ("hr", _H_MS), ("hrs", _H_MS), ("hour", _H_MS),
             ("hours", _H_MS), ("d", _D_MS), ("day", _D_MS), ("days", _D_MS))

_DIGITS = "0123456789"
_SPACE = " \t\r\n"  # explicit: str.strip() differs between CPython and MicroPython
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_UNIT_CHARS = _LETTERS + "%"  # "5%" has a unit, a wrong one, not a bad number


def _all_digits(part):
    # Not str.isdigit(): CPython accepts "²" and other scripts' digits there.
    for c in part:
        if c not in _DIGITS:
            return False
    return True


def _text(n, scale):
    """n / scale (scale a power of ten) as the shortest exact decimal."""
    text = str(n // scale)
    frac = n % scale
    if frac:
        digits = len(str(scale)) - 1
        text += "." + ("0" * digits + str(frac))[-digits:].rstrip("0")
    return text


def _comma(number, text, kind):
    """A comma in a number is a thousands separator to some and a decimal mark to others:
    never guessed. Refused with the number written without it (groups of three: the
    thousands reading; one other comma: the decimal one), else as not a number."""
    groups = number.split(",")
    fixed = None
    if 1 <= len(groups[0]) <= 3 and "." not in groups[0]:
        fixed = groups[0]
        for g in groups[1:]:
            if len(g.split(".")[0]) != 3 or fixed is None or "." in fixed:
                fixed = None
                break
            fixed += g
    if fixed is None and len(groups) == 2 and "." not in number:
        fixed = groups[0] + "." + groups[1]
    if fixed is None:
        raise PumpError(E_BAD_NUMBER, text, kind)
    _decimal(fixed, text, kind)  # what is left must be a number
    raise PumpError(E_COMMA, text, text.strip(_SPACE).replace(number, fixed, 1))


def _decimal(number, text, kind):
    """The decimal text `number` as (n, scale), meaning n / scale, scale a power of ten."""
    if "," in number:
        _comma(number, text, kind)
    # split, not partition: str.partition is optional in MicroPython builds.
    parts = number.split(".")
    whole = parts[0]
    frac = parts[1] if len(parts) == 2 else ""
    if len(parts) > 2 or not whole or not _all_digits(whole) or not _all_digits(frac):
        raise PumpError(E_BAD_NUMBER, text, kind)
    if len(parts) == 2 and not frac:
        raise PumpError(E_BAD_NUMBER, text, kind)  # "2." reads like a typo
    whole = whole.lstrip("0")
    # Trailing fraction zeros carry no value; leading ones do count, since each makes
    # the scale ten times larger.
    frac = frac.rstrip("0")
    if len(whole) + len(frac) > _MAX_DIGITS:
        raise PumpError(E_RANGE, text, K_DIGITS, 0, _MAX_DIGITS)
    scale = 10 ** len(frac)
    return int(whole or "0") * scale + int(frac or "0"), scale


def _exact(decimal, multiplier, text, kind):
    """decimal * multiplier as an int, refused if that would need rounding."""
    n, scale = decimal
    scaled = n * multiplier
    if scaled % scale:
        raise PumpError(E_PRECISION, text, kind)
    return scaled // scale


def _within(value, lo, hi, text, kind):
    if not lo <= value <= hi:
        raise PumpError(E_RANGE, text, kind, lo, hi)
    return value


def _whole(token, text, kind):
    if "." in token:
        raise PumpError(E_BAD_NUMBER, text, kind)  # a count or a clock has no fraction
    return _decimal(token, text, kind)[0]


def _lookup(unit, table, text, kind):
    for name, multiplier in table:
        if name == unit:
            return multiplier
    raise PumpError(E_BAD_UNIT, text, kind)  # also when unit is "": missing


def _unit_at(token):
    """Where the unit starts: the trailing run of letters (and %), so "1kg" names an
    unknown unit while "1e3ug" and "1,5mg" keep a known unit and fail on their number."""
    i = len(token)
    while i and token[i - 1] in _UNIT_CHARS:
        i -= 1
    return i


def _amount(token, text, kind):
    """"<number><unit>" as (decimal, the unit lowered); the number is judged first."""
    i = _unit_at(token)
    return _decimal(token[:i], text, kind), token[i:].lower()


def _parse(text, table, maximum, kind):
    token = text.strip(_SPACE)
    if "/" in token:
        raise PumpError(E_BAD_UNIT, text, kind)  # a rate or concentration: a plain unit goes
    decimal, unit = _amount(token, text, kind)
    value = _exact(decimal, _lookup(unit, table, text, kind), text, kind)
    return _within(value, 0, maximum, text, kind)


def _per(text, kind):
    """"<amount>/<unit>" as (decimal, amount's unit, the unit after the slash), lowered."""
    parts = text.strip(_SPACE).split("/")
    decimal, unit = _amount(parts[0], text, kind)
    if len(parts) != 2:
        raise PumpError(E_BAD_UNIT, text, kind)  # no denominator, or more than one
    return decimal, unit, parts[1].lower()


def _per_day(per, text):
    """How many of the rate's denominator make a day: d (day, days, 24h, 24hr ...),
    h (hr, hour) or min; not m after a slash (a metre as much as a minute), nor s."""
    if per[:2] == "24":
        if _lookup(per[2:], _DURATION, text, K_RATE) != _H_MS:
            raise PumpError(E_BAD_UNIT, text, K_RATE)
        return 1
    ms = _lookup(per, _DURATION, text, K_RATE)
    if per == "m" or ms < _MIN_MS:
        raise PumpError(E_BAD_UNIT, text, K_RATE)
    return _D_MS // ms


def parse_mass_ng(text):
    """"0.2mg" -> 200000. Units ng, ug, mcg, mg, g; at most 10 g."""
    return _parse(text, _MASS, _MASS_MAX_NG, K_MASS)


def parse_volume_nl(text):
    """"40mL" -> 40000000. Units nL, uL, mL; at most 1000 mL."""
    return _parse(text, _VOLUME, _VOLUME_MAX_NL, K_VOLUME)


def _segments(token):
    """"4h30m" -> [("4", "h"), ("30", "m")]: each a run of non-letters, then of letters."""
    out = []
    i, n = 0, len(token)
    while i < n:
        j = i
        while j < n and token[j] not in _UNIT_CHARS:
            j += 1
        k = j
        while k < n and token[k] in _UNIT_CHARS:
            k += 1
        out.append((token[i:j], token[j:k].lower()))
        i = k
    return out


def _known(unit):
    for name, _ in _DURATION:
        if name == unit:
            return True
    return False


def parse_duration_ms(text):
    """"15m" -> 900000. Units ms, s, m (min, mins), h (hr, hrs, hour, hours), d (day, days);
    at most 366 d. Compound: "4h30m", "1h30min", "1d12h": whole numbers, the largest unit
    first, each unit once (what readable.duration writes)."""
    token = text.strip(_SPACE)
    segments = _segments(token)
    if "/" in token or len(segments) < 2:
        return _parse(text, _DURATION, _DURATION_MAX_MS, K_DURATION)
    for number, unit in segments[:-1]:
        if not _known(unit):  # "1e3s": not a compound; judged as one number and unit
            return _parse(text, _DURATION, _DURATION_MAX_MS, K_DURATION)
    total = 0
    last = _DURATION_MAX_MS
    for number, unit in segments:
        if "." in number:
            raise PumpError(E_BAD_NUMBER, text, K_DURATION)  # "1h0.5m": write 1h30s
        ms = _lookup(unit, _DURATION, text, K_DURATION)
        if ms >= last:
            raise PumpError(E_BAD_UNIT, text, K_DURATION)  # "30m4h", "1h1h": largest first
        total += _decimal(number, text, K_DURATION)[0] * ms
        last = ms
    return _within(total, 0, _DURATION_MAX_MS, text, K_DURATION)


def parse_concentration_ng_per_ml(text):
    """"75mcg/mL" -> 75000. A mass over nL, uL or mL; above zero, at most 100 mg/mL.
    A percent is refused with the mg/mL it would be as weight per volume (1 % = 10 mg/mL):
    % may also mean w/w or v/v, and an intrathecal concentration is never guessed."""
    token = text.strip(_SPACE)
    if "%" in token:
        n, scale = _decimal(token.split("%")[0], text, K_CONC)
        raise PumpError(E_PERCENT, text, _text(n * 10, scale) + "mg/mL")
    decimal, mass, per = _per(text, K_CONC)
    mass_ng = _lookup(mass, _MASS, text, K_CONC)
    per_ml = _ML_NL // _lookup(per, _VOLUME, text, K_CONC)
    value = _exact(decimal, mass_ng * per_ml, text, K_CONC)
    # Zero refused: a drug with no concentration is meaningless.
    return _within(value, 1, _CONC_MAX_NG_PER_ML, text, K_CONC)


def parse_dose_rate_ng_per_day(text, conc_ng_ml=None):
    """"30ug/h" -> 720000. A mass over d (day, 24h ...), h (hr, hour) or min; zero allowed,
    at most 1 g/day. Only the ng/day result must be whole: "1ng/min" is 1440.
    A volume over time ("0.4mL/d") is the dose it carries at `conc_ng_ml`, exactly (refused
    if it would round), and refused without one (E_VOLUME_RATE)."""
    decimal, amount, per = _per(text, K_RATE)
    per_day = _per_day(per, text)
    if by_volume(text):
        nl = _lookup(amount, _VOLUME, text, K_RATE)
        if conc_ng_ml is None:
            raise PumpError(E_VOLUME_RATE, text)
        # nL/day x ng/mL is ng/day x 10**6: exact, or refused as E_PRECISION.
        n, scale = decimal
        value = _exact((n, scale * _ML_NL), nl * per_day * conc_ng_ml, text, K_RATE)
    else:
        value = _exact(decimal, _lookup(amount, _MASS, text, K_RATE) * per_day, text, K_RATE)
    return _within(value, 0, _RATE_MAX_NG_PER_DAY, text, K_RATE)


def by_volume(text):
    """True if the rate `text` is a volume per time ("0.4mL/d"), not a dose."""
    amount = text.strip(_SPACE).split("/")[0]
    unit = amount[_unit_at(amount):].lower()
    for name, _ in _VOLUME:
        if name == unit:
            return True
    return False


def parse_time_of_day_min(text):
    """"HH:MM" (two digits each, 00:00..23:59) -> minutes since midnight."""
    token = text.strip(_SPACE)
    if len(token) != 5 or token[2] != ":":
        raise PumpError(E_BAD_NUMBER, text, K_TIME_OF_DAY)
    hours = _whole(token[:2], text, K_TIME_OF_DAY)
    minutes = _whole(token[3:], text, K_TIME_OF_DAY)
    if hours > 23 or minutes > 59:
        raise PumpError(E_RANGE, text, K_TIME_OF_DAY, 0, 1439)
    return hours * 60 + minutes


def parse_count(text, lo, hi):
    """A plain non-negative integer such as "3", within [lo, hi]."""
    value = _whole(text.strip(_SPACE), text, K_COUNT)
    return _within(value, lo, hi, text, K_COUNT)


def volume_as_typed(nl, typed):
    """nL shown in the unit `typed` ends with ("48000", "0mL" -> "0.048mL"), for an error in
    the units a person used. Exact: a whole nL is a finite decimal of uL or mL. `typed` must
    have parsed (parse_volume_nl), so its unit is known."""
    unit = typed[_unit_at(typed):]
    return _text(nl, _lookup(unit.lower(), _VOLUME, typed, K_VOLUME)) + unit


def rate_as_typed(ng_per_day, typed, conc_ng_ml, down=False):
    """ng/day shown in the unit the rate `typed` has ("600ng/d" -> "4800ng/d", "25ug/h"
    -> "0.2ug/h", "0.04mL/d" -> "0.048mL/d" at `conc_ng_ml`), for an error in the units
    a person used. Rounded up at the third decimal where it is not exact: a least flow
    typed back as shown is never under it; `down` for a most allowed, which typed back
    is never over it. `typed` must have parsed."""
    _, unit, per = _per(typed, K_RATE)
    per_day = _per_day(per, typed)
    if by_volume(typed):
        n = ng_per_day * _ML_NL
        d = per_day * _lookup(unit, _VOLUME, typed, K_RATE) * conc_ng_ml
    else:
        n = ng_per_day
        d = per_day * _lookup(unit, _MASS, typed, K_RATE)
    amount, per = typed.strip(_SPACE).split("/")
    n *= 1000
    return "%s%s/%s" % (_text(n // d if down else (n + d - 1) // d, 1000),
                        amount[_unit_at(amount):], per)


def _unit_word(word):
    """A word that is only a unit ("mg/mL", "h", "hours", "%"): the unit of a number typed
    before it with a space."""
    if word[0] == "%":
        return True
    i = 0
    while i < len(word) and word[i] in _LETTERS:
        i += 1
    if i < len(word) and word[i] != "/":
        return False
    unit = word[:i].lower()
    for table in (_MASS, _VOLUME, _DURATION):
        for name, _ in table:
            if name == unit:
                return True
    return False


def _ends_in_number(word):
    """A word that is a number, or ends in "=<number>" ("lockout=1", "08:00=600")."""
    tail = word.split("=")[-1]
    if not tail or tail[-1] not in _DIGITS:
        return False
    for c in tail:
        if c not in _DIGITS and c not in ".,":
            return False
    return True


def join_amounts(words):
    """A line's words with each number joined to the unit typed after it with a space:
    ["refill", "2", "mL"] -> ["refill", "2mL"], ["ptm", "30", "ug", "lockout=1", "h", ...]
    -> ["ptm", "30ug", "lockout=1h", ...]. A word is joined to the one before it only if
    it is a unit (or starts with one and a slash: "mg/mL", "ug/d") and the word before
    ends in a number; nothing else is joined, so no other word changes meaning."""
    out = [words[0]]
    for w in words[1:]:
        if len(out) > 1 and _unit_word(w) and _ends_in_number(out[-1]):
            out[-1] = out[-1] + w
        else:
            out.append(w)
    return out
