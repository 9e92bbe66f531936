"""Simulated time that jumps (issue 17, item 9): `sim advance` only asks, the controller
walks the time, passing only at the minute marks where a pass has work, and the result is
the sliced walk's (a pass at every mark). tests/host/test_jump_differential.py compares
the two walks over every scripted scenario. Runs under pytest and MicroPython."""
from app import auth
from app.controller import WatchdogReset
from app.sim_hooks import next_pass, last_mark_before, MARK_MS
from console_fakes import Board, events, kv, running
from loop_rig import LoopRig
from pump.forecast import low_alarm_eta_ms
from store.sim_flash import SimFlash

DAY_MS = 86_400_000
CASE1 = ("pin 2468", "login 2468", "time 2026-01-01T07:00:00",
         "drug hydromorphone 1000ug/mL ropivacaine 2500ug/mL clonidine 75ug/mL",
         "basal 00:00=600ug/d 08:00=800ug/d 20:00=700ug/d", "ptm 30ug lockout=1h max=7",
         "capacity 40mL", "reservoir-alarm 2mL", "refill 40mL", "confirm", "prime 150uL",
         "sim advance 10m", "start")


def rig(sliced=False, flash=None, fill="40mL"):
    r = LoopRig(flash)
    r.hooks.sliced = sliced
    for line in CASE1:
        r.ok(line.replace("40mL", fill) if line.startswith("refill") else line)
    return r


def test_the_next_pass_is_the_first_minute_mark_at_or_after_what_is_due():
    end = 150_000
    assert next_pass(0, 0, end, None) == end  # nothing due: straight to the end
    assert next_pass(0, 0, end, 0) == 60_000  # due at once: the next mark
    assert next_pass(0, 0, end, 30_000) == 60_000
    assert next_pass(0, 0, end, 60_000) == 60_000
    assert next_pass(0, 0, end, 60_001) == 120_000
    assert next_pass(0, 0, end, 10 ** 9) == end  # never past the end
    assert next_pass(5, 5, 10 ** 6, 70_000) == 120_005  # marks count from the start
    # Sliced: every mark, whatever is due; a clock a little past a mark goes to the next.
    assert next_pass(60_000, 0, end, None, True) == 120_000
    assert next_pass(120_000, 0, end, 10 ** 9, True) == end
    assert next_pass(60_010, 0, 10 ** 6, None, True) == 120_000


def test_the_last_mark_a_walk_skipped():
    assert last_mark_before(0, 180_000, 0) == 120_000
    assert last_mark_before(0, 150_000, 0) == 120_000  # before an end between marks
    assert last_mark_before(0, 60_000, 0) is None
    assert last_mark_before(60_000, 120_000, 0) is None


def test_sim_advance_only_asks_and_moves_no_time_until_the_loop_walks_it():
    b = Board()
    reply = b.con.handle("sim advance 1h")  # the console alone: no loop to walk it
    assert reply[-1] == "OK advanced_ms=3600000 time=1970-01-01T01:00:00"
    assert b.clock.now_ms() == 0 and b.dev.pump.t == 0
    assert b.sim.asked() == 3_600_000 and b.sim.asked() == 0  # taken once


def test_what_the_device_says_is_due_next():
    b = Board()
    # Nothing programmed, no session, no store: the day's end, when its activity closes
    # (app/activity.py).
    assert b.dev.next_due(0) == DAY_MS
    b.login()
    assert b.dev.next_due(0) == 900_000  # the session's end
    r = running()
    pump = r.dev.pump
    now = r.clock.now_ms()
    assert r.dev.next_due(now) == pump.t + pump.ms_to_next_step()
    r.ok("logout")
    r.ok("sim advance 3d")
    assert r.dev.pump.t == now + 3 * DAY_MS
    assert r.dev.next_due(r.clock.now_ms()) > r.clock.now_ms()


def test_a_month_of_case1_passes_at_its_steps_and_schedule_not_at_43200_marks():
    r = rig()
    r.ok("logout")
    steps = r.ctl.pump.steps_issued
    r.ctl.jump_passes = 0
    r.ok("sim advance 30d")
    passes = r.ctl.jump_passes
    issued = r.ctl.pump.steps_issued - steps
    # A step every ~3 minutes (1.4 uL at 0.6-0.8 mL/day): a pass at each step's mark,
    # three schedule steps a day, the end; no store here, so no saves.
    assert issued > 14_000
    assert passes <= issued + 3 * 30 + 2, (passes, issued)
    assert passes < 43_200 // 2, passes
    assert r.ctl.pump.sm.state == "running"


def test_with_a_store_a_jump_reserves_its_steps_once_and_saves_at_its_end():
    flash = SimFlash()
    r = rig(flash=flash)
    r.ok("logout")
    r.ctl.jump_passes = 0
    steps = r.ctl.pump.steps_issued
    writes = flash.writes
    store = r.ctl.device.store
    r.ok("sim advance 2d")
    issued = r.ctl.pump.steps_issued - steps
    # The passes of a jump without a store (no save falls due by time or steps inside
    # it), and a handful of writes where a board makes a lease write per move and a
    # snapshot every 10 minutes (~1,300 in these two days).
    assert issued < r.ctl.jump_passes <= issued + 3 * 2 + 2
    # And at each midnight one record of the day's activity (app/activity.py), no more.
    days = [n for n in flash.files if n.startswith("days/")]
    assert len(days) == 2, days
    assert flash.writes - writes <= 4 + 2, flash.writes - writes
    # After it, the lease is back to the steps issued (its chunk beyond), not the
    # reservation, and the snapshot holds every step.
    assert store.motor.bound == r.ctl.pump.steps_issued + store.chunk
    assert not store.holding and store._steps == r.ctl.pump.steps_issued
    s = LoopRig(SimFlash())
    s.hooks.sliced = True
    for line in CASE1:
        s.ok(line)
    s.ctl.jump_passes = 0
    s.ok("sim advance 2d")
    assert s.ctl.jump_passes == 2 * 1440


def test_a_cut_inside_a_jump_charges_its_reservation_no_more_than_the_guard_allows():
    flash = SimFlash()
    r = rig(flash=flash)
    r.ok("logout")
    dev = r.ctl.device
    before = dev.pump.steps_issued
    g = dev.safety.guard
    cap = min(g.max_hour * 13, g.max_day * 1)  # 12 h: 13 hours and 1 day of windows
    from app.sim_hooks import hold_journal
    hold_journal(dev, 12 * 3_600_000)  # what a jump does first; the cut comes before its end
    reserved = dev.store.motor.bound - before
    assert 0 < reserved <= cap
    # The lease reads back the reservation: the reservoir is charged it, never less.
    files = dict(flash.files)
    up = LoopRig(SimFlash(files))
    assert up.ctl.pump.steps_issued == before + reserved


def test_both_walks_leave_the_same_guard_counts_flash_world_and_replies():
    saved = auth._salt
    auth._salt = lambda now_ms: b"fixsalt!"  # so the flash can be compared byte for byte
    try:
        boards = []
        for sliced in (False, True):
            flash = SimFlash()
            r = rig(sliced, flash)
            out = []
            for line in ("sim advance 2h", "bolus", "sim advance 61m", "sim press",
                         "sim advance 1d", "sim fault occlusion", "sim advance 12h",
                         "status"):
                out += r.send(line)
            now = r.board.clock.now_ms()
            boards.append((out, r.ctl.device.safety.guard.dump(now), dict(flash.files),
                           r.board.world.to_dict(), r.ctl.pump.steps_issued))
        event, sliced = boards
        assert event[0] == sliced[0]
        assert any(l.startswith("! alarm name=occlusion") for l in event[0])
        assert event[1] == sliced[1]  # the step guard's hour and day buckets, exactly
        assert event[2] == sliced[2]  # every record on flash
        assert event[3] == sliced[3] and event[4] == sliced[4]
    finally:
        auth._salt = saved


def test_the_pump_s_own_events_come_out_at_their_exact_ms_not_at_a_mark():
    r = rig(fill="3mL")  # the low-reservoir alarm (2 mL) a day or so on
    r.ok("sim advance 2h")
    r.ok("sim advance 17s")  # a bolus granted between marks
    r.ok("login 2468")
    granted = r.ctl.pump.t
    bolus = r.ok("bolus")
    assert kv(bolus)["dose_ng"] == "30000"
    reply = r.ok("sim advance 1h")
    done = events(reply, "bolus-done")
    assert len(done) == 1
    # 30 ug of 1 mg/mL is 30 uL; at the rig's bolus speed it ends at a time of its own.
    ms = -(-30_000 * 60_000 // r.rig.bolus_nl_per_min)
    assert done[0].endswith(_iso(r, granted + ms)), (done, granted + ms)
    # The low-reservoir alarm at the very ms forecast for it (pump/forecast.py).
    pump = r.ctl.pump
    when = pump.t + low_alarm_eta_ms(pump)
    reply = r.ok("sim advance 3d")
    low = events(reply, "alarm")
    assert low[0] == "alarm name=low_reservoir time=" + _iso(r, when), (low, when)
    assert pump.alarms.state["low_reservoir"][0] == when
    assert when % MARK_MS != r.ctl.pump.t % MARK_MS  # not a mark of the jump


def _iso(r, t):
    from console.iso_time import format_iso
    return format_iso(r.ctl.device.wall(t))


def test_a_stuck_loop_after_a_long_jump_is_still_reset_by_the_watchdog():
    r = rig(flash=SimFlash())
    r.ok("sim advance 3d")
    at = r.board.clock.now_ms()
    try:
        r.send("sim fault hang")
        reset = False
    except WatchdogReset:
        reset = True
    assert reset
    stuck = r.board.clock.now_ms() - at
    timeout = r.board.watchdog.timeout_ms
    assert timeout < stuck <= timeout + 1_000  # fed by the jump's last pass, at its end


def test_a_calibration_run_is_passed_at_every_mark_while_it_runs():
    from calibrate_bench import Bench
    b = Bench()
    b.login()
    b.ok("sim fill 50mL")
    b.ok("calibrate run 2000")
    assert b.dev.next_due(b.clock.now_ms()) == b.clock.now_ms()  # due at once, always
    rig_ = b.rig
    for minute in (1, 2, 3):
        b.ok("sim advance 1m")
        due = minute * MARK_MS * rig_.prime_nl_per_min * rig_.step_den // (
            MARK_MS * rig_.step_num)
        assert b.dev.calibration.issued == due == b.world.pushed
    reply = b.ok("sim advance 1h")
    assert events(reply, "calibrate-done")
    assert b.world.pushed == 2000
    # Done: next, the run's water leaves the guard's hour (its limits change then).
    now = b.clock.now_ms()
    assert now < b.dev.next_due(now) == b.dev.safety.limits.cal.next_exit_ms(now)
