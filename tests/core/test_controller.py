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


def test_ctrl_c_never_drops_to_the_repl():
    # A patient stops the pump by unplugging it, then presses Ctrl-C: it must not reach
    # the REPL, where the state and the PIN can be deleted.
    r = Rig()
    assert r.ctl.byte(3, 0) is True  # unprogrammed
    assert r.out[-1].startswith("! ctrl-c ignored: the pump is unprogrammed; ")
    r.running()
    assert r.ctl.byte(3, r.board.clock.now_ms()) is True
    assert r.out[-1] == "! ctrl-c ignored: the pump is running"
    r.ok("stop")
    assert r.ctl.byte(3, r.board.clock.now_ms()) is True
    for b in b"\x01\x02\x04\x05":  # raw REPL, friendly REPL, soft reset, paste mode
        assert r.ctl.byte(b, r.board.clock.now_ms()) is True


def test_the_repl_is_a_clinicians_confirmed_request_while_nothing_may_move():
    r = Rig()
    r.running()
    r.ok("logout")
    assert r.typed("repl confirm") and r.out[-1].startswith("ERR 74 ")
    r.ok("login 2468")
    assert r.typed("repl confirm") and r.out[-1].startswith("ERR 50 ")  # running
    r.ok("stop")
    assert r.typed("repl")
    assert r.out[-1] == "OK confirm=required"
    assert not r.typed("repl confirm")
    assert r.out[-2:] == ["OK repl=1", "! repl by=clinician"]


def test_a_fresh_board_lets_a_deploy_reach_its_repl_without_a_pin():
    r = Rig()  # no PIN, nothing programmed: nothing to protect
    assert not r.typed("repl confirm")
    assert r.out[-1] == "! repl by=fresh"
    r = Rig()
    r.ok("pin 2468")  # a PIN set: a clinician's from now on
    assert r.typed("repl confirm") and r.out[-1].startswith("ERR 74 ")


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
    assert r.ctl.device.auth.store.get() is None
    r.ok("pin 2468")  # the PIN was not half-set by the stale half


def test_a_pass_waits_long_only_while_nothing_will_move_or_sound_soon():
    from app.controller import PASS_FAST_MS, PASS_IDLE_MS
    r = Rig()
    assert r.ctl.wait_ms() == PASS_IDLE_MS  # unprogrammed: nothing can move
    r.running()  # 700 ug/d of 1 mg/mL on the 60 mL rig: a step every ~3 minutes
    assert r.ctl.pump.ms_to_next_step() > PASS_IDLE_MS
    assert r.ctl.wait_ms() == PASS_IDLE_MS
    r.ok("bolus")  # 30 ug at the rig's bolus speed: a step every few seconds at most
    due = r.ctl.pump.ms_to_next_step()
    assert due is not None and r.ctl.wait_ms() == max(PASS_FAST_MS, min(due, PASS_IDLE_MS))
    r.ok("login 2468")
    r.ok("stop")
    assert r.ctl.pump.ms_to_next_step() is None and r.ctl.wait_ms() == PASS_IDLE_MS
    r.board.button.held = lambda: True  # a finger on the button: its release is timed
    assert r.ctl.wait_ms() == PASS_FAST_MS
    r.board.button.held = lambda: False
    r.ok("sim fault occlusion")  # an alarm sounding: its pattern needs the fast pass
    r.board.world.occluded = True
    r.ctl.pump.fault("occlusion", r.board.clock.now_ms())
    r.ctl.service(r.board.clock.now_ms())
    assert r.ctl.device.loudest() > 0 and r.ctl.wait_ms() == PASS_FAST_MS


def test_while_priming_the_pass_comes_when_the_next_step_is_due():
    from app.controller import PASS_FAST_MS, PASS_IDLE_MS
    r = Rig()
    for line in ("pin 2468", "login 2468", "time 2026-01-01T07:00:00",
                 "drug hydromorphone 1000ug/mL", "basal 00:00=700ug/d",
                 "ptm 30ug lockout=1h max=7", "capacity 40mL", "reservoir-alarm 2mL",
                 "refill 40mL", "confirm", "prime 150uL"):
        r.ok(line)
    due = r.ctl.pump.ms_to_next_step()  # 50 uL/min of 1.4 uL steps: one every 1.7 s
    assert due is not None and r.ctl.wait_ms() == min(due, PASS_IDLE_MS)
    clock = r.board.clock
    clock.jump(due - 20)
    r.ctl.service(clock.now_ms())
    assert r.ctl.pump.ms_to_next_step() == 20 == r.ctl.wait_ms()  # wakes when it is due
    clock.jump(15)
    r.ctl.service(clock.now_ms())
    assert r.ctl.wait_ms() == PASS_FAST_MS  # 5 ms away: never a busier loop than before


def test_a_pass_whose_time_was_read_before_its_line_ran_reports_no_error():
    # The loop reads the clock, then a line's command catches the pump up to a later
    # time (a line takes time on a board); the pass's own work must not go back to the
    # earlier time (it did: `! error code=66`, time running backwards, every such pass).
    r = Rig()
    r.ok("pin 2468")
    r.ok("login 2468")
    then = r.board.clock.now_ms()
    r.board.clock.jump(7)
    for b in b"status\r\n":
        r.ctl.byte(b, then)
    r.ctl.service(then)
    assert not [line for line in r.out if line.startswith("! error")], r.out


def test_echo_on_shows_each_byte_and_a_backspace_rubs_one_out():
    """Issue 18, item 4: a plain terminal (miniterm, picocom, tio) shows nothing typed;
    with `echo on` the board shows it, a Backspace or DEL rubs the last byte out, a line's
    end starts the reply on a new line. Off by default, as pumpctl wants it."""
    echoed = []
    r = Rig()
    r.ctl.echo = echoed.append
    r.ok("status")
    assert echoed == []  # off at boot
    assert r.ok("echo on")[-1] == "OK echo=on"
    echoed.clear()
    now = r.board.clock.now_ms()
    for b in b"stax\x7ftus\x08s\r\n":
        r.ctl.byte(b, now)
    assert b"".join(echoed) == b"stax\b \btus\b \bs\r\n"
    assert r.out[-1].startswith("OK time="), r.out  # `status`: the typo was taken back
    echoed.clear()
    r.ok("echo off")
    assert b"".join(echoed) == b"echo off\r\n"  # shown up to the line that turned it off
    echoed.clear()
    r.ok("status")
    assert echoed == []


def test_echo_shows_a_byte_that_is_not_printable_as_a_question_mark():
    echoed = []
    r = Rig()
    r.ctl.echo = echoed.append
    r.ok("echo on")
    echoed.clear()
    now = r.board.clock.now_ms()
    for b in b"st\x01\r":
        r.ctl.byte(b, now)
    assert b"".join(echoed) == b"st?\r\n"
    assert r.out[-1].startswith("ERR 73 "), r.out
