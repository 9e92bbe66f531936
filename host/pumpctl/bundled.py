"""Where pumpctl finds the firmware, the board configs and its own version: in an installed
wheel, the copies inside the package; in a source checkout (an editable install, the
tests), the repo's own firmware/ and board_configs/. Reads files, never writes one.

Why copies: a wheel holds only what is under the package, and `pumpctl sim`, `run --sim`
and `deploy` need the firmware as files (copied onto a flash, run by the MicroPython VM,
compiled by mpy-cross), not as importable modules. setup.py's build step copies firmware/
and board_configs/ into pumpctl/_bundled/ of the wheel (never of the source tree), so an
editable install keeps reading the checkout and a fix to the firmware needs no reinstall.
Plain paths, not importlib.resources: a wheel installs as files, and the VM needs paths."""
import ast
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGED = HERE / "_bundled"  # only in an installed wheel (setup.py, build_py)
DEFAULT_BOARD_NAME = "pico_tmc2209_t8_bd60ml.json"  # the virtual Pico's simulated rig


def _checkout():
    """The source checkout this package runs from (host/pumpctl in it), else None."""
    root = HERE.parents[1]
    if (root / "firmware" / "main.py").is_file() and (root / "board_configs").is_dir():
        return root
    return None


# The shipped copy first: an installed wheel runs the firmware it was built with, even
# from a folder that happens to sit two levels above site-packages.
if (PACKAGED / "firmware" / "main.py").is_file():
    REPO = None
    FIRMWARE = PACKAGED / "firmware"
    BOARD_CONFIGS = PACKAGED / "board_configs"
else:
    REPO = _checkout()
    # Neither: a wheel built without its data. The paths still name where they would be,
    # so the error a caller raises names them.
    FIRMWARE = (REPO or PACKAGED) / "firmware"
    BOARD_CONFIGS = (REPO or PACKAGED) / "board_configs"
DEFAULT_BOARD = BOARD_CONFIGS / DEFAULT_BOARD_NAME


def user_cache():
    """Where an installed pumpctl puts what it builds (deploy's .mpy files)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pumpctl"


# deploy's build folder: build/pico in a checkout (as the Makefile and .gitignore know
# it), the user's cache when installed (never inside site-packages).
BUILD = REPO / "build" / "pico" if REPO is not None else user_cache() / "pico"


def read_version(boot_py):
    """VERSION = "x.y.z" from the firmware's app/boot.py, read as text, never imported
    (it is MicroPython code). The one place the version is written: setup.py reads it
    for the wheel's metadata, pumpctl --version here, the board in its `! ready` line."""
    tree = ast.parse(Path(boot_py).read_text(), str(boot_py))
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and getattr(node.targets[0], "id", None) == "VERSION"
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)):
            return node.value.value
    raise ValueError("%s: no VERSION = \"...\" at the top level" % boot_py)


def version():
    return read_version(FIRMWARE / "app" / "boot.py")
