"""Every error code has words, and the words carry the numbers the logic raised.
Runs under pytest and MicroPython."""
from console.message_text import MESSAGES
from console.messages import name, text
from pump import errors
from pump.drugs import lookup
from pump.errors import (E_BOLUS_LIMIT, E_HOURLY_LIMIT, E_DAILY_LIMIT, E_DOSE_WINDOW,
                         E_LOCKOUT, E_NOT_PRIMED, E_PRIME_LIMIT, PumpError)


def _codes():
    out = []
    for attr in dir(errors):
        if attr.startswith("E_"):
            out.append(getattr(errors, attr))
    return out


def test_every_error_code_has_a_message():
    known = [m[0] for m in MESSAGES]
    for code in _codes():
        assert code in known, code


def test_codes_are_unique():
    codes = _codes()
    for i in range(len(codes)):
        assert codes[i] not in codes[i + 1:], codes[i]


def test_daily_limit_names_drug_dose_limit_and_what_is_allowed_in_readable_units():
    t = text(E_DAILY_LIMIT, ("hydromorphone", 12000001, 10000000, 9986000))
    assert t == ("hydromorphone: 12.000001mg in 24 h is over its daily limit, 10mg: at "
                 "most 9.986mg in 24 h"), t
    # As console/cmd_rx.py gives it for a basal line: the most in the unit typed.
    t = text(E_HOURLY_LIMIT, ("ziconotide", 1900, 1849, "1.814ug/h basal at any hour"))
    assert t == ("ziconotide: 1.9ug in an hour is over its hourly limit, 1.849ug: at most "
                 "1.814ug/h basal at any hour"), t


def test_a_bolus_over_its_row_says_the_largest_allowed_of_the_primary():
    t = text(E_BOLUS_LIMIT, ("clonidine", 15000, 10000, 20000, "hydromorphone"))
    assert t == ("clonidine bolus of 15ug is over its bolus limit: at most 10ug of "
                 "clonidine (20ug of hydromorphone)"), t
    t = text(E_BOLUS_LIMIT, ("morphine", 250001, 250000, 250000, "morphine"))
    assert t == "morphine bolus of 250.001ug is over its bolus limit: at most 250ug", t
    t = text(E_BOLUS_LIMIT, ("ziconotide", 1000, 0, 0, "ziconotide"))
    assert t.endswith("at most 0ng, its row refuses patient boluses (ptm off)"), t


def test_lockout_says_how_long_to_wait_in_readable_units_rounded_up():
    assert text(E_LOCKOUT, (1800000,)) == "lockout: next bolus in 30m"
    assert text(E_LOCKOUT, (1799001,)) == "lockout: next bolus in 30m"  # never shorter
    assert text(E_LOCKOUT, (90_500,)) == "lockout: next bolus in 1m31s"


def test_dose_window_puts_the_dose_first_in_readable_units():
    t = text(E_DOSE_WINDOW, (3600000, 2500000, 2375000))
    assert t.startswith("would put 2.5mg in an hour, over its limit: at most 2.375mg in "
                        "any hour,"), t
    t = text(E_DOSE_WINDOW, (86_400_000, 2500000, 2375000, "clonidine"))
    assert t.startswith("would put 2.5mg of clonidine in 24 h, over its limit: at most "
                        "2.375mg in any 24 h,"), t
    assert t.endswith(": wait, or ask for less"), t
    # A clinician's bolus: the largest that fits now (console/cmd_dose.py), or none.
    t = text(E_DOSE_WINDOW, (3600000, 2500000, 2375000, "", 125000))
    assert t.endswith("2.375mg in any hour, the delivery so far and the schedule "
                      "included: a bolus of at most 125ug now"), t
    t = text(E_DOSE_WINDOW, (3600000, 2500000, 2375000, "", 0))
    assert t.endswith(": no bolus fits now: wait"), t


def test_prime_and_calibration_volumes_are_readable():
    t = text(E_PRIME_LIMIT, (2000, 1626, 1400))
    assert t.startswith("prime 2uL: the line has room for 1.626uL, in steps of 1.4uL"), t
    assert text(E_NOT_PRIMED, (75000, 150000)) == "the line is not primed: 75uL of 150uL filled"


def test_mismatched_values_still_show_every_value():
    t = text(E_LOCKOUT, (1, 2, 3))
    assert "1" in t and "2" in t and "3" in t


def test_unknown_code_never_raises():
    assert "1" in text(1, ("x",))  # no code under 10 exists
    assert name(1) == "error"


def test_a_real_refusal_reads_clearly():
    try:
        lookup("ketamine")
    except PumpError as err:
        t = text(err.code, err.values)
        assert t.startswith("drug not in the drug table: ketamine (it holds morphine, "), t
        assert "clonidine" in t, t
        return
    raise AssertionError("ketamine was accepted")


# ----- what to type instead (issue 16, item 4) -----
def test_a_refused_amount_says_what_to_write_for_every_kind():
    from pump.units import (K_CONC, K_COUNT, K_DURATION, K_ISO, K_MASS, K_RATE,
                            K_TIME_OF_DAY, K_VOLUME)
    from pump.errors import E_BAD_NUMBER, E_BAD_UNIT, E_PRECISION
    wanted = ((K_MASS, "0.2mg"), (K_VOLUME, "2mL"), (K_DURATION, "4h30m"),
              (K_CONC, "10mg/mL"), (K_RATE, "700ug/d"), (K_TIME_OF_DAY, "HH:MM"),
              (K_COUNT, "whole number"), (K_ISO, "YYYY-MM-DDTHH:MM:SS"))
    for kind, example in wanted:
        t = text(E_BAD_NUMBER, ("x", kind))
        assert t.startswith("not a number: x (write ") and example in t, (kind, t)
    units = ((K_MASS, "mcg"), (K_VOLUME, "uL"), (K_DURATION, "hr"), (K_CONC, "10mg/mL"),
             (K_RATE, "0.4mL/d"))
    for kind, unit in units:
        t = text(E_BAD_UNIT, ("x", kind))
        assert t.startswith("missing, unknown or wrong unit: x (write ") and unit in t, t
    bases = ((K_MASS, "ng"), (K_VOLUME, "nL"), (K_DURATION, "ms"), (K_CONC, "ng/mL"),
             (K_RATE, "ng/d"))
    for kind, base in bases:
        assert text(E_PRECISION, ("x", kind)) == (
            "x is finer than one %s, the least the pump counts: round it" % base)


def test_a_range_refusal_names_its_bounds_as_typed():
    from pump.errors import E_RANGE
    from pump.units import K_COUNT, K_DIGITS, K_DURATION, K_ISO, K_TIME_OF_DAY, K_VOLUME
    assert text(E_RANGE, ("9d", K_DURATION, 60000, 604800000)) == (
        "out of range: 9d (from 1m to 7d)")
    assert text(E_RANGE, ("2L", K_VOLUME, 0, 1000000000)) == (
        "out of range: 2L (at most 1000mL)")
    assert text(E_RANGE, ("24:00", K_TIME_OF_DAY, 0, 1439)) == (
        "out of range: 24:00 (at most 23:59)")
    assert text(E_RANGE, ("0", K_COUNT, 1, 64)) == "out of range: 0 (from 1 to 64)"
    assert "at most 12 significant digits" in text(E_RANGE, ("1" * 13, K_DIGITS, 0, 12))
    assert "that exist" in text(E_RANGE, ("2026-02-30T00:00:00", K_ISO))
    assert text(E_RANGE, (5,)) == "out of range: 5 (see help)"  # a value with no kind


def test_a_short_lockout_reads_in_hours_and_minutes():
    from pump.errors import E_LOCKOUT_RANGE
    assert text(E_LOCKOUT_RANGE, ("morphine", 300000, 3600000)) == (
        "morphine lockout 5m is under the 1h minimum: write lockout=1h or longer")
    assert "lockout 1h29m59s is under the 1h30m" in text(
        E_LOCKOUT_RANGE, ("x", 5399000, 5400000))


def test_usage_refusals_show_the_usage_line():
    from pump.errors import E_USAGE
    assert text(E_USAGE, ("ptm",)) == (
        "wrong arguments for ptm: write ptm <dose> lockout=<time> max=<n> | ptm off")


def test_a_refused_amount_of_no_known_kind_points_at_help():
    from pump.errors import E_BAD_NUMBER, E_BAD_UNIT
    assert text(E_BAD_UNIT, ("x",)) == (
        "missing, unknown or wrong unit: x (write what help <command> shows)")
    assert text(E_BAD_NUMBER, ("x", 99)).endswith("(write what help <command> shows)")


def test_odd_values_for_the_new_words_never_raise():
    from pump.errors import (E_BAD_NUMBER, E_BAD_UNIT, E_BRAND_NAME, E_COMMA, E_LOCKOUT_RANGE,
                             E_PERCENT, E_PRECISION, E_RANGE, E_USAGE, E_VOLUME_RATE)
    odd = ((), ("x",), ("x", 99), ("x", "y"), ("x", -1, 2, 3), ("x", 3, "a", "b"), (1, 2, 3),
           ("x", 0, None, None), (None,))
    for code in (E_BAD_NUMBER, E_BAD_UNIT, E_PRECISION, E_RANGE, E_COMMA, E_PERCENT,
                 E_VOLUME_RATE, E_BRAND_NAME, E_LOCKOUT_RANGE, E_USAGE):
        for values in odd:
            assert type(text(code, values)) is str


def test_a_readable_duration_reads_back_as_the_same_ms():
    from console.readable import duration
    from pump.units import parse_duration_ms
    for ms in (0, 1, 999, 1000, 60000, 3600000, 5400000, 16200000, 86400000, 90061001,
               31622400000):
        assert parse_duration_ms(duration(ms)) == ms, (ms, duration(ms))
    assert duration(5400000) == "1h30m" and duration(250) == "250ms"


def test_exact_amounts_keep_every_digit():
    from console.readable import exact_conc, exact_mass, exact_rate, volume
    assert exact_mass(12000001) == "12.000001mg"
    assert exact_mass(10000000000) == "10g"
    assert exact_conc(2500000) == "2.5mg/mL" and exact_rate(480000) == "480ug/d"
    assert volume(1500) == "1.5uL" and volume(40000000) == "40mL" and volume(7) == "7nL"
