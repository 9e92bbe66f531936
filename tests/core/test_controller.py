"""The control loop on the simulated board with the real console: lines in, replies out;
the world's plunger moves exactly by the steps the pump counted; the button, an occlusion,
a battery sag, Ctrl-C, the watchdog and a power cut each do what a board would. Runs
under pytest and MicroPython."""
from app import lines
from app.controller import PowerCut
from loop_rig import LoopRig

MIN_MS = 60_000


class Rig(LoopRig):
    def running(self):
        for line in ("pin 2468", "login 2468", "time 2026-01-01T07:00:00",
                     "drug hydromorphone 1000ug/mL", "basal 00:00=700ug/d",
                     "ptm 30ug lockout=1h max=7", "capacity 40mL", "reservoir-alarm 2mL",
                     "refill 40mL", "confirm", "prime 150uL"):
            self.ok(line)
        self.ok("sim advance 10m")
        self.ok("start")


def test_the_driver_is_disabled_at_boot_and_status_answers():
    r = Rig()
    assert not r.board.motor.enabled
    reply = r.ok("status")
    assert "state=unprogrammed" in reply[-1]


def test_a_day_on_the_rig_moves_the_plunger_by_exactly_the_steps_counted():
    r = Rig()
    r.running()
    r.ok("sim advance 24h")
    pump, world = r.ctl.pump, r.board.world
    assert pump.sm.state == "running"
    assert world.pushed == pump.steps_issued > 0
    # The refill filled the syringe; the plunger's travel is what the pump has left.
    left_nl = world.contents_nl()
    assert abs(left_nl - pump.reservoir.volume_nl()) <= r.rig.step_nl_ceil()
    # 700 ug/day of 1 mg/mL: 0.7 mL in a day, within a step, plus the primed line.
    world.tick(r.board.clock.now_ms() + MIN_MS)
    delivered = world.delivered_nl
    assert abs(delivered - 150_000 - 700_000) <= 2 * r.rig.step_nl_ceil(), delivered


def test_the_button_is_the_patients_bolus():
    r = Rig()
    r.running()
    r.ok("sim advance 2h")
    before = r.ctl.pump.history.count_24h(r.ctl.pump.t)
    out = r.send("sim press")
    assert r.ctl.pump.history.count_24h(r.ctl.pump.t) == before + 1
    assert any(line.startswith("! bolus") for line in out), out
    # One final line for the one typed line; the button's answer is an event.
    assert [x for x in out if x.startswith("OK") or x.startswith("ERR")] == \
        ["OK button=pressed"], out
    assert any(line.startswith("! button OK") for line in out), out


def test_an_occlusion_alarms_stops_the_motor_and_sounds_critical():
    r = Rig()
    r.running()
    r.ok("sim advance 1h")
    r.ok("sim fault occlusion")
    reply = r.ok("sim advance 12h")
    assert any("occlusion" in line for line in reply if line.startswith("! ")), reply
    assert r.ctl.pump.sm.state == "alarm"
    assert not r.board.motor.enabled
    assert r.board.indicators.priority == 3


def test_a_battery_sag_is_seen_after_repeated_readings():
    r = Rig()
    r.running()
    r.ok("sim fault battery")
    assert "battery_eri" not in r.ctl.pump.alarms.active()  # not on one reading
    r.ok("sim advance 5m")
    assert "battery_eri" in r.ctl.pump.alarms.active()
    r.ok("sim clear battery")
    r.ok("sim advance 5m")
    assert "battery_eri" not in r.ctl.pump.alarms.active()


def test_ctrl_c_drops_to_the_repl_only_while_nothing_may_move():
    r = Rig()
    assert r.ctl.byte(3, 0) is False  # unprogrammed
    r.running()
    now = r.board.clock.now_ms()
    assert r.ctl.byte(3, now) is True
    assert r.out[-1].startswith("! ctrl-c ignored")
    r.ok("stop")
    assert r.ctl.byte(3, r.board.clock.now_ms()) is False


def test_the_watchdog_is_fed_only_once_armed_and_only_while_the_checks_hold():
    r = Rig()
    r.ok("status")
    assert r.board.watchdog.feeds == 0  # not armed: the REPL stays usable for deploys
    r.running()
    fed = r.board.watchdog.feeds
    r.ok("sim advance 3m")
    assert r.board.watchdog.feeds > fed
    r.ok("stop")
    fed = r.board.watchdog.feeds
    r.board.motor.enabled = True  # a driver left on while the pump is stopped
    r.ctl.service(r.board.clock.now_ms())
    assert r.board.watchdog.feeds == fed and not r.board.motor.enabled
    # A loop that stops passing lets the watchdog expire.
    r.board.clock.jump(9_000)
    assert r.board.watchdog.expired()


def test_power_cut_answers_ok_then_cuts():
    r = Rig()
    now = r.board.clock.now_ms()
    cut = False
    for b in b"sim power-cut\n":
        try:
            r.ctl.byte(b, now)
        except PowerCut:
            cut = True
    assert cut
    assert r.out[-1].startswith("OK")


def test_half_a_line_then_silence_gets_an_error_and_changes_nothing():
    r = Rig()
    for b in b"pin 24":
        r.ctl.byte(b, 0)
    r.board.clock.jump(lines.SILENCE_MS)
    r.ctl.service(r.board.clock.now_ms())
    assert r.out[-1].startswith("ERR 83 ")
    assert r.ctl.console.auth.store.get() is None if hasattr(r.ctl.console.auth, "store") \
        else True
    r.ok("pin 2468")  # the PIN was not half-set by the stale half
