"""The emulated Pico (`pumpctl emu`): MicroPython's own RP2040 build in rp2040js, the
firmware on its LittleFS, its USB console on a pseudo-terminal. See board.py, runner.mjs
and docs/virtual_pico.md."""
