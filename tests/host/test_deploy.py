"""`pumpctl deploy` onto a bare virtual Pico: mpy-cross, mpremote, soft reset; the
deployed main.py boots and the .mpy modules it ships load on the unix port."""
import json
import shutil
import subprocess
import sys

import pytest

from fake_firmware.harness import FAKE_FIRMWARE, REPO, mpremote, open_port, read_until, start_fake
from pumpctl import deploy
from pumpctl.client import PumpClient
from pumpctl.virtual_pico import VirtualPico

BOARD = REPO / "board_configs" / "pico_tmc2209_t8_bd60ml.json"


def fake_tree(root):
    """The fake firmware plus a package, so the deploy has folders and .mpy to ship."""
    shutil.copytree(FAKE_FIRMWARE, root)
    (root / "fakelib").mkdir()
    (root / "fakelib" / "__init__.py").write_text("")
    (root / "fakelib" / "answer.py").write_text("VALUE = 42\n")
    return root


@pytest.fixture
def bare(tmp_path):
    vp = start_fake(tmp_path, firmware=None)
    try:
        yield vp
    finally:
        vp.stop()


def pumpctl(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "pumpctl.cli", *args],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout)


def test_deploy_onto_a_bare_virtual_pico_boots_the_deployed_main(bare, tmp_path):
    assert list(bare.flash.iterdir()) == []
    firmware = fake_tree(tmp_path / "fw")
    (bare.flash / "fakelib").mkdir()  # a stale source, which would shadow the new .mpy
    (bare.flash / "fakelib" / "answer.py").write_text("VALUE = 1\n")
    (bare.flash / "journal.bin").write_bytes(b"records")  # the pump's own: untouched
    proc = pumpctl("deploy", "--port", bare.port, "--firmware", str(firmware),
                   "--board", str(BOARD), "--build", str(tmp_path / "build"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "[4/4] :board.json" in proc.stdout  # progress, one line per file
    assert "firmware up: ! ready fake=1 boots=1" in proc.stdout
    assert (bare.flash / "main.py").read_bytes() == (firmware / "main.py").read_bytes()
    assert (bare.flash / "board.json").read_bytes() == BOARD.read_bytes()
    assert (bare.flash / "fakelib" / "answer.mpy").exists()
    assert not (bare.flash / "fakelib" / "answer.py").exists()
    assert (bare.flash / "journal.bin").read_bytes() == b"records"
    with open_port(bare.port) as ser:  # the deployed firmware answers
        ser.write(b"status\n")
        assert b"OK state=idle boots=1" in read_until(ser, b"uptime_ms")
    proc = mpremote(bare.port, "resume", "exec",
                    "import fakelib.answer as a; print(a.VALUE, a.__file__)")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.split() == ["42", "fakelib/answer.mpy"]


def test_deploy_of_sources_ships_py_files(bare, tmp_path):
    firmware = fake_tree(tmp_path / "fw")
    proc = pumpctl("deploy", "--port", bare.port, "--firmware", str(firmware), "--source",
                   "--board", str(BOARD), "--build", str(tmp_path / "build"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (bare.flash / "fakelib" / "answer.py").read_text() == "VALUE = 42\n"


def test_deploy_is_refused_while_the_firmware_ignores_ctrl_c(tmp_path):
    vp = start_fake(tmp_path)
    try:
        with open_port(vp.port) as ser:
            read_until(ser, b"! ready")
            ser.write(b"start\n")  # "delivering": ctrl-C is ignored
            read_until(ser, b"OK state=running")
        proc = pumpctl("deploy", "--port", vp.port, "--firmware", str(FAKE_FIRMWARE),
                       "--board", str(BOARD), "--build", str(tmp_path / "build"))
        assert proc.returncode == 2
        assert "stop it first" in proc.stderr
    finally:
        vp.stop()


def test_the_real_firmware_builds_and_its_pump_modules_load_on_the_unix_port(
        tmp_path, micropython_exe):
    out = tmp_path / "build"
    files = deploy.build(REPO / "firmware", out, say=lambda _text: None)
    assert files and all(f.endswith(".mpy") or f == "main.py" for f in files)
    modules = sorted(f[:-4].replace("/", ".") for f in files
                     if f.startswith("pump/") and f.endswith(".mpy"))
    assert modules
    code = "import " + ", ".join(modules) + "\nprint('loaded', %d)" % len(modules)
    proc = subprocess.run([micropython_exe, "-c", code], cwd=out, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert proc.stdout.strip() == "loaded %d" % len(modules), proc.stdout + proc.stderr


def _real_firmware_with_a_pin(tmp_path):
    vp = VirtualPico(tmp_path / "vp", board_config=BOARD)
    vp.start()
    with PumpClient(vp.port) as c:
        c.wait_ready(60)
        assert c.command("pin 2468").ok
    return vp


def test_a_deploy_over_the_real_firmware_needs_the_clinician_pin(tmp_path):
    # Ctrl-C no longer drops our firmware to the REPL (a patient could use it); a deploy
    # asks for a clinician's `repl`, and without the PIN it is refused, nothing copied.
    vp = _real_firmware_with_a_pin(tmp_path)
    try:
        with pytest.raises(deploy.DeployError, match="needs a clinician"):
            deploy.stop_firmware(vp.port, ask_pin=lambda: None)
        with pytest.raises(deploy.DeployError, match="login refused"):
            deploy.stop_firmware(vp.port, ask_pin=lambda: "1111")
        with PumpClient(vp.port) as c:
            c.drain(quiet=0.2, overall=2.0)
            assert c.command("status").ok  # still the firmware, not a REPL
        deploy.stop_firmware(vp.port, ask_pin=lambda: "2468")  # at the REPL now
        with open_port(vp.port) as ser:
            ser.write(b"\r\n")
            read_until(ser, b">>> ")
    finally:
        vp.stop()


# ----- the board's board.json (issue 18): kept unless --board, replaced only --force -----
CALIBRATED = dict(json.loads(BOARD.read_text()), calibration_ppm=1035895)


@pytest.fixture
def calibrated(tmp_path):
    """The fake firmware running, on a flash whose board.json a calibration changed."""
    vp = start_fake(tmp_path)
    (vp.flash / "board.json").write_text(json.dumps(CALIBRATED))
    try:
        yield vp
    finally:
        vp.stop()


def _deploy(vp, tmp_path, *args):
    firmware = tmp_path / "fw"
    if not firmware.exists():
        fake_tree(firmware)
    return pumpctl("deploy", "--port", vp.port, "--firmware", str(firmware),
                   "--build", str(tmp_path / "build"), *args)


def test_deploy_without_board_keeps_the_boards_calibrated_config(calibrated, tmp_path):
    before = (calibrated.flash / "board.json").read_bytes()
    proc = _deploy(calibrated, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "keeping the board's board.json: %s, calibration_ppm 1035895" % CALIBRATED["name"] \
        in proc.stdout
    assert ":board.json" not in proc.stdout  # not among the files copied
    assert (calibrated.flash / "board.json").read_bytes() == before
    assert (calibrated.flash / "fakelib" / "answer.mpy").exists()  # the rest went on


def test_deploy_over_a_differing_config_shows_old_and_new_and_needs_force(calibrated,
                                                                           tmp_path):
    before = (calibrated.flash / "board.json").read_bytes()
    proc = _deploy(calibrated, tmp_path, "--board", "bd60ml")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "calibration_ppm: 1035895 -> 1000000" in proc.stderr
    assert "--force" in proc.stderr and "Traceback" not in proc.stderr
    assert (calibrated.flash / "board.json").read_bytes() == before
    assert not (calibrated.flash / "fakelib").exists()  # nothing was copied
    with open_port(calibrated.port) as ser:  # and the board is back in its firmware
        read_until(ser, b"! ready")
    proc = _deploy(calibrated, tmp_path, "--board", "bd60ml", "--force")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "calibration_ppm: 1035895 -> 1000000" in proc.stdout
    assert (calibrated.flash / "board.json").read_bytes() == BOARD.read_bytes()


def test_deploy_onto_a_board_without_config_needs_board_and_lists_the_rigs(bare, tmp_path):
    proc = _deploy(bare, tmp_path)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "the board has no board.json: name its rig with --board" in proc.stderr
    assert "bd1ml (pico_a4988_m5_bd1ml.json)" in proc.stderr
    assert list(bare.flash.iterdir()) == []
