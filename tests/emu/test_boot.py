"""The firmware boots on MicroPython's own RP2040 build, from its own LittleFS, on an
A4988 rig and a TMC2209 rig; the driver is disabled (EN inactive) from reset on; the
TMC2209 is configured and verified over its UART; a missing chip is said in words."""
import pytest

from pumpctl.client import PumpClient
from pumpctl.emu.board import EmuPico

from conftest import BD1ML, BD60ML

# TMC2209 registers (datasheet rev 1.09) and what firmware/hal/tmc2209.py writes for the
# 60 mL rig: 16 microsteps (MRES 4), IRUN 16, IHOLD 8, SGTHRS 0.
GCONF, GSTAT, IHOLD_IRUN, CHOPCONF, SGTHRS = 0x00, 0x01, 0x10, 0x6C, 0x40


def en_levels(state, emu):
    return [level for _t, level in state["pins"][str(emu.pins.en)]["log"]]


@pytest.mark.parametrize("board", [BD1ML, BD60ML], ids=["a4988-1mL", "tmc2209-60mL"])
def test_the_firmware_boots_to_ready_with_the_driver_disabled(tmp_path, board):
    with EmuPico(tmp_path, board_config=board) as emu, PumpClient(emu.port) as c:
        ready = c.wait_ready(120)
        assert ready.startswith("! ready firmware=") and "board=pico" in ready
        assert "Traceback" not in emu.seen.decode(errors="replace")
        status = c.command("status", timeout=30)
        assert status.ok and status.fields["state"] == "unprogrammed"
        state = emu.state()
    off = 1 - emu.pins.en_active()
    # EN is an output from the first thing the board builds, and never went active.
    assert en_levels(state, emu) and set(en_levels(state, emu)) == {off}
    assert state["pins"][str(emu.pins.step)]["rises"] == 0


def test_the_tmc2209_is_configured_and_verified_over_its_uart(tmp_path):
    with EmuPico(tmp_path, board_config=BD60ML) as emu, PumpClient(emu.port) as c:
        assert "driver=tmc2209" in c.wait_ready(120)
        tmc = emu.state()["tmc"]
    written = dict(tmc["writes"])
    assert written[GCONF] == 0x1C1  # VREF the ceiling, UART, MRES from the register
    assert written[CHOPCONF] == 0x10000053 | (4 << 24)  # 16 microsteps
    assert written[IHOLD_IRUN] == (10 << 16) | (16 << 8) | 8
    assert written[SGTHRS] == 0
    assert len(tmc["writes"]) == 8  # every write once: none needed a retry
    assert tmc["reads"] >= 5  # version, IFCNT before and after, GCONF and CHOPCONF back


@pytest.mark.parametrize("tmc", ["none", "echo"])
def test_a_missing_tmc2209_is_said_in_words_with_the_driver_disabled(tmp_path, tmc):
    with EmuPico(tmp_path, board_config=BD60ML, tmc=tmc) as emu:
        out = emu.wait_output(b"(motor disabled)", 120).decode(errors="replace")
        state = emu.state()
    line = next(x for x in out.splitlines() if x.startswith("! driver failed"))
    assert line.startswith("! driver failed: tmc2209: ") and line.endswith("(motor disabled)")
    assert "Traceback" not in out
    assert set(en_levels(state, emu)) == {1 - emu.pins.en_active()}
