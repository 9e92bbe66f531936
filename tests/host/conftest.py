"""Fixtures for host-only tests: the MicroPython tools the project installs.

A missing tool fails the test instead of skipping it: both are declared dependencies,
and a skip would let CI pass without ever running the firmware through them."""
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def find_tool(name):
    """The venv's own copy (next to this interpreter) first, then PATH."""
    beside = Path(sys.executable).parent / name  # not resolved: a venv's python is a link
    if beside.is_file():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        pytest.fail(name + " not found next to " + sys.executable + " nor on PATH: "
                    "run `make test`, which installs the dev extra")
    return found


@pytest.fixture(scope="session")
def micropython_exe():
    return find_tool("micropython")


@pytest.fixture(scope="session")
def mpy_cross_exe():
    return find_tool("mpy-cross")
