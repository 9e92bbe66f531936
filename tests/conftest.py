"""Shared pytest set-up: Hypothesis profiles, chosen by HYPOTHESIS_PROFILE, the tally of
what the verification tests covered, and which tests are slow.

"ci" is the default when CI is set (as .ci/run sees it), "dev" otherwise; "long" is for a
soak run by hand: HYPOTHESIS_PROFILE=long make test. "soak" is what `make soak`
(tools/soak.py) selects: PUMP_SOAK_EXAMPLES examples per property (1000 by default).
"fast" is what `make test-fast` selects: a smoke run of each property, not a search.
With PUMP_TALLY set to a path, the counts tests/host/tally.py gathered (examples,
invariants checked, bytes fuzzed, lines compared) are written there as JSON at the end.

`make test-fast` leaves out the tests marked slow: the files SLOW_FILES names, with why,
and single tests marked @pytest.mark.slow where they are written. `make test` (and CI)
selects every test: the marker only deselects under -m."""
import json
import os
import sys

import pytest
from hypothesis import settings

settings.register_profile("ci", max_examples=100, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)  # timings belong in tools/bench, not tests
settings.register_profile("long", max_examples=5000, deadline=None)
settings.register_profile("soak", max_examples=int(os.environ.get("PUMP_SOAK_EXAMPLES", "1000")),
                          deadline=None, print_blob=True)
settings.register_profile("fast", max_examples=10, deadline=None)

_on_ci = os.environ.get("CI", "").lower() in ("true", "1", "yes")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if _on_ci else "dev"))


# Left out of `make test-fast`, by why. Times: `pytest --durations` on 2 cores (tests/emu:
# docs/virtual_pico.md). A directory ends in "/"; tests/host/test_fast_tier.py checks that
# each one names collected tests.
SLOW_FILES = {
    "an emulated RP2040 running MicroPython's own build (about 6.5 min)": (
        "tests/emu/",),
    "a power cut at every byte of every write (about 50 s)": (
        "tests/host/test_power_cut.py", "tests/host/test_power_cut_console.py",
        "tests/host/test_power_cut_activity.py"),
    "a MicroPython VM booted again for every hypothesis script (about 8 s)": (
        "tests/host/test_differential.py",),
    "each script played twice through the firmware, once a pass a minute, a month among "
    "them, and on a virtual Pico (about 20 s)": (
        "tests/host/test_jump_differential.py",),
    "a day recorded on a virtual Pico, then drawn by matplotlib (about 9 s)": (
        "tests/host/test_report.py",),
    "each test starts the MicroPython VM, most a virtual Pico on a pty (0.3 to 4 s each)": (
        "tests/host/test_core_under_micropython.py", "tests/host/test_mem_under_micropython.py",
        "tests/host/test_lazy_modules.py", "tests/host/test_deploy.py",
        "tests/host/test_vpico.py", "tests/host/test_vpico_restart.py",
        "tests/host/test_repl_attack.py", "tests/host/test_repl_handoff.py",
        "tests/host/test_vpico_case1.py", "tests/host/test_vpico_calibrate.py",
        "tests/host/test_pumpctl_cli.py", "tests/host/test_pumpctl_run.py",
        "tests/host/test_live_console.py", "tests/host/test_first_pump_doc.py"),
    "a wheel built, installed into a fresh venv with its dependencies and run from outside "
    "the repo (about a minute; pip reaches the package index)": (
        "tests/host/test_wheel.py",),
    "pumpctl typed with bad input, a subprocess per case (about 15 s)": (
        "tests/host/test_cli_errors.py",),
    "mypy over hal/pico, twice (about 2 s)": (
        "tests/host/test_pico_typecheck.py",),
    "collects the whole suite twice, through make (about 4 s); CI runs it": (
        "tests/host/test_fast_tier.py",),
}
_SLOW_PREFIXES = tuple(p for paths in SLOW_FILES.values() for p in paths)


def pytest_collection_modifyitems(config, items):
    # Marks only: deselecting is -m's job, so `make test` (no -m) still runs all of them.
    for item in items:
        if item.nodeid.startswith(_SLOW_PREFIXES):
            item.add_marker(pytest.mark.slow)


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("PUMP_TALLY")
    if not path:
        return
    tally = sys.modules.get("tally")  # imported only if a verification test ran
    with open(path, "w") as f:
        json.dump(tally.COUNTS if tally is not None else {}, f, indent=1, sort_keys=True)
