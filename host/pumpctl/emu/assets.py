"""What the emulated Pico needs from outside the project: MicroPython's RPI_PICO .uf2, the
RP2040 B1 bootrom, Node.js, and rp2040js (pinned in package-lock.json beside runner.mjs,
installed there with `npm ci` on first use, like the venv)."""
import os
import shutil
import subprocess
from pathlib import Path

from pumpctl import bundled

HERE = Path(__file__).resolve().parent
RUNNER = HERE / "runner.mjs"
REPO = bundled.REPO  # None when installed from a wheel
# Where CI and this workplace keep them, beside the checkout; installed, the user's cache.
SHARED_PICO = (REPO.parent / "shared" / "pico" if REPO is not None
               else bundled.user_cache() / "emu")
UF2_HINT = ("no MicroPython .uf2 for the emulated Pico: set PICO_UF2 to an RPI_PICO "
            "build (https://micropython.org/download/RPI_PICO/, v1.26 or newer) and "
            "PICO_BOOTROM to the RP2040 B1 bootrom (16 KiB), or put both in %s"
            % SHARED_PICO)
NPM_S = 300


class AssetError(Exception):
    pass


def uf2():
    """The .uf2 to boot: $PICO_UF2, else the newest RPI_PICO-*.uf2 in shared/pico.
    None if there is none (the caller says how to get one)."""
    env = os.environ.get("PICO_UF2")
    if env:
        if not Path(env).is_file():
            raise AssetError("PICO_UF2=%s: no such file" % env)
        return Path(env)
    found = sorted(SHARED_PICO.glob("RPI_PICO-*.uf2"))
    return found[-1] if found else None


def bootrom():
    env = os.environ.get("PICO_BOOTROM")
    path = Path(env) if env else SHARED_PICO / "rp2040-b1-bootrom.bin"
    if not path.is_file():
        return None
    if path.stat().st_size != 16384:
        raise AssetError("%s is not a 16 KiB RP2040 bootrom" % path)
    return path


def node():
    found = shutil.which("node")
    if found is None:
        raise AssetError("node not found on PATH: the emulated Pico needs Node.js 18 or "
                         "newer (https://nodejs.org)")
    return found


def ensure_rp2040js(say=None):
    """rp2040js under HERE/node_modules, as the lock file pins it; `npm ci` if missing."""
    if (HERE / "node_modules" / "rp2040js" / "package.json").is_file():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError("npm not found: it installs rp2040js for the emulated Pico")
    if say is not None:
        say("installing rp2040js (npm ci in %s)" % HERE)
    proc = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                          cwd=HERE, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=NPM_S)
    if proc.returncode != 0:
        raise AssetError("npm ci failed in %s:\n%s" % (HERE, proc.stderr[-2000:]))
