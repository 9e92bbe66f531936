"""The service jumper (issue 15): held through power-up, it is the physical act that
replaces a forgotten or lost PIN and opens the REPL without a login, for 15 minutes after
that boot. Without it, neither happens: a patient with the cable, the plug and the button
has no way in. Runs under pytest and MicroPython."""
from app.device import SERVICE_MS
from console_fakes import flip_a_byte_in_both
from hal.sim.board import SimBoard
from loop_rig import LoopRig
from rigs import shipped
from store.sim_flash import SimFlash

PIN = "2468"


def _world(jumper):
    config, rig = shipped()
    world = SimBoard(config, rig, ".").world
    world.service_jumper = jumper
    return world


def _final(reply):
    return [x for x in reply if x.startswith("OK") or x.startswith("ERR ")][-1]


def _running(r):
    for line in ("pin " + PIN, "login " + PIN, "time 2026-01-01T07:00:00",
                 "drug hydromorphone 1000ug/mL", "basal 00:00=700ug/d",
                 "ptm 30ug lockout=1h max=7", "capacity 40mL", "reservoir-alarm 2mL",
                 "refill 40mL", "confirm", "prime 150uL"):
        r.ok(line)
    r.ok("sim advance 10m")
    r.ok("start")
    r.ok("logout")


def test_without_the_jumper_a_lost_pin_stays_lost_and_the_repl_needs_a_login():
    flash = SimFlash()
    r = LoopRig(flash, _world(False))
    _running(r)
    flip_a_byte_in_both(flash, "pin")
    r = LoopRig(SimFlash(flash.files), r.board.world)
    assert _final(r.send("pin 1357")).startswith("ERR 84 ")
    assert "pin=lost" in _final(r.send("whoami")) and "service_s=0" in r.out[-1]
    assert r.typed("repl confirm") and r.out[-1].startswith("ERR 74 ")


def test_the_jumper_at_boot_replaces_a_lost_pin_without_a_login_and_logs_it():
    flash = SimFlash()
    r = LoopRig(flash, _world(False))
    _running(r)
    flip_a_byte_in_both(flash, "pin")
    world = r.board.world
    world.service_jumper = True  # someone with the board in hand, before power-up
    r = LoopRig(SimFlash(flash.files), world)
    assert "service_s=900" in _final(r.send("whoami"))
    r.ok("pin 1357")
    r.ok("login 1357")  # the new PIN is the clinician's
    # The act opened access, not the therapy: the prescription is as it was.
    assert r.ctl.pump.rx is not None and r.ctl.pump.rx.drugs == (("hydromorphone", 1_000_000),)
    log = "\n".join(r.ok("log 20"))
    assert "service jumper=in" in log and "pin reset by=service" in log
    assert "1357" not in log


def test_the_jumper_replaces_a_forgotten_pin_and_ends_the_old_pins_lockout():
    flash = SimFlash()
    r = LoopRig(flash, _world(False))
    r.ok("pin " + PIN)
    for _ in range(5):
        r.send("login 9999")  # forgotten: locked out
    assert _final(r.send("login " + PIN)).startswith("ERR 78 ")
    world = r.board.world
    world.service_jumper = True
    r = LoopRig(SimFlash(flash.files), world)
    r.ok("pin 1357")
    r.ok("login 1357")
    assert _final(r.send("login " + PIN)).startswith("ERR 77 ")  # the old one is gone


def test_the_jumper_opens_the_repl_without_a_login_only_while_nothing_moves():
    flash = SimFlash()
    r = LoopRig(flash, _world(False))
    _running(r)
    world = r.board.world
    world.service_jumper = True
    r = LoopRig(SimFlash(flash.files), world)
    if r.ctl.pump.sm.state == "running":  # the restart policy may resume a basal
        assert r.typed("repl confirm") and r.out[-1].startswith("ERR 50 ")
        r.ok("login " + PIN)
        r.ok("stop")
        r.ok("logout")
    assert not r.typed("repl confirm")
    assert r.out[-2:] == ["OK repl=1", "! repl by=service"]


def test_the_jumpers_access_ends_15_minutes_after_the_boot_that_found_it():
    flash = SimFlash()
    r = LoopRig(flash, _world(False))
    r.ok("pin " + PIN)
    world = r.board.world
    world.service_jumper = True
    r = LoopRig(SimFlash(flash.files), world)
    r.ok("sim advance %ds" % (SERVICE_MS // 1000))
    assert _final(r.send("pin 1357")).startswith("ERR 76 ")  # a PIN is set: a clinician's
    assert r.typed("repl confirm") and r.out[-1].startswith("ERR 74 ")
    assert "service_s=0" in _final(r.send("whoami"))


def test_a_config_without_a_service_pin_ignores_a_jumper_in_the_world():
    flash = SimFlash()
    r = LoopRig(flash, _world(False))
    r.ok("pin " + PIN)
    world = r.board.world
    world.service_jumper = True
    config, _ = shipped()
    config.pins.service = None  # a rig built without the header
    r = LoopRig(SimFlash(flash.files), world, config)
    assert _final(r.send("pin 1357")).startswith("ERR 76 ")
    assert "service_s=0" in _final(r.send("whoami"))
