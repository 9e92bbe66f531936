"""Talking to the emulated Pico's console as a user would: over its pseudo-terminal,
with pumpctl's client."""
from pumpctl.client import PumpClient

PIN = "2468"


def ok(c, line, timeout=60.0):
    reply = c.command(line, timeout=timeout)
    assert reply.ok, (line, reply.final, reply.events)
    return reply


def program(c, drug="morphine 10mg/mL", basal="00:00=1mg/d", ptm="100ug lockout=1h max=4",
            capacity="1mL", fill="1mL", alarm="0.2mL"):
    """A clinician's programming sequence, up to (not including) the prime."""
    for line in ("pin " + PIN, "login " + PIN, "time 2026-01-01T07:00:00", "drug " + drug,
                 "basal " + basal, "ptm " + ptm, "capacity " + capacity,
                 "reservoir-alarm " + alarm, "refill " + fill, "confirm"):
        ok(c, line)


def wait_event(c, prefix, timeout):
    """Read lines until one starts with `prefix`; returns it."""
    import time
    end = time.monotonic() + timeout
    seen = []
    while time.monotonic() < end:
        line = c.read_line(gap=1.0, deadline=end)
        if line is None:
            continue
        seen.append(line)
        if line.startswith(prefix):
            return line
    raise AssertionError("no %r within %g s; saw %r" % (prefix, timeout, seen[-20:]))
