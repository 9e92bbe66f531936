"""The core tests run under the real MicroPython VM too, and none may go missing there.

Each tests/core module runs through tests/mp_run.py in the `micropython` binary; the
number that pass must equal the number of test_* functions CPython finds in it."""
import importlib
import os
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RUNNER = REPO / "tests" / "mp_run.py"
CORE = REPO / "tests" / "core"
CORE_MODULES = sorted(p.stem for p in CORE.glob("test_*.py"))
SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed$", re.M)
TIMEOUT_S = 600


def count_tests(module_name):
    """Counts tests by the runner's own rule: callables whose name starts with test_."""
    module = importlib.import_module(module_name)
    return sum(1 for n in dir(module) if n.startswith("test_") and callable(getattr(module, n)))


def run_runner(micropython_exe, *args, env=None):
    proc = subprocess.run(
        [micropython_exe, "-X", "heapsize=512K", str(RUNNER), *args],
        cwd=REPO, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=TIMEOUT_S,
    )
    summaries = SUMMARY.findall(proc.stdout)
    assert summaries, "no summary line from the runner:\n" + proc.stdout + proc.stderr
    passed, failed = (int(n) for n in summaries[-1])
    return proc, passed, failed


def test_core_suite_is_not_empty():
    assert CORE_MODULES, "no tests/core/test_*.py: nothing would run under MicroPython"


@pytest.mark.parametrize("module_name", CORE_MODULES)
def test_every_core_test_passes_under_micropython(micropython_exe, module_name):
    proc, passed, failed = run_runner(micropython_exe, module_name)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0 and failed == 0, output
    assert passed == count_tests(module_name), (
        "MicroPython ran a different number of tests than CPython finds:\n" + output)


def write_fake_repo(root, tests_source):
    (root / "firmware").mkdir()
    (root / "tests" / "core").mkdir(parents=True)
    for name, source in tests_source.items():
        (root / "tests" / "core" / name).write_text(source)
    return dict(os.environ, PUMP_REPO_ROOT=str(root))


def test_runner_finds_modules_itself_and_exits_nonzero_on_a_failure(micropython_exe, tmp_path):
    env = write_fake_repo(tmp_path, {
        "test_good.py": "def test_a():\n    pass\n\ndef test_b():\n    pass\n",
        "test_bad.py": "def test_c():\n    assert 1 == 2, 'on purpose'\n",
        "helper.py": "def test_not_collected():\n    raise ValueError\n",
    })
    proc, passed, failed = run_runner(micropython_exe, env=env)
    assert (passed, failed, proc.returncode) == (2, 1, 1), proc.stdout
    assert "FAIL test_bad.test_c: AssertionError: on purpose" in proc.stdout


def test_runner_exits_nonzero_when_no_test_runs(micropython_exe, tmp_path):
    env = write_fake_repo(tmp_path, {"test_empty.py": "X = 1\n"})
    proc, passed, failed = run_runner(micropython_exe, env=env)
    assert (passed, failed, proc.returncode) == (0, 0, 1), proc.stdout


def test_runner_counts_a_module_that_does_not_import_as_a_failure(micropython_exe, tmp_path):
    env = write_fake_repo(tmp_path, {"test_broken.py": "import no_such_module\n"})
    proc, passed, failed = run_runner(micropython_exe, "test_broken", env=env)
    assert (passed, failed, proc.returncode) == (0, 1, 1), proc.stdout
