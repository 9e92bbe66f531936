"""Every firmware file compiles for the Pico (mpy-cross, armv6m), and the pure logic in
firmware/pump/ imports no hardware or clock and uses no floats (checked on the AST)."""
import ast
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIRMWARE = REPO / "firmware"
FIRMWARE_FILES = sorted(p for p in FIRMWARE.rglob("*.py") if "__pycache__" not in p.parts)
PUMP_FILES = sorted(p for p in (FIRMWARE / "pump").rglob("*.py") if "__pycache__" not in p.parts)
FORBIDDEN_IMPORTS = {"machine", "rp2", "utime", "time", "asyncio", "uasyncio"}


def rel(path):
    return str(path.relative_to(REPO))


@pytest.mark.slow  # one mpy-cross run per firmware file (~4 s in all)
@pytest.mark.parametrize("path", FIRMWARE_FILES, ids=rel)
def test_firmware_file_compiles_for_the_pico(mpy_cross_exe, path, tmp_path):
    proc = subprocess.run(
        [mpy_cross_exe, "-march=armv6m", "-o", str(tmp_path / "x.mpy"), str(path)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout


def imported_roots(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def float_uses(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, float):
            yield node.lineno, "float literal " + repr(node.value)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id == "float"):
            yield node.lineno, "call to float()"


@pytest.mark.parametrize("path", PUMP_FILES, ids=rel)
def test_pump_logic_imports_no_hardware_clock_or_scheduler(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    bad = [(line, name) for line, name in imported_roots(tree) if name in FORBIDDEN_IMPORTS]
    assert not bad, rel(path) + " imports " + ", ".join("%s (line %d)" % (n, l) for l, n in bad)


@pytest.mark.parametrize("path", PUMP_FILES, ids=rel)
def test_pump_logic_uses_no_floats(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    bad = list(float_uses(tree))
    assert not bad, rel(path) + ": " + ", ".join("%s (line %d)" % (w, l) for l, w in bad)
