"""The heap on the real target (issue 13's floors): MicroPython's RP2040 build, the
firmware as deployed (.mpy, mpy-cross -O3), in steady delivery and after a collection,
has at least 96 KB free and a free block of at least 32 KB; and the modules only some
commands need (app/lazy.py) are loaded neither by boot nor by the loop, on the
board itself.

main.py here is the firmware's own boot with one line more for the test, `x-heap`:
sys.modules, then micropython.mem_info() after gc.collect() (the VM's own count of the
longest free run, which `mem` can only probe for, and does without collecting)."""
import json
import re
import time

from pumpctl.client import PumpClient
from pumpctl.emu.board import EmuPico

from conftest import BD1ML
from emu_console import ok

FREE_FLOOR = 96 * 1024
BLOCK_FLOOR = 32 * 1024
GC_BLOCK = 16  # bytes in a GC block on the RP2040 (4 words)
# Never loaded by boot or by a pass of the loop (tests/host/test_lazy_modules.py has the
# same list for the unix port, and says why).
LAZY = ("console.cmd_access", "console.cmd_rx", "console.cmd_sim", "console.cmd_mem",
        "console.cmd_calibrate", "console.usage", "console.message_text", "pump.units",
        "pump.drug_sources", "pump.drug_check", "hal.calibration", "hal.board_config",
        "hal.tmc2209", "hal.pio_asm", "pump.teardown", "app.startup", "hal.pico.parts",
        "pump.forecast", "pump.line_floor", "pump.slow_bolus",
        "console.cmd_dose", "app.log_read", "console.cmd_care", "pump.drug_soft",
        "app.activity", "console.cmd_activity", "console.cmd_info", "console.cmd_review",
        "pump.review", "console.show", "console.iso_parse", "pump.rx_check",
        "pump.sched_bolus", "console.cmd_sched", "store.snapshot_read")
# Nothing of the simulated rig on a Pico.
SIM_ONLY = ("app.sim_hooks", "app.world_file", "hal.sim", "store.sim_flash")

MAIN = """
import gc, micropython, sys
from console import console as _c
_handle = _c.Console.handle
def _heap(self, line):
    if line in (b"x-heap", "x-heap"):
        mods = " ".join(sorted(sys.modules))
        gc.collect()
        micropython.mem_info()
        return ["modules " + mods, "OK heap_free=%d" % gc.mem_free()]
    return _handle(self, line)
_c.Console.handle = _heap
from app.boot import run
run()
"""


def heap(c):
    """(loaded module names, bytes free and longest free run after a collection)."""
    reply = c.command("x-heap", timeout=60)
    assert reply.ok, reply.final
    text = "\n".join(reply.lines)
    mods = next(line for line in reply.lines if line.startswith("modules ")).split()[1:]
    run = int(re.search(r"max free sz: (\d+)", text).group(1)) * GC_BLOCK
    return mods, int(reply.fields["heap_free"]), run


def test_steady_delivery_keeps_96kb_free_and_a_32kb_block_and_loads_no_lazy_module(
        tmp_path):
    config = json.loads(BD1ML.read_text())
    config["dead_volume_ul"] = 0  # no line to prime: straight to delivery
    board = tmp_path / "board.json"
    board.write_text(json.dumps(config))
    with EmuPico(tmp_path / "emu", board_config=board, files={"main.py": MAIN}) as emu, \
            PumpClient(emu.port) as c:
        c.wait_ready(120)
        mods, free, block = heap(c)
        assert [m for m in mods if m in LAZY or m.startswith(SIM_ONLY)] == [], mods
        assert free >= FREE_FLOOR and block >= BLOCK_FLOOR, (free, block)

        for line in ("pin 2468", "login 2468", "time 2026-01-01T07:00:00",
                     "drug morphine 10mg/mL", "basal 00:00=1mg/d",
                     "ptm 10ug lockout=1h max=4", "capacity 1mL", "reservoir-alarm 0.2mL",
                     "refill 1mL", "confirm", "start", "bolus 10ug", "status", "alarms",
                     "basal 00:00=1.2mg/d", "rx", "commit",  # the review's modules too
                     "bolus-schedule 08:00=10ug", "commit",  # and scheduled boluses
                     "rx", "log 5", "activity 3", "logout"):
            ok(c, line)
        t0 = emu.state()["ns"]
        while emu.state()["ns"] - t0 < 10e9:  # 10 s of basal, a step every ~4 s
            time.sleep(0.5)
        status = ok(c, "status")
        assert status.fields["state"] == "running", status.final
        mods, free, block = heap(c)
    assert [m for m in mods if m in LAZY or m.startswith(SIM_ONLY)] == [], mods
    assert free >= FREE_FLOOR, free
    assert block >= BLOCK_FLOOR, block
