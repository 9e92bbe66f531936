"""units.py: typed quantities to exact integers. Runs under pytest and under MicroPython,
so it uses plain asserts and check.raises only."""
from check import raises
from pump.errors import (E_BAD_NUMBER, E_BAD_UNIT, E_COMMA, E_PERCENT, E_PRECISION, E_RANGE,
                         E_VOLUME_RATE)
from pump.units import (
    K_CONC,
    K_COUNT,
    K_DIGITS,
    K_DURATION,
    K_ISO,
    K_MASS,
    K_RATE,
    K_TIME_OF_DAY,
    K_VOLUME,
    by_volume,
    join_amounts,
    parse_concentration_ng_per_ml,
    parse_count,
    parse_dose_rate_ng_per_day,
    parse_duration_ms,
    parse_mass_ng,
    parse_time_of_day_min,
    parse_volume_nl,
    volume_as_typed,
)

# --- mass ---------------------------------------------------------------------------


def test_mass_units_convert_to_ng():
    assert parse_mass_ng("5ng") == 5
    assert parse_mass_ng("30ug") == 30000
    assert parse_mass_ng("0.2mg") == 200000
    assert parse_mass_ng("1g") == 1000000000


def test_mcg_is_a_synonym_of_ug():
    assert parse_mass_ng("30mcg") == parse_mass_ng("30ug") == 30000


def test_mass_of_zero_is_allowed():
    assert parse_mass_ng("0mg") == 0


def test_leading_zeros_are_accepted():
    assert parse_mass_ng("007ug") == 7000


def test_trailing_fraction_zeros_are_accepted():
    assert parse_mass_ng("0.200000mg") == 200000


def test_half_a_nanogram_is_refused_for_precision():
    raises(E_PRECISION, parse_mass_ng, "0.5ng")


def test_mass_finer_than_a_ng_in_larger_units_is_refused_for_precision():
    raises(E_PRECISION, parse_mass_ng, "0.0001ug")
    raises(E_PRECISION, parse_mass_ng, "1.0000000001g")


def test_mass_maximum_10_g_is_accepted():
    assert parse_mass_ng("10g") == 10000000000


def test_mass_one_ng_above_10_g_is_refused():
    raises(E_RANGE, parse_mass_ng, "10000000001ng")


def test_mass_units_are_read_in_any_case():
    assert parse_mass_ng("1MG") == parse_mass_ng("1Mg") == parse_mass_ng("1mg") == 1000000
    assert parse_mass_ng("1MCG") == parse_mass_ng("1UG") == parse_mass_ng("1Mcg") == 1000
    assert parse_mass_ng("1NG") == 1 and parse_mass_ng("1G") == 1000000000


def test_mass_refuses_a_volume_or_time_unit():
    raises(E_BAD_UNIT, parse_mass_ng, "1mL")
    raises(E_BAD_UNIT, parse_mass_ng, "1h")


def test_mass_refuses_a_concentration():
    raises(E_BAD_UNIT, parse_mass_ng, "1mg/mL")


def test_unknown_unit_is_refused():
    raises(E_BAD_UNIT, parse_mass_ng, "1kg")
    raises(E_BAD_UNIT, parse_mass_ng, "1lb")


def test_bare_number_is_refused_for_missing_unit():
    raises(E_BAD_UNIT, parse_mass_ng, "1")
    raises(E_BAD_UNIT, parse_mass_ng, "0.5")


# --- number grammar -------------------------------------------------------------------


def test_empty_text_is_a_bad_number():
    raises(E_BAD_NUMBER, parse_mass_ng, "")
    raises(E_BAD_NUMBER, parse_mass_ng, "   ")


def test_unit_without_number_is_a_bad_number():
    raises(E_BAD_NUMBER, parse_mass_ng, "ug")


def test_two_decimal_points_are_a_bad_number():
    raises(E_BAD_NUMBER, parse_mass_ng, "1.2.3mg")


def test_signs_are_a_bad_number():
    raises(E_BAD_NUMBER, parse_mass_ng, "-1mg")
    raises(E_BAD_NUMBER, parse_mass_ng, "+1mg")


def test_exponent_is_a_bad_number():
    raises(E_BAD_NUMBER, parse_mass_ng, "1e3ug")
    raises(E_BAD_NUMBER, parse_mass_ng, "1E3ug")


def test_comma_as_decimal_mark_is_refused_with_a_point_instead():
    err = raises(E_COMMA, parse_mass_ng, "1,5mg")
    assert err.values == ("1,5mg", "1.5mg")


def test_underscore_in_number_is_a_bad_number():
    raises(E_BAD_NUMBER, parse_mass_ng, "1_000ng")


def test_point_without_digits_on_both_sides_is_a_bad_number():
    raises(E_BAD_NUMBER, parse_mass_ng, "1.mg")
    raises(E_BAD_NUMBER, parse_mass_ng, ".5mg")
    raises(E_BAD_NUMBER, parse_mass_ng, ".mg")


def test_space_inside_the_token_is_a_bad_number():
    raises(E_BAD_NUMBER, parse_mass_ng, " 1 mg")
    raises(E_BAD_NUMBER, parse_mass_ng, "1\tmg")


def test_space_around_the_token_is_stripped():
    assert parse_mass_ng("  30ug \r\n") == 30000
    assert parse_volume_nl("\t2mL ") == 2000000


def test_non_ascii_digits_are_a_bad_number():
    raises(E_BAD_NUMBER, parse_mass_ng, "\u0661ng")  # ARABIC-INDIC DIGIT ONE
    raises(E_BAD_NUMBER, parse_mass_ng, "\u00b2ng")  # SUPERSCRIPT TWO


def test_error_carries_the_text_as_given():
    err = raises(E_BAD_NUMBER, parse_mass_ng, " 1 mg")
    assert err.values == (" 1 mg", K_MASS)


def test_twelve_significant_digits_are_accepted():
    assert parse_count("999999999999", 0, 10**12) == 999999999999


def test_thirteen_significant_digits_are_refused_as_range():
    raises(E_RANGE, parse_count, "1000000000000", 0, 10**13)
    raises(E_RANGE, parse_mass_ng, "0.0000000000001g")


def test_leading_and_trailing_zeros_do_not_count_as_significant():
    assert parse_count("0000000000000001", 0, 1) == 1
    assert parse_mass_ng("1.00000000000000000000mg") == 1000000


def test_leading_fraction_zeros_count_towards_the_digit_limit():
    # 12 digits pass the limit and then fail on precision; 13 fail the limit itself.
    raises(E_PRECISION, parse_mass_ng, "0.000000000001g")
    raises(E_RANGE, parse_mass_ng, "0.0000000000001g")


# --- volume ---------------------------------------------------------------------------


def test_volume_units_convert_to_nl():
    assert parse_volume_nl("40mL") == 40000000
    assert parse_volume_nl("2mL") == 2000000
    assert parse_volume_nl("50uL") == 50000
    assert parse_volume_nl("7nL") == 7


def test_volume_units_ignore_case():
    for text in ("1mL", "1ml", "1ML", "1Ml"):
        assert parse_volume_nl(text) == 1000000
    for text in ("1uL", "1ul", "1UL"):
        assert parse_volume_nl(text) == 1000
    assert parse_volume_nl("1NL") == parse_volume_nl("1nl") == 1


def test_fraction_of_a_nl_is_refused_for_precision():
    raises(E_PRECISION, parse_volume_nl, "0.5nL")
    raises(E_PRECISION, parse_volume_nl, "0.0000001mL")


def test_volume_maximum_1000_ml_is_accepted():
    assert parse_volume_nl("1000mL") == 1000000000


def test_volume_one_nl_above_1000_ml_is_refused():
    raises(E_RANGE, parse_volume_nl, "1000000001nL")


def test_volume_refuses_a_mass_unit():
    raises(E_BAD_UNIT, parse_volume_nl, "1mg")
    raises(E_BAD_UNIT, parse_volume_nl, "1L")


# --- duration -------------------------------------------------------------------------


def test_duration_units_convert_to_ms():
    assert parse_duration_ms("250ms") == 250
    assert parse_duration_ms("30s") == 30000
    assert parse_duration_ms("6h") == 21600000
    assert parse_duration_ms("2d") == 172800000


def test_m_and_min_are_both_minutes():
    assert parse_duration_ms("15m") == parse_duration_ms("15min") == 900000


def test_fractional_seconds_and_minutes_convert_exactly():
    assert parse_duration_ms("1.5s") == 1500
    assert parse_duration_ms("0.001m") == 60


def test_tenth_of_a_ms_is_refused_for_precision():
    raises(E_PRECISION, parse_duration_ms, "0.0001s")


def test_duration_maximum_366_days_is_accepted():
    assert parse_duration_ms("366d") == 31622400000


def test_duration_one_ms_above_366_days_is_refused():
    raises(E_RANGE, parse_duration_ms, "31622400001ms")


def test_duration_units_are_read_in_any_case():
    assert parse_duration_ms("1H") == parse_duration_ms("1h") == 3600000
    assert parse_duration_ms("1S") == 1000 and parse_duration_ms("1MS") == 1
    assert parse_duration_ms("1D") == 86400000 and parse_duration_ms("1MIN") == 60000


def test_duration_refuses_other_units():
    raises(E_BAD_UNIT, parse_duration_ms, "1mg")
    raises(E_BAD_UNIT, parse_duration_ms, "1us")
    raises(E_BAD_UNIT, parse_duration_ms, "1week")


# --- concentration --------------------------------------------------------------------


def test_concentration_converts_to_ng_per_ml():
    assert parse_concentration_ng_per_ml("1000ug/mL") == 1000000
    assert parse_concentration_ng_per_ml("2.5mg/mL") == 2500000
    assert parse_concentration_ng_per_ml("75mcg/mL") == 75000


def test_concentration_per_ul_and_nl_scales_up():
    assert parse_concentration_ng_per_ml("1ng/uL") == 1000
    assert parse_concentration_ng_per_ml("1ng/nL") == 1000000
    assert parse_concentration_ng_per_ml("0.5ng/uL") == 500


def test_concentration_volume_unit_ignores_case():
    assert parse_concentration_ng_per_ml("1mg/ml") == parse_concentration_ng_per_ml("1mg/ML")


def test_concentration_units_are_read_in_any_case():
    assert parse_concentration_ng_per_ml("1MG/mL") == parse_concentration_ng_per_ml("1mg/ML")
    assert parse_concentration_ng_per_ml("75MCG/ML") == 75000


def test_concentration_of_zero_is_refused():
    raises(E_RANGE, parse_concentration_ng_per_ml, "0mg/mL")


def test_fraction_of_a_ng_per_ml_is_refused_for_precision():
    raises(E_PRECISION, parse_concentration_ng_per_ml, "0.5ng/mL")


def test_concentration_maximum_100_mg_per_ml_is_accepted():
    assert parse_concentration_ng_per_ml("100mg/mL") == 100000000


def test_concentration_above_100_mg_per_ml_is_refused():
    raises(E_RANGE, parse_concentration_ng_per_ml, "100000001ng/mL")
    raises(E_RANGE, parse_concentration_ng_per_ml, "1mg/uL")


def test_concentration_needs_exactly_one_volume_denominator():
    raises(E_BAD_UNIT, parse_concentration_ng_per_ml, "1mg")
    raises(E_BAD_UNIT, parse_concentration_ng_per_ml, "1mg/")
    raises(E_BAD_UNIT, parse_concentration_ng_per_ml, "1mg/h")
    raises(E_BAD_UNIT, parse_concentration_ng_per_ml, "1mg/mL/mL")
    raises(E_BAD_UNIT, parse_concentration_ng_per_ml, "1mL/mL")


def test_concentration_with_bad_number_is_a_bad_number():
    raises(E_BAD_NUMBER, parse_concentration_ng_per_ml, "/mL")
    raises(E_BAD_NUMBER, parse_concentration_ng_per_ml, "-1mg/mL")


# --- dose rate ------------------------------------------------------------------------


def test_dose_rate_converts_to_ng_per_day():
    assert parse_dose_rate_ng_per_day("700ug/d") == 700000
    assert parse_dose_rate_ng_per_day("0.7mg/d") == 700000
    assert parse_dose_rate_ng_per_day("30ug/h") == 720000


def test_day_and_24h_are_synonyms_of_d():
    assert parse_dose_rate_ng_per_day("700ug/day") == 700000
    assert parse_dose_rate_ng_per_day("700ug/24h") == 700000


def test_dose_rate_per_minute_is_whole_ng_per_day():
    assert parse_dose_rate_ng_per_day("1ng/min") == 1440


def test_dose_rate_only_the_ng_per_day_result_must_be_whole():
    assert parse_dose_rate_ng_per_day("0.5ng/h") == 12


def test_fraction_of_a_ng_per_day_is_refused_for_precision():
    raises(E_PRECISION, parse_dose_rate_ng_per_day, "0.001ng/h")
    raises(E_PRECISION, parse_dose_rate_ng_per_day, "0.5ng/d")


def test_dose_rate_of_zero_is_allowed():
    assert parse_dose_rate_ng_per_day("0ug/d") == 0


def test_dose_rate_maximum_1_g_per_day_is_accepted():
    assert parse_dose_rate_ng_per_day("1g/d") == 1000000000


def test_dose_rate_one_ng_above_1_g_per_day_is_refused():
    raises(E_RANGE, parse_dose_rate_ng_per_day, "1000000001ng/d")
    raises(E_RANGE, parse_dose_rate_ng_per_day, "1mg/min")


def test_dose_rate_refuses_other_denominators():
    for text in ("1mg/mL", "1mg/s", "1mg/m", "1mg/ms", "1mg/2d", "1mg", "1mg/d/d",
                 "1mg/12h", "1mg/24m", "1mg/24d"):
        raises(E_BAD_UNIT, parse_dose_rate_ng_per_day, text)


# --- time of day and counts -----------------------------------------------------------


def test_time_of_day_is_minutes_since_midnight():
    assert parse_time_of_day_min("00:00") == 0
    assert parse_time_of_day_min("08:30") == 510
    assert parse_time_of_day_min(" 23:59 ") == 1439


def test_time_of_day_past_23_59_is_refused():
    raises(E_RANGE, parse_time_of_day_min, "24:00")
    raises(E_RANGE, parse_time_of_day_min, "12:60")


def test_malformed_time_of_day_is_a_bad_number():
    for text in ("8:30", "08:3", "0830", "08-30", "08:3a", "-1:00", "1.:00", "", "08:30:00"):
        raises(E_BAD_NUMBER, parse_time_of_day_min, text)


def test_count_within_bounds_is_accepted_at_both_ends():
    assert parse_count("1", 1, 5) == 1
    assert parse_count("5", 1, 5) == 5


def test_count_outside_bounds_is_refused():
    raises(E_RANGE, parse_count, "0", 1, 5)
    raises(E_RANGE, parse_count, "6", 1, 5)


def test_count_must_be_a_plain_integer():
    for text in ("", "2.0", "-1", "+1", "1e2", "1 0", "3x"):
        raises(E_BAD_NUMBER, parse_count, text, 0, 100)


# --- results are ints ---------------------------------------------------------------------


def test_every_parser_returns_an_int():
    results = (
        parse_mass_ng("0.2mg"),
        parse_volume_nl("0.5mL"),
        parse_duration_ms("1.5s"),
        parse_concentration_ng_per_ml("2.5mg/mL"),
        parse_dose_rate_ng_per_day("0.7mg/d"),
        parse_time_of_day_min("08:30"),
        parse_count("3", 0, 9),
    )
    for value in results:
        assert type(value) is int


def test_a_volume_is_shown_back_exactly_in_the_unit_typed():
    assert volume_as_typed(48000, "0mL") == "0.048mL"
    assert volume_as_typed(48000, "47uL") == "48uL"
    assert volume_as_typed(1500, "2ml") == "0.0015ml"
    assert volume_as_typed(7, "3nL") == "7nL"
    assert volume_as_typed(2000000, "1.5mL") == "2mL"


# --- what a clinician types (issue 16, item 4) ----------------------------------------


def test_hours_days_and_minutes_have_their_usual_spellings():
    for text in ("1hr", "1hrs", "1hour", "1hours", "1HR", "1Hour"):
        assert parse_duration_ms(text) == parse_duration_ms("1h") == 3600000, text
    assert parse_duration_ms("6hours") == 21600000
    for text in ("2day", "2days", "2Days"):
        assert parse_duration_ms(text) == parse_duration_ms("2d"), text
    assert parse_duration_ms("5mins") == parse_duration_ms("5min") == parse_duration_ms("5m")


def test_ms_stays_milliseconds_and_m_minutes():
    assert parse_duration_ms("5ms") == 5
    assert parse_duration_ms("5m") == 300000
    assert parse_duration_ms("5MS") == 5


def test_compound_durations_add_up_exactly():
    assert parse_duration_ms("4h30m") == 16200000
    assert parse_duration_ms("1h30min") == parse_duration_ms("90m") == 5400000
    assert parse_duration_ms("1d12h") == 129600000
    assert parse_duration_ms("2m30s") == 150000
    assert parse_duration_ms("1hr30mins") == 5400000
    assert parse_duration_ms("1d1h1m1s1ms") == 90061001


def test_compound_duration_needs_the_largest_unit_first_each_once():
    for text in ("30m4h", "1h1h", "1h60m1h", "30s1ms2s"):
        err = raises(E_BAD_UNIT, parse_duration_ms, text)
        assert err.values == (text, K_DURATION)


def test_compound_duration_parts_are_whole_and_end_in_a_unit():
    raises(E_BAD_NUMBER, parse_duration_ms, "1h0.5m")
    raises(E_BAD_UNIT, parse_duration_ms, "1h30")
    raises(E_BAD_NUMBER, parse_duration_ms, "h30m")
    raises(E_BAD_UNIT, parse_duration_ms, "1h30x")


def test_an_exponent_is_still_a_bad_number_not_a_compound():
    raises(E_BAD_NUMBER, parse_duration_ms, "1e3s")


def test_compound_duration_over_366_days_is_refused():
    raises(E_RANGE, parse_duration_ms, "366d1ms")
    assert parse_duration_ms("365d24h") == 31622400000


def test_dose_rate_denominators_have_their_usual_spellings():
    for text in ("30mcg/hr", "30mcg/HR", "30ug/hour", "30UG/h", "720ug/day", "720ug/days",
                 "720ug/24hr", "720ug/24hours", "720ug/D", "0.5ug/mins"):
        assert parse_dose_rate_ng_per_day(text) == 720000, text


def test_dose_rate_per_m_or_per_second_is_refused():
    for text in ("1ug/m", "1ug/s", "1ug/ms", "1ug/M"):
        raises(E_BAD_UNIT, parse_dose_rate_ng_per_day, text)


def test_a_volume_rate_is_the_dose_at_the_concentration_given():
    assert parse_dose_rate_ng_per_day("0.4mL/d", 10000000) == 4000000
    assert parse_dose_rate_ng_per_day("10uL/h", 1000000) == 240000  # 240 uL/day at 1 mg/mL
    assert parse_dose_rate_ng_per_day("0.0167mL/hr", 30000) == 12024


def test_a_volume_rate_without_a_concentration_is_refused():
    err = raises(E_VOLUME_RATE, parse_dose_rate_ng_per_day, "0.4mL/d")
    assert err.values == ("0.4mL/d",)


def test_a_volume_rate_that_would_round_the_dose_is_refused():
    err = raises(E_PRECISION, parse_dose_rate_ng_per_day, "1nL/d", 75000)  # 0.075 ng/day
    assert err.values == ("1nL/d", K_RATE)


def test_a_rate_says_whether_it_was_a_volume():
    assert by_volume("0.4mL/d") and by_volume("10UL/h")
    assert not by_volume("700ug/d") and not by_volume("700mcg/day")


def test_a_percent_is_refused_with_the_mg_per_ml_it_would_be():
    err = raises(E_PERCENT, parse_concentration_ng_per_ml, "0.25%")
    assert err.values == ("0.25%", "2.5mg/mL")
    assert raises(E_PERCENT, parse_concentration_ng_per_ml, "1%").values[1] == "10mg/mL"
    assert raises(E_PERCENT, parse_concentration_ng_per_ml, "0.05%w/v").values[1] == "0.5mg/mL"
    raises(E_BAD_NUMBER, parse_concentration_ng_per_ml, "%")
    raises(E_BAD_UNIT, parse_mass_ng, "5%")


def test_a_thousands_separator_is_refused_with_the_number_without_it():
    err = raises(E_COMMA, parse_mass_ng, "1,000ug")
    assert err.values == ("1,000ug", "1000ug")
    assert raises(E_COMMA, parse_mass_ng, "1,000,000ng").values[1] == "1000000ng"
    assert raises(E_COMMA, parse_mass_ng, "1,000.5ug").values[1] == "1000.5ug"
    assert raises(E_COMMA, parse_count, "1,000", 0, 5000).values[1] == "1000"
    assert raises(E_COMMA, parse_dose_rate_ng_per_day, "1,5mg/d").values[1] == "1.5mg/d"


def test_a_comma_that_is_neither_reading_is_a_bad_number():
    for text in ("1,2,3mg", ",5mg", "1,mg", "1.5,000mg", "1,00,000ng", "1,a00mg"):
        raises(E_BAD_NUMBER, parse_mass_ng, text)


def test_every_refusal_says_what_was_expected():
    cases = ((parse_mass_ng, K_MASS), (parse_volume_nl, K_VOLUME),
             (parse_duration_ms, K_DURATION), (parse_concentration_ng_per_ml, K_CONC),
             (parse_dose_rate_ng_per_day, K_RATE), (parse_time_of_day_min, K_TIME_OF_DAY))
    for parse, kind in cases:
        assert raises(E_BAD_NUMBER, parse, "x").values == ("x", kind)
    assert raises(E_BAD_NUMBER, parse_count, "x", 0, 1).values == ("x", K_COUNT)
    assert raises(E_BAD_UNIT, parse_volume_nl, "2").values == ("2", K_VOLUME)
    assert raises(E_PRECISION, parse_mass_ng, "0.5ng").values == ("0.5ng", K_MASS)


def test_a_range_refusal_carries_its_bounds():
    assert raises(E_RANGE, parse_count, "65", 1, 64).values == ("65", K_COUNT, 1, 64)
    assert raises(E_RANGE, parse_mass_ng, "11g").values == ("11g", K_MASS, 0, 10000000000)
    assert raises(E_RANGE, parse_concentration_ng_per_ml, "0mg/mL").values[2:] == (1, 100000000)
    assert raises(E_RANGE, parse_time_of_day_min, "24:00").values == ("24:00", K_TIME_OF_DAY,
                                                                      0, 1439)
    assert raises(E_RANGE, parse_count, "1000000000000", 0, 1).values[1] == K_DIGITS


def test_iso_time_refusals_name_their_kind_as_units_numbers_it():
    from console.iso_parse import K_ISO as ISO_KIND
    assert ISO_KIND == K_ISO


# --- a number and its unit typed with a space ------------------------------------------


def test_a_number_and_the_unit_after_it_are_joined():
    assert join_amounts(["refill", "2", "mL"]) == ["refill", "2mL"]
    assert join_amounts(["drug", "morphine", "10", "mg/mL", "clonidine", "75", "MCG/ML"]) == [
        "drug", "morphine", "10mg/mL", "clonidine", "75MCG/ML"]
    assert join_amounts(["ptm", "30", "ug", "lockout=1", "h", "max=7"]) == [
        "ptm", "30ug", "lockout=1h", "max=7"]
    assert join_amounts(["basal", "00:00=600", "ug/d", "08:00=0.4", "mL/d"]) == [
        "basal", "00:00=600ug/d", "08:00=0.4mL/d"]
    assert join_amounts(["suspend", "6", "hours"]) == ["suspend", "6hours"]
    assert join_amounts(["drug", "morphine", "0.25", "%"]) == ["drug", "morphine", "0.25%"]
    assert join_amounts(["bolus", "1,000", "ug"]) == ["bolus", "1,000ug"]


def test_only_a_unit_after_a_number_is_joined():
    for words in (["login", "1234", "abc"], ["log", "5"], ["drug", "morphine", "mg/mL"],
                  ["sim", "advance", "1h", "30m"], ["ack", "2", "occlusion"],
                  ["basal", "00:00=600", "08:00=700ug/d"], ["x", "5", "h30m"],
                  ["time", "2026-01-01T08:00:00", "h"], ["refill", "2mL", "mL"],
                  ["login", "abc1", "h"]):
        assert join_amounts(words) == words, words


def test_the_command_word_is_never_joined():
    assert join_amounts(["5", "mg"]) == ["5", "mg"]
