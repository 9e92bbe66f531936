"""A stuck control loop on the simulated board: the watchdog, fed only by passes whose
checks hold, expires and resets the board, which restores its state from flash and goes
on by the drug's policy with the restart alarm. Runs under pytest and MicroPython."""
from app.controller import WatchdogReset
from loop_rig import LoopRig
from store.sim_flash import SimFlash

CASE1 = ("pin 2468", "login 2468", "time 2026-01-01T07:00:00",
         "drug hydromorphone 1000ug/mL ropivacaine 2500ug/mL clonidine 75ug/mL",
         "basal 00:00=600ug/d 08:00=800ug/d 20:00=700ug/d", "ptm 30ug lockout=1h max=7",
         "capacity 40mL", "reservoir-alarm 2mL", "refill 40mL", "confirm", "prime 150uL",
         "sim advance 10m", "start")


def Board(flash, world=None):
    """A power-up: a fresh loop, RAM and monotonic clock, on the flash and world given."""
    return LoopRig(flash, world)


def test_a_stuck_loop_is_reset_by_the_watchdog_and_therapy_goes_on():
    flash = SimFlash()
    b = Board(flash)
    for line in CASE1:
        b.ok(line)
    b.ok("sim advance 3h")
    pump = b.ctl.pump
    steps, grants = pump.steps_issued, len(pump.history.grants)
    at = b.board.clock.now_ms()
    try:
        b.send("sim fault hang")
        reset = False
    except WatchdogReset:
        reset = True
    assert reset
    stuck_ms = b.board.clock.now_ms() - at
    timeout = b.board.watchdog.timeout_ms
    assert timeout < stuck_ms <= timeout + 1_000  # within the pass of its expiry
    world = b.board.world
    pushed = world.pushed
    again = Board(SimFlash(flash.files), world)
    p2 = again.ctl.pump
    assert not again.board.motor.enabled or p2.sm.state == "running"
    # Clonidine in the mix: basal resumes at once, told by the restart alarm.
    assert p2.sm.state == "running"
    assert "restart" in p2.alarms.active()
    # Nothing forgotten: every step the world took is counted, and no more than a lease.
    assert steps <= pushed <= p2.steps_issued
    assert len(p2.history.grants) == grants
    again.ok("sim advance 1h")
    assert world.pushed > pushed  # the motor moves again after the reset
    assert again.board.watchdog.feeds > 0  # and the new loop feeds the watchdog


def test_an_unarmed_watchdog_never_fires_while_nothing_may_move():
    b = Board(SimFlash())
    b.ok("status")
    b.board.clock.jump(60_000)
    assert not b.board.watchdog.expired()  # the REPL stays usable for a deploy
