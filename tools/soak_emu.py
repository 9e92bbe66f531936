"""Emulated minutes on the real target (an hour unless told; `make soak` asks 15): the
firmware on MicroPython's RP2040 build, basal running, the bolus button pressed (held
1.2 s) every hour, `status` polled every minute of emulated time, `mem` every ten, then
stopped. Prints what happened and what it cost; exits 1 on an `! error` line (a
MemoryError on a tick is one), a refused press that should have been granted, or STEP
edges that do not equal the steps the firmware reports.

Usage: python tools/soak_emu.py [minutes, default 60] [board config]"""
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(ROOT, d) for d in ("host",)]

from pumpctl.client import PumpClient  # noqa: E402
from pumpctl.emu import assets  # noqa: E402
from pumpctl.emu.board import EmuPico  # noqa: E402

BOARD = os.path.join(ROOT, "board_configs", "pico_tmc2209_t8_bd60ml.json")
PIN = "2468"
MIN_NS = 60_000_000_000
SETTLE_NS = 2_000_000_000  # emulated time after `stop` for the last batch's edges
PRIME_WALL_S = 1800  # the line's 150 uL took about 2 min here; a hang must not hold the soak


def ok(c, line):
    reply = c.command(line, timeout=120)
    if not reply.ok:
        raise SystemExit("%s: %s" % (line, reply.final))
    return reply


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    minutes = int(argv[0]) if argv else 60
    board = argv[1] if len(argv) > 1 else BOARD
    if assets.uf2() is None or assets.bootrom() is None:
        print("emulated soak: skipped: " + assets.UF2_HINT)
        return 0
    assets.ensure_rp2040js()
    config = json.load(open(board))
    hold_ms = config["button_hold_ms"] + 200
    wall = time.monotonic()
    errors, presses, granted, polls, heaps = [], 0, 0, 0, []
    with EmuPico(board_config=board) as emu, PumpClient(emu.port) as c:
        c.wait_ready(300)
        for line in ("pin " + PIN, "login " + PIN, "time 2026-01-01T07:00:00",
                     "drug hydromorphone 1000ug/mL", "basal 00:00=700ug/d",
                     "ptm 30ug lockout=1h max=7", "capacity 40mL", "reservoir-alarm 2mL",
                     "refill 40mL", "confirm"):
            ok(c, line)
        # `prime` alone fills what is left of the line, whatever it is. (This read the
        # room's nL from `start`'s ERR 64 until that said its volumes in uL, commit
        # 8acae88: an IndexError before the hour began; tests/emu did the same, 1be4955.)
        ok(c, "prime")
        deadline = time.monotonic() + PRIME_WALL_S
        while "! primed" not in bytes(emu.seen).decode(errors="replace"):
            if time.monotonic() > deadline:
                raise SystemExit("no `! primed` in %d s of wall time" % PRIME_WALL_S)
            time.sleep(0.5)
        ok(c, "start")
        ok(c, "logout")
        start_ns = emu.state()["ns"]
        for minute in range(1, minutes + 1):
            if minute % 60 == 1:
                presses += 1
                emu.press(hold_ms)
            while emu.state()["ns"] - start_ns < minute * MIN_NS:
                time.sleep(0.2)
            c.command("status", timeout=120)
            polls += 1
            for e in c.events:  # every event line since the last poll, once
                if e.startswith("! error"):
                    errors.append(e)
                if e.startswith("! button OK"):
                    granted += 1
            c.events.clear()
            if minute % 10 == 0:
                heaps.append(c.command("mem", timeout=120).final)
        emu_min = (emu.state()["ns"] - start_ns) / MIN_NS
        # Counted stopped: the emulator runs on between `status` and the read of the edges,
        # and a step the board gave in between made them differ by one (123 edges, 122
        # steps, two minutes in with the hour's bolus still running).
        ok(c, "login " + PIN)
        ok(c, "stop")
        settled = emu.state()["ns"] + SETTLE_NS
        while emu.state()["ns"] < settled:
            time.sleep(0.2)
        status = ok(c, "status")
        data = dict(f.split("=", 1) for f in status.lines[0].split()[1:])
        rises = emu.state()["pins"][str(emu.pins.step)]["rises"]
    took = time.monotonic() - wall
    print("emulated soak on %s: %.0f emulated minutes in %.0f s of wall time (%.1fx real "
          "time, boot and priming included)" % (os.path.basename(board), emu_min, took,
                                                emu_min * 60 / took))
    print("  %d status polls, %d button presses, %d granted, %d `! error` lines"
          % (polls, presses, granted, len(errors)))
    print("  STEP edges %d, steps reported %s" % (rises, data["steps"]))
    for h in heaps:
        print("  " + h)
    bad = errors or granted != presses or str(rises) != data["steps"]
    for e in errors[:5]:
        print("  " + e)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
