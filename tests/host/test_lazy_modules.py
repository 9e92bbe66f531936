"""The modules only some commands need stay out of the boot path, and each command's are
gone again once it has answered (app/lazy.py, app/boot.py): on a Pico every loaded
module's code lives in the heap, and these are about a third of it.

The firmware as deployed (.mpy from mpy-cross, as pumpctl deploy builds it) boots on
MicroPython's unix port in a fresh interpreter, so nothing else has imported anything:
app/boot.run() with a port that types a whole clinician session and records, after boot
and after every reply, which of the lazy modules are loaded. The RP2040 build does the
same in tests/emu/test_heap.py."""
import os
import shutil
import subprocess
from pathlib import Path

from pumpctl import deploy

REPO = Path(__file__).resolve().parents[2]
BOARD = REPO / "board_configs" / "pico_a4988_m5_bd1ml.json"

# Loaded only by the commands that need them (or, the last three, only to build a Pico
# board), never by boot or by a pass of the loop. A module added to the boot path from
# this list fails the test: say why it must be resident, and take it off the list.
LAZY = ("console.cmd_access", "console.cmd_rx", "console.cmd_sim", "console.cmd_mem",
        "console.cmd_calibrate", "console.usage", "console.message_text", "pump.units",
        "pump.drug_sources", "pump.drug_check", "hal.calibration", "hal.board_config",
        "hal.tmc2209", "hal.pio_asm", "pump.teardown", "app.startup", "hal.pico.parts",
        "pump.forecast", "pump.line_floor", "pump.slow_bolus",
        "console.cmd_dose", "app.log_read", "console.cmd_care", "pump.drug_soft",
        "app.activity", "console.cmd_activity", "console.cmd_info", "console.cmd_review",
        "pump.review", "console.show", "console.iso_parse", "pump.rx_check",
        "pump.sched_bolus", "console.cmd_sched", "store.snapshot_read")
CALIBRATE = "console.cmd_calibrate"  # kept while a calibration run is in progress
SIM = "console.cmd_sim"  # kept by the simulated board once used (app/device.py)

SESSION = (
    "help", "help ptm", "status", "alarms", "log 5", "rx", "mem", "whoami", "fly",
    "pin 2468", "login 2468", "session", "calibrate run 23000", "status",
    "calibrate cancel", "time 2026-01-01T07:00:00", "drug morphine 10mg/mL",
    "basal 00:00=1mg/d", "ptm 10ug lockout=1h max=4", "capacity 1mL",
    "reservoir-alarm 0.2mL", "refill 1mL", "confirm", "prime 80uL", "sim advance 2m",
    "start", "bolus", "basal 00:00=1.1mg/d", "rx", "commit", "bolus-schedule 08:00=10ug",
    "commit", "sim advance 1h", "sim press",
    "sim advance 1m", "status",
    "alarms", "rx", "log 10", "activity 3", "login 2468", "stop", "logout", "status",
    "bolus 10ug",
)
EXPECT_ERR = ("fly", "bolus 10ug")  # unknown command; a clinician's bolus, logged out

SCRIPT = """
import sys
sys.path[:0] = [%(build)r]
LAZY = %(lazy)r
SESSION = %(session)r


class Port:
    def __init__(self):
        self.data = b"".join(line.encode() + b"\\n" for line in SESSION)
        self.at = 0
        self.booted = None

    def read_byte(self, timeout_ms):
        if self.booted is None:  # the first read: the board is up, nothing typed yet
            self.booted = [n for n in LAZY if n in sys.modules]
            print("BOOTED", " ".join(self.booted))
        if self.at == len(self.data):
            return -1  # end of stream: the loop cuts the power
        self.at += 1
        return self.data[self.at - 1]

    def write(self, line):
        if line.startswith("OK") or line.startswith("ERR "):
            print("FINAL", " ".join(n for n in LAZY if n in sys.modules) or "-", "|", line)
        elif line.startswith("! ready"):
            print("READY", line)


from app import boot
try:
    boot.run(Port())
except SystemExit:
    pass
print("DONE")
"""


def test_boot_and_every_reply_leave_the_lazy_modules_unloaded(tmp_path, micropython_exe):
    build = tmp_path / "build"
    deploy.build(deploy.FIRMWARE, build, say=lambda *_: None)  # as deploy puts it on a board
    flash = tmp_path / "flash"
    flash.mkdir()
    shutil.copy(BOARD, flash / "board.json")
    script = tmp_path / "session.py"
    script.write_text(SCRIPT % {"build": str(build), "lazy": LAZY, "session": SESSION})
    env = dict(os.environ, PUMP_CLOCK="manual")
    env.pop("PUMP_WORLD", None)
    proc = subprocess.run([micropython_exe, "-X", "heapsize=1M", str(script)], cwd=flash,
                          env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=120)
    out = proc.stdout.splitlines()
    assert proc.returncode == 0 and out and out[-1] == "DONE", proc.stdout + proc.stderr
    assert any(line.startswith("READY ! ready") for line in out), proc.stdout
    booted = [line for line in out if line.startswith("BOOTED")]
    assert booted == ["BOOTED "], "loaded at boot: %s" % booted

    finals = [line[len("FINAL "):].split(" | ", 1) for line in out
              if line.startswith("FINAL ")]
    assert len(finals) == len(SESSION), proc.stdout
    calibrating = simulated = False
    for typed, (loaded, reply) in zip(SESSION, finals):
        # Every command answered as it should, so each really loaded its modules...
        assert reply.startswith("ERR " if typed in EXPECT_ERR else "OK"), (typed, reply)
        # ...and none is left once it has answered (a calibration run keeps its own).
        calibrating = (calibrating or typed.startswith("calibrate run")) and \
            typed != "calibrate cancel"
        # The simulated board keeps `sim` once used: a Pico has no sim (ERR 80, dropped).
        simulated = simulated or typed.startswith("sim ")
        left = [] if loaded == "-" else loaded.split()
        allowed = ([CALIBRATE] if calibrating else []) + ([SIM] if simulated else [])
        assert [n for n in left if n not in allowed] == [], (typed, reply, left)


def test_a_boot_that_restores_a_pump_leaves_its_restart_code_behind(tmp_path, micropython_exe):
    """The restart policy (pump/restart.py, ~2 KB on a Pico) runs once, at the boot that
    restores a pump from flash; it stayed loaded for the whole run after every reboot
    with a therapy on it, which a fresh boot (the heap tests) never showed."""
    build = tmp_path / "build"
    deploy.build(deploy.FIRMWARE, build, say=lambda *_: None)
    flash = tmp_path / "flash"
    flash.mkdir()
    shutil.copy(BOARD, flash / "board.json")
    env = dict(os.environ, PUMP_CLOCK="manual")
    env.pop("PUMP_WORLD", None)
    lazy = LAZY + ("pump.restart",)
    for session in (SESSION[:SESSION.index("start") + 1], ("status",)):
        script = tmp_path / "session.py"
        script.write_text(SCRIPT % {"build": str(build), "lazy": lazy, "session": session})
        proc = subprocess.run([micropython_exe, "-X", "heapsize=1M", str(script)],
                              cwd=flash, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=120)
        out = proc.stdout.splitlines()
        assert proc.returncode == 0 and out and out[-1] == "DONE", proc.stdout + proc.stderr
    assert "FINAL - | OK" in proc.stdout, proc.stdout  # the restored pump's status, clean
    assert [line for line in out if line.startswith("BOOTED")] == ["BOOTED "], proc.stdout
