"""pumpctl finds the firmware and the board configs from a checkout and from an installed
wheel, reports the firmware's version as its own, and imports where there is no pty.
Fast: no wheel is built here (tests/host/test_wheel.py builds and installs one)."""
import re
import shutil
import subprocess
import sys
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path

import pytest

from pumpctl import bundled, cli

REPO = Path(__file__).resolve().parents[2]
BOOT = REPO / "firmware" / "app" / "boot.py"


def firmware_version():
    """Read as a person would, not through bundled.read_version."""
    return re.search(r'^VERSION = "([^"]+)"$', BOOT.read_text(), re.M).group(1)


def load_bundled_from(package_dir):
    """bundled.py as if installed at package_dir/bundled.py (its own module object)."""
    path = package_dir / "bundled.py"
    shutil.copyfile(bundled.__file__, path)
    spec = spec_from_file_location("bundled_under_test", path)
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pumpctl_version_is_the_firmwares(capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == "pumpctl %s\n" % firmware_version()


def test_python_m_pumpctl_runs_the_cli():
    proc = subprocess.run([sys.executable, "-m", "pumpctl", "--version"], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "pumpctl %s\n" % firmware_version()


def test_in_a_checkout_the_repos_own_folders_are_used():
    assert bundled.REPO == REPO
    assert bundled.FIRMWARE == REPO / "firmware"
    assert bundled.DEFAULT_BOARD.is_file()
    assert bundled.DEFAULT_BOARD.parent == REPO / "board_configs"
    assert bundled.BUILD == REPO / "build" / "pico"


def test_installed_the_copy_inside_the_package_is_used(tmp_path):
    package = tmp_path / "site-packages" / "pumpctl"
    shipped = package / "_bundled"
    (shipped / "firmware" / "app").mkdir(parents=True)
    (shipped / "firmware" / "main.py").write_text("")
    (shipped / "firmware" / "app" / "boot.py").write_text('VERSION = "9.8.7"\n')
    (shipped / "board_configs").mkdir()
    installed = load_bundled_from(package)
    assert installed.REPO is None
    assert installed.FIRMWARE == shipped.resolve() / "firmware"
    assert installed.DEFAULT_BOARD == shipped.resolve() / "board_configs" / \
        bundled.DEFAULT_BOARD_NAME
    assert installed.version() == "9.8.7"
    assert installed.BUILD == installed.user_cache() / "pico"  # never in site-packages


def test_the_shipped_copy_wins_over_a_checkout_shaped_folder_around_it(tmp_path):
    # A wheel installed into a venv inside some other checkout still runs its own firmware.
    (tmp_path / "firmware").mkdir()
    (tmp_path / "firmware" / "main.py").write_text("")
    (tmp_path / "board_configs").mkdir()
    package = tmp_path / "lib" / "pumpctl"
    (package / "_bundled" / "firmware").mkdir(parents=True)
    (package / "_bundled" / "firmware" / "main.py").write_text("")
    installed = load_bundled_from(package)
    assert installed.FIRMWARE == (package / "_bundled" / "firmware").resolve()


def test_the_default_board_exists_in_the_shipped_configs():
    assert (REPO / "board_configs" / bundled.DEFAULT_BOARD_NAME).is_file()


def test_a_version_line_missing_from_boot_is_an_error_that_names_the_file(tmp_path):
    boot = tmp_path / "boot.py"
    boot.write_text("VERSION = 3\n")
    with pytest.raises(ValueError, match="boot.py"):
        bundled.read_version(boot)


# Windows, seen from here: no pty or tty (termios stays: pyserial's POSIX backend needs it
# here, and on Windows pyserial takes its own). The host tool must still import and
# answer, and the virtual Pico must say why it cannot run instead of a traceback.
_NO_PTY = """
import sys
for name in ("pty", "tty"):
    sys.modules[name] = None  # import fails, as on Windows
from pumpctl import cli
sys.exit(cli.main(sys.argv[1:]))
"""


def run_without_pty(*args):
    return subprocess.run([sys.executable, "-c", _NO_PTY, *args], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)


def test_without_a_pty_the_cli_imports_and_answers():
    proc = run_without_pty("--version")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "pumpctl %s\n" % firmware_version()


@pytest.mark.parametrize("verb", [["sim"], ["status", "--sim"]])
def test_without_a_pty_the_virtual_pico_says_why_not_without_a_traceback(verb):
    proc = run_without_pty(*verb)
    assert proc.returncode == cli.EXIT_UNREACHABLE, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "pseudo-terminal" in proc.stderr and "WSL" in proc.stderr
