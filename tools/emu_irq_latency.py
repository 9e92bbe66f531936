"""How fast the firmware disables the driver when a fault line closes mid-move, on the
emulated Pico: figures printed, never asserted (tests/emu/test_end_stop.py holds the
bound). The 1 mL rig primes near its driver's 2 kHz ceiling; the end stop closes at a
random STEP edge of each prime, and for each try this prints the emulated microseconds
from the switch to EN inactive and the STEP edges after the switch while EN was on.

Usage: python tools/emu_irq_latency.py [tries, default 8]"""
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, d) for d in ("host", "tests/emu")]

from pumpctl.client import PumpClient  # noqa: E402
from pumpctl.emu.board import EmuPico  # noqa: E402

from emu_console import PIN, ok, program, wait_event  # noqa: E402
from emu_rig import en_log, fast_rig  # noqa: E402


def one(c, emu, pin, on):
    start = len(emu.rises())
    ok(c, "prime 10uL")
    emu.set_input(pin, 1, after_rises=start + random.randint(200, 2000))
    wait_event(c, "! alarm name=end_stop", 120)
    fired = [e for e in emu.events("fired") if e["pin"] == pin][-1]
    f = fired["ns"]
    off = [t for t, level in en_log(emu) if level == 1 - on and t >= f]
    after = [t for t in emu.rises() if f < t <= off[0]] if off else []
    emu.set_input(pin, 0)
    time.sleep(0.2)
    for line in ("login " + PIN, "ack end_stop", "line new confirm"):
        ok(c, line)
    return (off[0] - f) / 1000 if off else None, len(after)


def main():
    tries = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    tmp = Path(tempfile.mkdtemp(prefix="irq-"))
    with EmuPico(tmp / "emu", board_config=fast_rig(tmp)) as emu, \
            PumpClient(emu.port) as c:
        c.wait_ready(120)
        program(c)
        on = emu.pins.en_active()
        lats = []
        for i in range(tries):
            lat, edges = one(c, emu, emu.pins.end_stop_max, on)
            lats.append(lat)
            print("try %d: EN off %s us after the switch, %d STEP edges meanwhile"
                  % (i + 1, lat, edges), flush=True)
    done = sorted(x for x in lats if x is not None)
    print("EN off after the switch, us: min %s, median %s, max %s (%d tries)"
          % (done[0], done[len(done) // 2], done[-1], len(done)))


if __name__ == "__main__":
    main()
