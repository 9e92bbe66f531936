"""The firmware's folders depend one way (issue 17): `pump/` imports only `pump/` (and a
few MicroPython builtins), so the dosing logic can be read, tested and reasoned about
alone; `console/` never reaches past the owner into `store/` or `hal/`; `safety/`,
`store/` and `hal/` never import `app/` or `console/` (nothing calls back up); only `hal/pico/`
imports `machine` or `rp2`, so everything else runs on the unix port and under CPython.

Read from every firmware/**/*.py with `ast`: `import a.b`, `from a.b import c`, relative
imports resolved against the file's package, and `__import__("a.b")` with a literal name.
An import inside a function counts as much as one at the top: it runs on the board."""
import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIRMWARE = REPO / "firmware"
FILES = sorted(p for p in FIRMWARE.rglob("*.py") if "__pycache__" not in p.parts)

# What pump/ may import besides itself: MicroPython's own modules that touch no hardware,
# no clock and no scheduler (tests/host/test_firmware_compiles_with_mpy_cross.py forbids
# those by name as well).
PUMP_BUILTINS = {"micropython", "array", "gc", "sys"}
HARDWARE = {"machine", "rp2"}


def package_of(path):
    """'pump' for firmware/pump/x.py, 'hal.pico' for firmware/hal/pico/board.py."""
    parts = path.relative_to(FIRMWARE).parts[:-1]
    return ".".join(parts)


def imports(path, source=None):
    """(line, absolute module name) for every import in the file."""
    tree = ast.parse(path.read_text() if source is None else source, filename=str(path))
    pkg = package_of(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if not node.level:
                yield node.lineno, node.module
                continue
            base = pkg.split(".") if pkg else []  # from . import x, from ..a import b
            base = base[:len(base) - (node.level - 1)]
            if node.module:
                yield node.lineno, ".".join(base + [node.module])
            else:
                for alias in node.names:
                    yield node.lineno, ".".join(base + [alias.name])
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id == "__import__" and node.args
              and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)):
            yield node.lineno, node.args[0].value


def root(module):
    return module.split(".")[0]


def under(path, folder):
    return path.relative_to(FIRMWARE).parts[:len(Path(folder).parts)] == Path(folder).parts


def rel(path):
    return str(path.relative_to(REPO))


def violations(folder, bad):
    """Every import `bad(module)` refuses in the files under firmware/<folder>/."""
    found = []
    for path in FILES:
        if folder is None or under(path, folder):
            for line, module in imports(path):
                if bad(path, module):
                    found.append("%s:%d imports %s" % (rel(path), line, module))
    return found


def pump_may_not(path, module):
    return root(module) != "pump" and module not in PUMP_BUILTINS


def console_may_not(path, module):
    return root(module) in ("store", "hal")


def below_may_not(path, module):
    """The rooms below the owner never import the rooms above: nothing calls back up."""
    return root(module) in ("app", "console")


def only_hal_pico_may(path, module):
    return root(module) in HARDWARE and not under(path, "hal/pico")


def test_the_firmware_and_each_folder_are_there_to_be_read():
    # The rules below must never pass by reading nothing.
    for folder in ("pump", "console", "hal/pico", "store", "app", "safety"):
        assert any(under(p, folder) for p in FILES), folder


def test_the_reader_sees_every_form_of_import():
    path = FIRMWARE / "console" / "x.py"
    source = ("import hal.step_guard\nfrom store import codec\nfrom . import saved\n"
              "from .draft import Draft\nfrom .. import app\ndef f():\n"
              "    import machine\n    __import__('rp2')\n")
    assert [m for _, m in imports(path, source)] == [
        "hal.step_guard", "store", "console.saved", "console.draft", "app", "machine",
        "rp2"]
    assert pump_may_not(path, "store.codec") and not pump_may_not(path, "pump.step_integrator")
    assert not pump_may_not(path, "micropython") and pump_may_not(path, "time")


def test_pump_imports_only_pump_and_micropython_builtins():
    found = violations("pump", pump_may_not)
    assert not found, "pump/ must import only pump/:\n" + "\n".join(found)


def test_console_never_imports_store_or_hal():
    found = violations("console", console_may_not)
    assert not found, "console/ must go through the owner:\n" + "\n".join(found)


def test_safety_store_and_hal_never_import_the_owner_or_the_console():
    found = []
    for folder in ("safety", "store", "hal"):
        found += violations(folder, below_may_not)
    assert not found, "nothing below app/ may import it or console/:\n" + "\n".join(found)


def test_safety_imports_no_hardware_and_no_journal_but_its_codec():
    # The channel sits above the lease: it is handed the motor below, never builds one.
    found = violations("safety", lambda path, module: root(module) == "hal" or (
        root(module) == "store" and module != "store.codec"))
    assert not found, "safety/ may use only pump/, safety/ and store.codec:\n" + "\n".join(found)


def test_only_hal_pico_imports_machine_or_rp2():
    found = violations(None, only_hal_pico_may)
    assert not found, "only hal/pico/ may import machine or rp2:\n" + "\n".join(found)
