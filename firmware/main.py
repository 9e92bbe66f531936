"""Runs at boot (on a Pico, and on the virtual Pico from its flash folder).

Ctrl-C is turned off before anything else. MicroPython lets it interrupt main.py, and the
firmware's boot takes ~1.8 s on a Pico before its loop: a Ctrl-C sent from power-up on
ended main.py in the REPL, anyone's (issue 15). The VM raises a pending Ctrl-C only at a
jump, and there is none before kbd_intr below; one that came before it is raised at the
loop's jump, inside the try, and dropped."""
try:
    import micropython
    micropython.kbd_intr(-1)
    for _ in (0, 1):
        pass
except KeyboardInterrupt:
    pass
from app.boot import run

run()
