"""firmware/hal/pico and the pure hal modules it uses, type-checked by mypy against the
board's own API: micropython-rp2-rpi-pico-stubs (machine, rp2, time, micropython) with
micropython-stdlib-stubs as the standard library, both copied out of the venv (declared
dev dependencies, so no download at test time). Settings live in pyproject [tool.mypy].
A wrong Pin mode, UART keyword or StateMachine argument fails here, not on the bench."""
import os
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BOARD_STUBS = "micropython-rp2-rpi-pico-stubs"
STDLIB_STUBS = "micropython-stdlib-stubs"
CHECKED = ["-p", "hal.pico", "-m", "hal.tmc2209", "-m", "hal.debounce",
           "-m", "hal.indicators"]


def copy_files(dist_name, dest, keep):
    """Copy the files of an installed distribution whose RECORD path passes `keep`."""
    dist = metadata.distribution(dist_name)
    copied = 0
    for f in dist.files or ():
        rel = str(f)
        if keep(rel):
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(dist.locate_file(f), target)
            copied += 1
    assert copied, "no files copied from " + dist_name
    return copied


def stub_trees(tmp_path):
    """(typeshed dir, board stub dir): the MicroPython stdlib as mypy's typeshed, and the
    rp2 board modules plus the _mpy_shed helpers they import."""
    typeshed, board = tmp_path / "typeshed", tmp_path / "board"
    copy_files(STDLIB_STUBS, typeshed, lambda p: p.startswith(("stdlib/", "stubs/")))
    copy_files(STDLIB_STUBS, board, lambda p: p.startswith("_mpy_shed/"))
    copy_files(BOARD_STUBS, board, lambda p: p.endswith(".pyi"))
    return typeshed, board


def run_mypy(tmp_path, firmware):
    try:
        import mypy  # noqa: F401
    except ImportError:
        pytest.skip("mypy is not importable: install the dev extra (make test)")
    typeshed, board = stub_trees(tmp_path)
    env = dict(os.environ, MYPYPATH=str(board) + os.pathsep + str(firmware))
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(REPO / "pyproject.toml"),
         "--custom-typeshed-dir", str(typeshed), "--cache-dir", str(tmp_path / "cache"),
         *CHECKED],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


def test_hal_pico_type_checks_against_the_rp2_stubs(tmp_path):
    proc = run_mypy(tmp_path, REPO / "firmware")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Success" in proc.stdout


def test_the_check_catches_a_misused_board_api(tmp_path):
    # A copy of the firmware with two mistakes the stubs know about: it must fail.
    firmware = tmp_path / "firmware"
    shutil.copytree(REPO / "firmware", firmware,
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name, wrong in (("parts.py", ("Pin.PULL_UP", "Pin.PULLUP")),
                        ("board.py", ("WDT(timeout=", "WDT(ms="))):
        path = firmware / "hal" / "pico" / name
        text = path.read_text()
        bad = text.replace(*wrong, 1)
        assert bad != text
        path.write_text(bad)
    proc = run_mypy(tmp_path, firmware)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert '"type[Pin]" has no attribute "PULLUP"' in proc.stdout
    assert 'Unexpected keyword argument "ms" for "WDT"' in proc.stdout


def test_every_stub_module_is_exempt_from_errors_in_pyproject():
    # Errors inside the generated stubs are not ours; the exemption list must name every
    # top-level module the stubs package installs, or a new stubs release breaks the check.
    dist = metadata.distribution(BOARD_STUBS)
    tops = {str(f).split("/")[0].removesuffix(".pyi") for f in dist.files or ()
            if str(f).endswith(".pyi")}
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["mypy"]
    exempt = set()
    for override in config["overrides"]:
        if override.get("ignore_errors"):
            exempt.update(override["module"])
    assert tops, "the stubs package lists no .pyi files"
    assert tops <= exempt, sorted(tops - exempt)
