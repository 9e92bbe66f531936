"""The STEP program list the firmware hands to rp2.StateMachine equals, field for field,
what MicroPython's own rp2 assembler builds for the same program on the same build. A
layout change in MicroPython (as v1.26 added a field) fails here, not on a user's bench."""
import json

from pumpctl.emu.board import EmuPico

from conftest import BD1ML

# The program of firmware/hal/pico/step_pio.py, written in rp2's own PIO assembler.
MAIN = """
import time, json, rp2
time.sleep_ms(100)
from hal.pico import step_pio

@rp2.asm_pio(sideset_init=rp2.PIO.OUT_LOW)
def steps():
    pull(block).side(0)
    mov(x, osr).side(0)
    pull(block).side(0)
    label("rise")
    jmp(x_dec, "high").side(1)[1]
    label("high")
    mov(y, osr).side(1)
    label("hw")
    jmp(y_dec, "hw").side(1)
    mov(y, osr).side(0)
    label("lw")
    jmp(y_dec, "lw").side(0)
    jmp(not_x, "done").side(0)
    jmp("rise").side(0)
    label("done")
    push(noblock).side(0)

def plain(prog):
    return [list(f) if hasattr(f, "append") and not isinstance(f, list) else f for f in prog]

print("LISTS " + json.dumps([plain(steps), plain(step_pio.program())]))
"""


def test_the_program_list_is_what_rp2_assembles(tmp_path):
    with EmuPico(tmp_path, board_config=BD1ML, files={"main.py": MAIN}) as emu:
        out = emu.wait_output(b"\r\n", 120, start=0)
        out = emu.wait_output(b"]]", 120).decode()
    line = next(x for x in out.splitlines() if x.startswith("LISTS "))
    theirs, ours = json.loads(line[len("LISTS "):])
    assert len(ours) == len(theirs) == 9  # v1.26 and later: three load offsets
    assert ours == theirs
