"""mpremote opens the emulated Pico by its path, as it opens /dev/ttyACM0: the raw REPL
over the bridged USB console, on MicroPython's own RP2040 build, reading the board's own
LittleFS. (A board with no firmware: the REPL a deploy starts from.)"""
import subprocess

from pumpctl.deploy import tool
from pumpctl.emu.board import EmuPico

from conftest import BD1ML


def test_mpremote_runs_code_and_lists_the_flash_of_the_emulated_pico(tmp_path):
    fw = tmp_path / "fw"
    fw.mkdir()
    (fw / "main.py").write_text("# a bare board: straight to the REPL\n")
    (fw / "note.py").write_text("X = 42\n")
    with EmuPico(tmp_path / "state", board_config=BD1ML, firmware=fw) as emu:
        proc = subprocess.run(
            [tool("mpremote"), "connect", emu.port, "exec",
             "import os, sys; print(sys.platform, sorted(os.listdir('/')))"],
            capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "rp2" in proc.stdout and "'board.json'" in proc.stdout and "'note.mpy'" in proc.stdout
