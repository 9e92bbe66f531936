"""No test is lost to the slow marker: `make test` selects every test, and `make test-fast`
leaves out only those marked slow or hil, and keeps most of the suite.

Each target's pytest arguments are read from `make -n`, so a change to the Makefile is
checked too, and the suite is collected (never run) with them, twice, side by side. This
file is itself marked slow (tests/conftest.py): it runs in `make test`, which CI runs."""
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
FAST_SHARE = 0.6  # a marker put on most of the suite must fail here, not pass unseen
TIMEOUT_S = 120


def _env():
    # A plain `make` with nothing inherited from the make (or soak) running this test.
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTEST_ARGS", "PUMP_TALLY")}
    env["PYTHONPATH"] = os.pathsep.join([str(HERE)] + env.get("PYTHONPATH", "").split(os.pathsep))
    return env


def make_pytest_args(target):
    """What the target passes to pytest, read from `make -n` (which runs nothing)."""
    out = subprocess.run(["make", "-n", target, "PYTEST_ARGS="], cwd=REPO, env=_env(),
                         capture_output=True, text=True, check=True, timeout=TIMEOUT_S).stdout
    lines = [line for line in out.splitlines() if "bin/pytest" in line]
    assert len(lines) == 1, "expected one pytest command in `make -n %s`:\n%s" % (target, out)
    return shlex.split(lines[0])[1:]


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """{target: [{"id", "selected", "marks"}, ...]}, both collections run at once."""
    out = tmp_path_factory.mktemp("collected")
    procs = {}
    for target in ("test", "test-fast"):
        env = _env()
        env["PUMP_COLLECTED"] = str(out / (target + ".json"))
        cmd = [sys.executable, "-m", "pytest", *make_pytest_args(target), "--collect-only",
               "-p", "collected", "-p", "no:cacheprovider"]
        procs[target] = subprocess.Popen(cmd, cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for target, proc in procs.items():
        text = proc.communicate(timeout=TIMEOUT_S)[0]
        # 5 is "no tests selected": an error, but the tests below say which.
        assert proc.returncode in (0, 5), "collecting for `make %s` failed:\n%s" % (target, text[-3000:])
    return {t: json.loads((out / (t + ".json")).read_text()) for t in procs}


def test_make_test_selects_every_test_and_test_fast_sees_the_same_ones(collected):
    full = collected["test"]
    assert len(full) > 1000  # the whole suite, not one directory of it (1,068 today)
    assert [r["id"] for r in full if not r["selected"]] == []
    # test-fast must not skip a file or directory unseen (--ignore, a path): it collects
    # the same tests, and only -m decides.
    fast = {r["id"] for r in collected["test-fast"]}
    assert sorted({r["id"] for r in full} - fast) == [], "test-fast does not even collect these"
    assert len(fast) == len(full)


def test_make_test_fast_leaves_out_only_tests_marked_slow_or_hil(collected):
    fast = collected["test-fast"]
    unmarked_but_left_out = [r["id"] for r in fast if not r["selected"] and not r["marks"]]
    marked_but_run = [r["id"] for r in fast if r["selected"] and r["marks"]]
    assert unmarked_but_left_out == []
    assert marked_but_run == []


def test_make_test_fast_keeps_most_of_the_suite(collected):
    fast = collected["test-fast"]
    kept = sum(r["selected"] for r in fast)
    assert kept >= FAST_SHARE * len(fast), "test-fast keeps %d of %d" % (kept, len(fast))
    assert kept < len(fast)  # the marker is applied at all


def test_every_path_listed_as_slow_names_collected_tests(request, collected):
    # A file renamed or moved would leave its entry matching nothing, and its tests fast.
    conftest = str(REPO / "tests" / "conftest.py")
    plugin = next(p for p in request.config.pluginmanager.get_plugins()
                  if getattr(p, "__file__", None) == conftest)
    paths = [p for group in plugin.SLOW_FILES.values() for p in group]
    ids = [r["id"] for r in collected["test"]]
    assert [p for p in paths if not any(i.startswith(p) for i in ids)] == []
