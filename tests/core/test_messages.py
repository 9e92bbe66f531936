"""Every error code has words, and the words carry the numbers the logic raised.
Runs under pytest and MicroPython."""
from console.message_text import MESSAGES
from console.messages import name, text
from pump import errors
from pump.drugs import lookup
from pump.errors import E_DAILY_LIMIT, E_DOSE_WINDOW, E_LOCKOUT, PumpError


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


def test_daily_limit_names_drug_dose_and_limit():
    t = text(E_DAILY_LIMIT, ("hydromorphone", 12000000, 10000000))
    assert "hydromorphone" in t and "12000000" in t and "10000000" in t


def test_lockout_says_how_long_to_wait():
    assert "1800000" in text(E_LOCKOUT, (1800000,))


def test_dose_window_puts_the_dose_first():
    t = text(E_DOSE_WINDOW, (3600000, 2500000, 2375000))
    assert t.index("2500000") < t.index("3600000") < t.index("2375000")


def test_mismatched_values_still_show_every_value():
    t = text(E_LOCKOUT, (1, 2, 3))
    assert "1" in t and "2" in t and "3" in t


def test_unknown_code_never_raises():
    assert "99" in text(99, ("x",))
    assert name(99) == "error"


def test_a_real_refusal_reads_clearly():
    try:
        lookup("ketamine")
    except PumpError as err:
        assert text(err.code, err.values) == "drug not in the drug table: ketamine"
        return
    raise AssertionError("ketamine was accepted")
