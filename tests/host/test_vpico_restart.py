"""Resets of the virtual Pico (the real MicroPython over a pseudo-terminal, its flash a
host folder): a power cut, a stuck loop reset by the watchdog, and flash found damaged.
After each, `status` shows what was restored and `alarms` says why, as issue 6 asks."""
from pumpctl.client import PumpClient
from pumpctl.virtual_pico import VirtualPico

CASE1 = ("pin 2468", "login 2468", "time 2026-01-01T07:00:00",
         "drug hydromorphone 1000ug/mL ropivacaine 2500ug/mL clonidine 75ug/mL",
         "basal 00:00=600ug/d 08:00=800ug/d 20:00=700ug/d", "ptm 30ug lockout=1h max=7",
         "capacity 40mL", "reservoir-alarm 2mL", "refill 40mL", "confirm", "prime 150uL",
         "sim advance 10m", "start")


def ok(c, line):
    reply = c.command(line, timeout=30.0)
    assert reply.ok, (line, reply.final, reply.events)
    return reply


def programmed(c):
    c.wait_ready()
    for line in CASE1:
        ok(c, line)
    ok(c, "sim advance 2h")
    ok(c, "bolus")
    ok(c, "sim advance 3h")
    return ok(c, "status").fields


def check_restored(before, after, step_nl):
    assert after["state"] == "running"  # clonidine in the mix: basal resumes at once
    assert set(after["alarms"].split(",")) >= {"restart", "clock"}
    assert after["boluses_24h"] == before["boluses_24h"] == "1"
    res_before, res_after = int(before["reservoir_nl"]), int(after["reservoir_nl"])
    assert res_before - step_nl <= res_after <= res_before
    assert int(after["delivered_ng"]) >= int(before["delivered_ng"])


def test_a_power_cut_restores_status_alarms_and_log():
    with VirtualPico() as vp, PumpClient(vp.port) as c:
        before = programmed(c)
        ok(c, "sim power-cut")
        after = ok(c, "status").fields
        check_restored(before, after, int(before["step_nl"]))
        log = ok(c, "log 64").lines
        assert any(l.startswith("bolus dose_ng=30000 by=patient") for l in log), log
        assert any(l.startswith("boot state=clean") for l in log), log
        assert any(l.startswith("reset cause=power") for l in log), log
        # The PIN survived; confirming the time ends the clock alarm.
        ok(c, "login 2468")
        ok(c, "time 2026-01-01T12:20:00")
        assert "clock" not in ok(c, "alarms").fields["alarms"].split(",")


def test_a_stuck_loop_is_reset_by_the_watchdog_and_recovers():
    with VirtualPico() as vp, PumpClient(vp.port) as c:
        before = programmed(c)
        ok(c, "sim fault hang")
        after = ok(c, "status").fields  # waits for the reset board's ready line
        check_restored(before, after, int(before["step_nl"]))
        log = ok(c, "log 8").lines
        assert any(l.startswith("reset cause=watchdog") for l in log), log


def test_damaged_state_files_are_reported_and_the_console_still_answers():
    with VirtualPico() as vp, PumpClient(vp.port) as c:
        c.wait_ready()
        for line in CASE1[:11]:
            ok(c, line)  # programmed and filled, stopped: nothing saves on its own now
        state = vp.flash / "pumpstate"
        damaged = 0
        for name in ("state.a", "state.b"):
            path = state / name
            if path.exists():
                data = bytearray(path.read_bytes())
                data[len(data) // 2] ^= 0xFF
                path.write_bytes(bytes(data))
                damaged += 1
        assert damaged == 2
        ok(c, "sim power-cut")
        s = ok(c, "status").fields
        assert s["state"] == "unprogrammed"
        assert "memory" in s["alarms"].split(",")
        assert ok(c, "alarms").ok
