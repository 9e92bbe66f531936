"""Runs the core tests under MicroPython: `micropython tests/mp_run.py [test_module ...]`.

Executed by MicroPython, not by pytest (it also runs under CPython, to debug it). Imports
every tests/core/test_*.py module, or only those named, calls each callable whose name
starts with `test_`, and ends with exactly the line `N passed, M failed`. Exits 1 if a test
failed, a module did not import, or nothing ran: it must never pass by running nothing.
The repo root is taken from this file's path, or from PUMP_REPO_ROOT if that is set."""
import gc
import os
import sys


def _repo_root():
    root = os.getenv("PUMP_REPO_ROOT")
    if root:
        return root
    here = __file__  # "tests/mp_run.py", "/abs/tests/mp_run.py" or "mp_run.py"
    tests_dir = here.rsplit("/", 1)[0] if "/" in here else "."
    return tests_dir + "/.."


def _print_exception(exc):
    if hasattr(sys, "print_exception"):  # MicroPython
        sys.print_exception(exc)
    else:  # CPython
        import traceback

        traceback.print_exception(type(exc), exc, exc.__traceback__)


def _module_names(core_dir, wanted):
    if wanted:  # accept "test_units", "test_units.py" or "tests/core/test_units.py"
        names = [w.rsplit("/", 1)[-1] for w in wanted]
        return [n[:-3] if n.endswith(".py") else n for n in names]
    files = [f for f in os.listdir(core_dir) if f.startswith("test_") and f.endswith(".py")]
    return sorted(f[:-3] for f in files)


def _run_module(name, failures):
    """Runs one module's tests; returns how many passed and appends failures."""
    try:
        module = __import__(name)
    except Exception as exc:  # a module that does not import is a failure, not a skip
        print("--- " + name)
        _print_exception(exc)
        failures.append((name, "<import>", exc))
        return 0
    passed = 0
    for attr in sorted(dir(module)):
        test = getattr(module, attr)
        if not (attr.startswith("test_") and callable(test)):
            continue
        gc.collect()
        try:
            test()
        except Exception as exc:  # record and go on: one failure must not hide the rest
            print("--- " + name + "." + attr)
            _print_exception(exc)
            failures.append((name, attr, exc))
        else:
            passed += 1
    return passed


def main(argv):
    root = _repo_root()
    core_dir = root + "/tests/core"
    sys.path.insert(0, core_dir)
    sys.path.insert(0, root + "/firmware")
    failures = []
    passed = 0
    for name in _module_names(core_dir, argv[1:]):
        passed += _run_module(name, failures)
    for module, test, exc in failures:
        print("FAIL " + module + "." + test + ": " + type(exc).__name__ + ": " + str(exc))
    try:
        import micropython

        print("heap peak: " + str(micropython.mem_peak()) + " bytes")
    except (ImportError, AttributeError):  # CPython, or a build without mem_peak
        pass
    print(str(passed) + " passed, " + str(len(failures)) + " failed")
    if failures or not passed:
        sys.exit(1)


main(sys.argv)
