"""Properties of units.py, CPython only: decimal text round-trips exactly to base units,
and no text whatever makes a parser fail with anything but PumpError."""
from hypothesis import given
from hypothesis import strategies as st

from pump.errors import E_RANGE, PumpError
from pump.units import (
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
