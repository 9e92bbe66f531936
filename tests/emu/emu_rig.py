"""Helpers for the real-target tests that watch the pins: a fast 1 mL rig, the status
data line, EN's log, and waiting on emulated (not wall) time."""
import json
import time

from conftest import BD1ML
from emu_console import ok, wait_event

NS_PER_MS = 1_000_000


def fast_rig(tmp_path, **changes):
    """The 1 mL A4988 rig (button GP14 active low, held 1000 ms; end stop GP7 active
    high) primed and bolused near its driver's 2 kHz ceiling, so a fill or a bolus costs
    seconds of emulated time, not minutes. `changes` go over the config's top level."""
    config = json.loads(BD1ML.read_text())
    config.update(prime_ul_per_min=500, bolus_ul_per_min=500)
    config.update(changes)
    path = tmp_path / "fast_bd1ml.json"
    path.write_text(json.dumps(config))
    return path


def status(c):
    """`status`: (its key=value fields, the `delivery ...` data line's fields)."""
    reply = ok(c, "status")
    data = reply.lines[0]
    assert data.startswith("delivery "), reply.lines
    return reply.fields, dict(f.split("=", 1) for f in data.split()[1:])


def status_at_pins(c, emu):
    """`status` while the motor may be moving, checked against the STEP pin: no edge is
    ever missing from the steps reported, none is ever invented. A command is answered
    between two passes of the loop, never mid-batch, so the steps it reports are every
    edge before it and no later one: STEP's count read just before and just after
    brackets them exactly."""
    before = len(emu.rises())
    fields, data = status(c)
    after = len(emu.rises())
    assert before <= int(data["steps"]) <= after, (before, data["steps"], after)
    return fields, data


def steps_reported(c):
    return int(status(c)[1]["steps"])


def en_log(emu):
    """[[emulated ns, level], ...] of every change of EN since the runner started."""
    return emu.state()["pins"][str(emu.pins.en)]["log"]


def wait_emulated(emu, ms, timeout=30.0):
    """Let `ms` of emulated time pass (the board's clock, whatever the wall's)."""
    end_ns = emu.state()["ns"] + ms * NS_PER_MS
    deadline = time.monotonic() + timeout
    while emu.state()["ns"] < end_ns:
        assert time.monotonic() < deadline, "the emulated clock stopped"
        time.sleep(0.05)


def wait_rises(emu, n, timeout=60.0):
    """Until the STEP pin has risen `n` times since power-on; returns the count."""
    deadline = time.monotonic() + timeout
    while True:
        got = emu.state()["pins"][str(emu.pins.step)]["rises"]
        if got >= n:
            return got
        assert time.monotonic() < deadline, "STEP rose %d times, waited for %d" % (got, n)
        time.sleep(0.02)


def fill_line(c, emu, timeout=120.0):
    """Prime the rig's whole dead volume (its board config's dead_volume_ul)."""
    ok(c, "prime %duL" % emu.config["dead_volume_ul"])
    wait_event(c, "! primed", timeout)
