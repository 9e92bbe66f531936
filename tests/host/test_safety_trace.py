"""docs/safety.md names, for each hazard, the tests that prove its mitigation: every one
of them must exist, so the table cannot point at a test that was renamed or deleted."""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _defined_tests():
    names = set()
    for dirpath, _, files in os.walk(os.path.join(ROOT, "tests")):
        for f in files:
            if f.startswith("test_") and f.endswith(".py"):
                with open(os.path.join(dirpath, f)) as fh:
                    names.update(re.findall(r"^def (test_\w+)", fh.read(), re.M))
    return names


def test_every_test_named_in_the_hazard_table_exists():
    with open(os.path.join(ROOT, "docs", "safety.md")) as fh:
        cited = set(re.findall(r"`(test_\w+)`", fh.read()))
    assert len(cited) >= 15, cited
    missing = sorted(cited - _defined_tests())
    assert not missing, "docs/safety.md cites tests that do not exist: %s" % missing
