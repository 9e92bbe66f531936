"""tools/soak.py prints a failure whole: the assertion, its values and the falsifying
example, however long the hypothesis statistics after it (issue 14, item 6)."""
import importlib.util

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
