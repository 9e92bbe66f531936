"""tools/soak.py prints a failure whole: the assertion, its values and the falsifying
example, however long the hypothesis statistics after it (issue 14, item 6), and its verdict
counts the emulated run: an exception there is a FAILED soak with the traceback shown."""
import importlib.util
import sys

from conftest import REPO


def _soak():
    spec = importlib.util.spec_from_file_location("soak", REPO / "tools" / "soak.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


OUT = "\n".join([
    "tests/host/test_delivery_properties.py F",
    "=================================== FAILURES ===================================",
    "_______ test_no_rolling_hour_or_day_holds_more_than_the_drug_table_allows _______",
    "E   AssertionError: ('clonidine', 3600000, 95000.0066, 95000)",
    "Falsifying example: test_no_rolling_hour_or_day_holds_more_than_the_drug_table_"
    "allows(scenario=(...))",
    "============================ Hypothesis Statistics =============================",
] + ["  - 1000 passing examples, 0 failing, 0 invalid"] * 2000 + [
    "=========================== short test summary info ============================",
    "FAILED tests/host/test_delivery_properties.py::test_no_rolling_hour_or_day_holds_mo...",
    "========================= 1 failed, 300 passed in 500s =========================",
])


def test_the_soak_prints_the_failing_assertion_and_example_whole():
    assert "95000.0066" not in OUT[-20000:]  # what the soak printed before
    shown = _soak().failures(OUT)
    assert "E   AssertionError: ('clonidine', 3600000, 95000.0066, 95000)" in shown
    assert "Falsifying example: test_no_rolling_hour" in shown
    assert "FAILED tests/host/test_delivery_properties.py" in shown
    assert "passing examples" not in shown  # the statistics stay out


YEAR = {"days": "365", "boluses_granted": "2190", "boluses_refused": "730", "refills": "8",
        "steps": "219697", "worst_gap_steps": "0.994", "state": "running", "elapsed_ms": "1"}


class _Emu:
    """A stand-in for tools/soak_emu.py: prints a line, then returns `code` or raises."""

    def __init__(self, code=0, error=None):
        self.code, self.error = code, error

    def main(self, argv):
        print("emulated soak: %s minutes" % argv[0])
        if self.error is not None:
            raise self.error
        return self.code


def _run(monkeypatch, capsys, emu, status=0, out="10 passed in 1.00s"):
    soak = _soak()
    monkeypatch.setattr(soak, "run_tests", lambda examples, seed: (status, out, {}))
    monkeypatch.setattr(soak, "run_year", lambda days: ({"CPython": YEAR,
                                                         "MicroPython": YEAR}, None))
    monkeypatch.setitem(sys.modules, "soak_emu", emu)
    code = soak.main(["--emu-minutes", "3"])
    return code, capsys.readouterr().out


def test_an_exception_in_the_emulated_run_fails_the_soak_and_is_printed_after_the_summary(
        monkeypatch, capsys):
    # The IndexError of ERR 64's new units: the soak had printed PASSED, then died in
    # soak_emu with the failures not printed.
    code, out = _run(monkeypatch, capsys, _Emu(error=IndexError("list index out of range")))
    assert code == 1
    assert "soak: FAILED" in out and "PASSED" not in out
    assert "emulated RP2040, 3 min: FAILED" in out
    # Its output before the verdict; the traceback after it, whole.
    assert out.index("emulated soak: 3 minutes") < out.index("soak: FAILED")
    assert out.index("soak: FAILED") < out.index("IndexError: list index out of range")


def test_a_failing_emulated_run_fails_a_soak_whose_tests_passed(monkeypatch, capsys):
    code, out = _run(monkeypatch, capsys, _Emu(code=1))
    assert code == 1 and "soak: FAILED" in out
    code, out = _run(monkeypatch, capsys, _Emu(error=SystemExit("start: ERR 64 ...")))
    assert code == 1 and "SystemExit: start: ERR 64 ..." in out


def test_failed_tests_and_a_broken_emulated_run_both_print_whole(monkeypatch, capsys):
    code, out = _run(monkeypatch, capsys, _Emu(error=IndexError("x")), status=1, out=OUT)
    assert code == 1 and "soak: FAILED" in out
    assert "E   AssertionError: ('clonidine', 3600000, 95000.0066, 95000)" in out
    assert "IndexError: x" in out


def test_all_green_is_passed_and_exit_status_0(monkeypatch, capsys):
    code, out = _run(monkeypatch, capsys, _Emu())
    assert code == 0
    assert "soak: PASSED" in out and "emulated RP2040, 3 min: passed" in out
    assert "year: both interpreters identical; worst gap 0.994 steps" in out
