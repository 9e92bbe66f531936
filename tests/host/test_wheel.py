"""The wheel, as a user gets it: an sdist made from a copy of the checkout, the wheel built
from that sdist, installed into a fresh venv far from the repo, run from a folder
outside it. It must carry the firmware and
the board configs, install the virtual Pico's runtime, and give one version everywhere.

Slow (tests/conftest.py): the build and the install take about a minute, and pip
fetches `build`, the build backend and the dependencies from the package index."""
import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

# One worker builds this module's fixture once (make test: --dist loadgroup); split
# over two, each built its own.
pytestmark = pytest.mark.xdist_group('test_wheel')

REPO = Path(__file__).resolve().parents[2]
PIP_S = 600
RUN_S = 120


def firmware_version():
    boot = (REPO / "firmware" / "app" / "boot.py").read_text()
    return re.search(r'^VERSION = "([^"]+)"$', boot, re.M).group(1)


def checkout_copy(dest):
    """What a fresh clone would hold (tracked files, and new ones not ignored): the build
    writes its own build/ and egg-info there, never into the repo."""
    names = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                            "--exclude-standard"], cwd=REPO, capture_output=True,
                           check=True, timeout=60).stdout.decode().split("\0")
    for name in filter(None, names):
        src = REPO / name
        if src.is_symlink() or not src.is_file():  # a link to node_modules, a deleted file
            continue
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest / name)
    return dest


def clean_env(home):
    """Nothing of this test run's environment may point back at the checkout."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PUMP_CLOCK")}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / "cache"),
               XDG_STATE_HOME=str(home / "state"))
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(wheel path, the venv's bin folder, a working folder outside the repo, env)."""
    root = tmp_path_factory.mktemp("wheel")
    home = root / "home"
    home.mkdir()
    env = clean_env(home)
    env["PIP_CACHE_DIR"] = os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip"))
    src = checkout_copy(root / "src")
    dist = root / "dist"

    def step(*cmd):
        proc = subprocess.run([str(c) for c in cmd], cwd=root, env=env, capture_output=True,
                              text=True, timeout=PIP_S, stdin=subprocess.DEVNULL)
        assert proc.returncode == 0, "%s:\n%s%s" % (cmd, proc.stdout[-3000:],
                                                   proc.stderr[-3000:])

    # As a release is made: the sdist (so MANIFEST.in is tried), then the wheel from it
    # alone, by `build` in a venv of its own; the user's venv gets only the wheel.
    builder = root / "builder"
    venv.create(builder, with_pip=True)
    step(builder / "bin" / "python", "-m", "pip", "install", "-q", "build")
    step(builder / "bin" / "python", "-m", "build", "--sdist", "--outdir", dist, src)
    (sdist,) = dist.glob("*.tar.gz")
    step(builder / "bin" / "python", "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist,
         sdist)
    (wheel,) = dist.glob("*.whl")
    venv.create(root / "venv", with_pip=True)
    bin_dir = root / "venv" / "bin"
    step(bin_dir / "python", "-m", "pip", "install", "-q", wheel)
    work = root / "work"
    work.mkdir()
    return wheel, bin_dir, work, env


def run(installed, *cmd):
    _, bin_dir, work, env = installed
    exe = str(bin_dir / cmd[0]) if (bin_dir / cmd[0]).exists() else cmd[0]
    return subprocess.run([exe, *cmd[1:]], cwd=work, env=env, capture_output=True,
                          text=True, timeout=RUN_S, stdin=subprocess.DEVNULL)


def test_the_wheel_carries_every_firmware_file_every_board_config_and_the_licence(installed):
    wheel = installed[0]
    names = set(zipfile.ZipFile(wheel).namelist())
    firmware = [p.relative_to(REPO / "firmware").as_posix()
                for p in (REPO / "firmware").rglob("*.py") if "__pycache__" not in p.parts]
    assert firmware  # the comparison below must compare something
    missing = [f for f in firmware if "pumpctl/_bundled/firmware/" + f not in names]
    assert not missing, missing
    for config in (REPO / "board_configs").glob("*.json"):
        assert "pumpctl/_bundled/board_configs/" + config.name in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not [n for n in names if "__pycache__" in n or n.endswith(".mpy")]


def test_the_wheels_version_and_pumpctl_version_are_the_firmwares(installed):
    version = firmware_version()
    assert installed[0].name.startswith("intrathecal_pump-%s-" % version)
    for cmd in (["pumpctl", "--version"], ["python", "-m", "pumpctl", "--version"]):
        proc = run(installed, *cmd)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == "pumpctl %s\n" % version


def test_run_sim_outside_the_repo_plays_a_script_on_the_shipped_firmware(installed):
    work = installed[2]
    (work / "tiny.pump").write_text("status\nbogus  # expect ERR\n")
    proc = run(installed, "pumpctl", "run", "--sim", "tiny.pump")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "OK time=1970-01-01T00:00:00 state=unprogrammed" in proc.stdout
    assert "ERR 70 unknown command: bogus" in proc.stdout


# Run by the venv's python: the firmware it boots is the copy inside the installed package,
# and the board says the version pumpctl says.
_READY = """
import sys
from pumpctl import bundled
from pumpctl.client import PumpClient
from pumpctl.virtual_pico import VirtualPico

assert "site-packages" in str(bundled.FIRMWARE), bundled.FIRMWARE
assert bundled.REPO is None
with VirtualPico() as vp:
    with PumpClient(vp.port) as client:
        print(client.wait_ready(60))
"""


def test_the_installed_firmware_says_the_same_version_when_it_boots(installed):
    proc = run(installed, "python", "-c", _READY)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("! ready firmware=%s board=pico " % firmware_version())
