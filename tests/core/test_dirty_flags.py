"""The dirty flags that tell the journal to save (issue 17, item 2) against the full
comparison they replaced: after every journal, what the snapshot and the device's bytes
hold that changes on events (not with steps) is what the last save held. A change that
set no flag would be a state lost by the next power cut; the session below makes every
kind of change the old keys saw (states, alarms raised, acknowledged and ended, grants,
programs, refills with a new mix, the clock, a staged refill, wrong PINs and a lockout,
a PIN change, a guard trip and its reset, held guard limits, a decommission).
Runs under pytest and MicroPython."""
from console_fakes import Board, PIN
from store.persist import Persist
from store.sim_flash import SimFlash


def pump_key(p):
    """What a snapshot holds that changes only on events: the comparison store/persist.py
    made every pass before the flags."""
    res = p.reservoir
    alarms = tuple((n, e[1], e[2]) for n, e in sorted(p.alarms.state.items()))
    g = p.history.grants
    return (p.sm.state, len(g), g[-1] if g else None, id(p.rx), res.fill_vu, res.concs,
            alarms, p.wall_offset_ms, p.pending is None)


def device_key(dev):
    a, lim = dev.auth, dev.safety.limits
    return (a.store.get(), a.wrong, a.lockouts, a.locked_until, dev.safety.tripped,
            lim.held, lim.hold_until, dev.line_unknown)


def watched():
    """A board whose every journal is checked: the keys after it are the last save's."""
    b = Board(persist=Persist(SimFlash()))
    dev = b.dev
    store = dev.store
    # Mismatches are collected, not asserted where they are found: the device turns any
    # exception inside a pass into an `! error` event and goes on.
    seen = {"saved": None, "checks": 0, "missed": []}
    save = store.save

    def saving(pump, extra=None):
        ok = save(pump, extra)
        if ok:
            seen["saved"] = (pump_key(pump), device_key(dev))
        return ok
    store.save = saving
    journal = dev.journal

    def checked(now):
        journal(now)
        seen["checks"] += 1
        now_keys = (pump_key(dev.pump), device_key(dev))
        if seen["saved"] is not None and now_keys != seen["saved"]:
            seen["missed"].append((seen["checks"], now_keys, seen["saved"]))
    dev.journal = checked
    return b, seen


SESSION = (
    "pin " + PIN, "login 9999", "login 9999", "login " + PIN, "time 2026-01-01T07:00:00",
    "drug hydromorphone 1000ug/mL clonidine 75ug/mL", "basal 00:00=600ug/d 08:00=800ug/d",
    "ptm 30ug lockout=1h max=7", "capacity 20mL", "reservoir-alarm 2mL", "refill 2400uL",
    "confirm", "prime 150uL", "sim advance 5m", "login " + PIN, "start", "sim advance 1h",
    "bolus", "sim advance 30m", "bolus", "time 2026-01-01T09:00:00", "sim advance 1d", "login " + PIN, "ack low_reservoir", "sim advance 1m", "stop", "drug hydromorphone 2000ug/mL clonidine 75ug/mL",
    "refill 10mL", "status", "refill 10mL", "confirm", "start", "sim advance 2d",
    "login " + PIN, "pin 8642", "logout", "login 1111", "login 1111", "login 1111",
    "sim advance 1h", "sim fault battery-sag", "sim advance 1m", "sim clear battery-sag",
    "sim advance 1m", "login 8642", "suspend", "resume", "sim advance 1d",
)


def test_every_change_the_old_keys_saw_is_saved_by_the_flags():
    b, seen = watched()
    acked = False
    for line in SESSION:
        b.send(line)
        e = b.dev.pump.alarms.state.get("low_reservoir")
        acked = acked or (e is not None and e[1] and e[2])  # acked, its cause still there
    assert seen["checks"] > 100 and seen["saved"] is not None
    assert acked
    assert seen["missed"] == []


def test_a_guard_trip_and_its_reset_are_saved():
    b, seen = watched()
    for line in SESSION[:17]:
        b.send(line)
    dev = b.dev
    g = dev.safety.guard
    g.set_limits(g.hour.total(b.clock.now_ms()), g.day.total(b.clock.now_ms()))
    b.send("sim advance 1h")  # the next step trips it
    assert dev.safety.tripped
    b.send("login " + PIN)
    b.send("ack guard")
    b.send("sim advance 1m")
    assert seen["checks"] > 10
    assert not dev.safety.tripped and seen["missed"] == []


class BrokenFlash(SimFlash):
    """Writes fail while `broken` (a worn sector)."""

    def __init__(self):
        SimFlash.__init__(self)
        self.broken = False

    def write(self, name, data):
        if self.broken:
            raise OSError(5)
        SimFlash.write(self, name, data)


def test_the_flags_are_cleared_only_by_a_save_that_reached_the_flash():
    flash = BrokenFlash()
    b = Board(persist=Persist(flash))
    b.ok("pin " + PIN)
    b.ok("login " + PIN)
    pump = b.dev.pump
    b.ok("time 2026-01-01T07:00:00")
    assert not pump.dirty  # saved with the reply
    flash.broken = True
    b.ok("time 2026-01-01T08:00:00")
    assert pump.dirty  # the save failed: still to be saved (and `memory` raised)
    flash.broken = False
    b.send("status")
    assert not pump.dirty
