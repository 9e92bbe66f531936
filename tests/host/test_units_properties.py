"""Properties of units.py, CPython only: decimal text round-trips exactly to base units, every
accepted spelling of a value (any case, hr/hour/day, a compound time, a volume rate, a space
before the unit) reads as the canonical one, and no text whatever makes a parser fail with
anything but PumpError, whose words are whole."""
from hypothesis import given
from hypothesis import strategies as st

from console.messages import name, text as words
from console.readable import duration
from pump.errors import E_PRECISION, E_RANGE, PumpError
from pump.units import (
    by_volume,
    join_amounts,
    parse_concentration_ng_per_ml,
    parse_count,
    parse_dose_rate_ng_per_day,
    parse_duration_ms,
    parse_mass_ng,
    parse_time_of_day_min,
    parse_volume_nl,
)

MASS_MAX = 10 * 10**9
VOLUME_MAX = 10**9
DURATION_MAX = 366 * 86_400_000
CONC_MAX = 10**8
RATE_MAX = 10**9

# (parser, unit, base units per unit, largest accepted, smallest accepted)
UNITS = [
    (parse_mass_ng, "ng", 1, MASS_MAX, 0),
    (parse_mass_ng, "ug", 10**3, MASS_MAX, 0),
    (parse_mass_ng, "mcg", 10**3, MASS_MAX, 0),
    (parse_mass_ng, "mg", 10**6, MASS_MAX, 0),
    (parse_mass_ng, "g", 10**9, MASS_MAX, 0),
    (parse_volume_nl, "nL", 1, VOLUME_MAX, 0),
    (parse_volume_nl, "ul", 10**3, VOLUME_MAX, 0),
    (parse_volume_nl, "mL", 10**6, VOLUME_MAX, 0),
    (parse_volume_nl, "ML", 10**6, VOLUME_MAX, 0),
    (parse_duration_ms, "ms", 1, DURATION_MAX, 0),
    (parse_duration_ms, "s", 1000, DURATION_MAX, 0),
    (parse_duration_ms, "m", 60_000, DURATION_MAX, 0),
    (parse_duration_ms, "min", 60_000, DURATION_MAX, 0),
    (parse_duration_ms, "h", 3_600_000, DURATION_MAX, 0),
    (parse_duration_ms, "d", 86_400_000, DURATION_MAX, 0),
    (parse_concentration_ng_per_ml, "ng/mL", 1, CONC_MAX, 1),
    (parse_concentration_ng_per_ml, "mcg/mL", 10**3, CONC_MAX, 1),
    (parse_concentration_ng_per_ml, "mg/mL", 10**6, CONC_MAX, 1),
    (parse_concentration_ng_per_ml, "ng/uL", 10**3, CONC_MAX, 1),
    (parse_concentration_ng_per_ml, "ug/nl", 10**9, CONC_MAX, 1),
    (parse_dose_rate_ng_per_day, "ng/d", 1, RATE_MAX, 0),
    (parse_dose_rate_ng_per_day, "ug/day", 10**3, RATE_MAX, 0),
    (parse_dose_rate_ng_per_day, "mg/24h", 10**6, RATE_MAX, 0),
    (parse_dose_rate_ng_per_day, "ug/h", 24_000, RATE_MAX, 0),
    (parse_dose_rate_ng_per_day, "ng/min", 1440, RATE_MAX, 0),
    (parse_dose_rate_ng_per_day, "mg/min", 1_440_000_000, RATE_MAX, 0),
]


def _not_2_or_5(m):
    """The part of m that no power of ten can cancel."""
    for p in (2, 5):
        while m % p == 0:
            m //= p
    return m


def _decimal_text(n, multiplier):
    """n / multiplier written out exactly as a decimal; the caller makes sure it ends."""
    digits = 0
    while (n * 10**digits) % multiplier:
        digits += 1
    scaled = n * 10**digits // multiplier
    whole, frac = divmod(scaled, 10**digits)
    return str(whole) + ("." + str(frac).rjust(digits, "0") if digits else "")


def _significant(text):
    whole, _, frac = text.partition(".")
    return len(whole.lstrip("0")) + len(frac.rstrip("0"))


@st.composite
def representable(draw):
    """A unit and an n in base units that the unit can write as a finite decimal."""
    parser, unit, multiplier, high, low = draw(st.sampled_from(UNITS))
    # n must be a multiple of multiplier's non-(2, 5) part, or n / multiplier repeats.
    step = _not_2_or_5(multiplier)
    n = step * draw(st.integers(min_value=-(-low // step), max_value=high // step))
    return parser, unit, multiplier, n


@given(representable())
def test_decimal_text_in_any_unit_parses_back_to_exactly_n(case):
    parser, unit, multiplier, n = case
    text = _decimal_text(n, multiplier)
    if _significant(text) > 12:
        try:
            parser(text + unit)
        except PumpError as err:
            assert err.code == E_RANGE
        else:
            raise AssertionError("more than 12 significant digits accepted: " + text + unit)
    else:
        value = parser(text + unit)
        assert type(value) is int
        assert value == n


# (parser, base unit, largest accepted)
BASE_UNITS = [
    (parse_mass_ng, "ng", MASS_MAX),
    (parse_volume_nl, "nL", VOLUME_MAX),
    (parse_duration_ms, "ms", DURATION_MAX),
    (parse_concentration_ng_per_ml, "ng/mL", CONC_MAX),
    (parse_dose_rate_ng_per_day, "ng/d", RATE_MAX),
]


@given(st.sampled_from(BASE_UNITS), st.integers(min_value=1, max_value=10**11))
def test_any_amount_above_the_maximum_is_refused_as_range(base, excess):
    parser, unit, high = base
    try:
        parser(str(high + excess) + unit)
    except PumpError as err:
        assert err.code == E_RANGE
    else:
        raise AssertionError("above the maximum accepted")


PARSERS = [
    parse_mass_ng,
    parse_volume_nl,
    parse_duration_ms,
    parse_concentration_ng_per_ml,
    parse_dose_rate_ng_per_day,
    parse_time_of_day_min,
    lambda text: parse_count(text, 0, 10**12),
]

# Mostly characters the grammar cares about, so that near misses are common, plus any.
NEAR_MISS = st.sampled_from(list("0123456789.:/ \t+-e,_gmnucLlsdhiayMG\u0661\u00b2"))
TEXT = st.text(alphabet=st.one_of(NEAR_MISS, st.characters()), max_size=24)


@given(st.sampled_from(PARSERS), TEXT)
def test_any_text_gives_a_non_negative_int_or_a_pump_error(parser, text):
    try:
        value = parser(text)
    except PumpError:
        return
    assert type(value) is int
    assert value >= 0


# ----- what a clinician types (issue 16, item 4) -----

# (parser, canonical unit, every other spelling of it)
SPELLINGS = [
    (parse_mass_ng, "ug", ["mcg", "UG", "MCG", "Mcg"]),
    (parse_mass_ng, "mg", ["MG", "Mg", "mG"]),
    (parse_volume_nl, "mL", ["ml", "ML", "Ml"]),
    (parse_duration_ms, "h", ["hr", "hrs", "hour", "hours", "H", "HR", "Hours"]),
    (parse_duration_ms, "d", ["day", "days", "D", "Day"]),
    (parse_duration_ms, "m", ["min", "mins", "MIN", "M"]),
    (parse_duration_ms, "ms", ["MS", "Ms"]),
    (parse_concentration_ng_per_ml, "mg/mL", ["MG/ML", "mg/ml", "Mg/mL"]),
    (parse_concentration_ng_per_ml, "ug/mL", ["mcg/mL", "MCG/ML", "mcg/ml"]),
    (parse_dose_rate_ng_per_day, "ug/h", ["mcg/hr", "MCG/HR", "ug/hour", "UG/Hr", "mcg/hrs"]),
    (parse_dose_rate_ng_per_day, "ug/d", ["ug/day", "mcg/days", "ug/24h", "ug/24hr",
                                          "ug/24hours", "UG/D"]),
    (parse_dose_rate_ng_per_day, "ng/min", ["ng/mins", "NG/MIN"]),
]


@given(st.sampled_from(SPELLINGS), st.data())
def test_every_spelling_of_a_unit_parses_to_the_canonical_value(spelling, data):
    parser, canonical, others = spelling
    number = data.draw(st.from_regex(r"\A(0|[1-9][0-9]{0,3})(\.[0-9]{1,3})?\Z"))
    other = data.draw(st.sampled_from(others))
    try:
        expected = parser(number + canonical)
    except PumpError as err:
        try:
            parser(number + other)
        except PumpError as err2:
            assert err2.code == err.code
            return
        raise AssertionError("accepted only in one spelling: " + number + other)
    assert parser(number + other) == expected


@given(st.integers(min_value=0, max_value=DURATION_MAX))
def test_a_duration_written_as_errors_write_it_reads_back_exactly(ms):
    assert parse_duration_ms(duration(ms)) == ms


DURATION_UNITS = [(86_400_000, ["d", "day", "days"]), (3_600_000, ["h", "hr", "hrs", "hour"]),
                  (60_000, ["m", "min", "mins"]), (1000, ["s"]), (1, ["ms"])]


@given(st.data())
def test_a_compound_duration_is_the_sum_of_its_parts(data):
    total = 0
    text = ""
    for size, names in DURATION_UNITS:
        if data.draw(st.booleans()):
            n = data.draw(st.integers(min_value=0, max_value=999))
            total += n * size
            text += str(n) + data.draw(st.sampled_from(names))
    if not text:
        return
    try:
        value = parse_duration_ms(text)
    except PumpError as err:
        assert err.code == E_RANGE and total > DURATION_MAX, text
        return
    assert value == total, text


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=CONC_MAX))
def test_a_volume_rate_is_exactly_its_dose_or_refused(nl_per_day, conc):
    text = str(nl_per_day) + "nL/d"
    try:
        value = parse_dose_rate_ng_per_day(text, conc)
    except PumpError as err:
        exact = nl_per_day * conc % 10**6 == 0
        assert (err.code == E_PRECISION and not exact) or (
            err.code == E_RANGE and nl_per_day * conc // 10**6 > RATE_MAX), (text, conc)
        return
    assert value * 10**6 == nl_per_day * conc
    assert by_volume(text)


WORDS = st.lists(st.text(alphabet=st.sampled_from(list("0123456789.,=:%/ugmLlhrsdayinc")),
                         min_size=1, max_size=8), min_size=1, max_size=8)


@given(WORDS)
def test_joining_amounts_only_takes_out_spaces(line):
    joined = join_amounts(line)
    assert joined[0] == line[0]
    assert "".join(joined) == "".join(line)
    assert len(joined) <= len(line)


AMOUNTS = st.sampled_from(["2mL", "10mg/mL", "700ug/d", "1h", "6hours", "0.25%", "1,000ug",
                           "30MCG", "0.4mL/d", "75mcg/hr"])


@given(AMOUNTS, st.sampled_from(["", "lockout=", "08:00="]))
def test_a_number_and_its_unit_with_a_space_are_one_word(amount, key):
    i = len(amount)
    while amount[i - 1] not in "0123456789":
        i -= 1
    assert join_amounts(["x", key + amount[:i], amount[i:]]) == ["x", key + amount]


PARSE_ANY = PARSERS + [lambda text: parse_dose_rate_ng_per_day(text, 75_000)]
TYPED = st.text(alphabet=st.one_of(st.sampled_from(list("0123456789.,%:/=hHrRsSdDmMuUgGlLnNcC")),
                                   st.characters()), max_size=24)


@given(st.sampled_from(PARSE_ANY), TYPED)
def test_anything_typed_is_a_value_or_a_refusal_with_words(parser, typed):
    try:
        value = parser(typed)
    except PumpError as err:
        # Its own sentence, not the fallback that lists values a template did not take.
        said = words(err.code, err.values)
        assert type(said) is str and not said.startswith(name(err.code) + ": "), said
        assert not said.startswith("error "), said
        return
    assert type(value) is int and value >= 0
