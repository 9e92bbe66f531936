"""`calibrate` on the console: a run at the rig's prime speed through the guarded motor, the
weighed volume, the factor stored in the board config and a reboot asked for; refused for
the patient, with a prescription, with no config to write, beyond +-10 %, and ended with no
factor by a fault. The step guard allows the run and nothing more. Runs under pytest and
MicroPython."""
from calibrate_bench import Bench, config_text
from safety.limits import prime_only
from console_fakes import CASE1_LINES, events, kv
from hal.board_config import load
from pump.errors import (E_CAL_BUSY, E_CAL_CONFIG, E_CAL_FACTOR, E_CAL_NONE, E_CAL_SMALL,
                         E_CAL_STATE, E_CRITICAL, E_RANGE, E_ROLE, E_USAGE)

MIN_MS = 60_000
HOUR_MS = 3_600_000
STEPS = 2000  # ~2.8 mL on the 60 mL rig: 56 min at its 50 uL/min prime speed


def _run_to_done(b, steps=STEPS):
    r = kv(b.ok("calibrate run %d" % steps))
    reply = b.ok("sim advance %dms" % int(r["ms"]))
    assert "calibrate-done steps=%d" % steps in " ".join(events(reply)), reply
    b.ok("sim advance 1m")  # the line drains onto the balance
    b.login()  # the session ended during the run (15 min idle); the run went on
    return int(kv(b.ok("sim balance"))["balance_nl"])


def test_a_bore_2_3_percent_wide_is_found_stored_and_a_reboot_asked_for():
    b = Bench(true_ppm=1_023_000).ready()
    weighed = _run_to_done(b)
    assert b.world.pushed == STEPS
    r = kv(b.ok("calibrate weighed %dnL" % weighed))
    assert r["old_ppm"] == "1000000" and abs(int(r["new_ppm"]) - 1_023_000) <= 1, r
    assert r["steps"] == str(STEPS) and r["reboot"] == "calibrated"
    assert r["step_nl"] == "1432"  # 1399.76 nL x 1.023, rounded up as `! ready` shows it
    assert abs(int(r["step_pl"]) - 1_431_951) <= 2  # 5061519/3616 nL x 1.023, in pL
    assert b.dev.reboot == "calibrated" and b.store.writes == 1
    assert load(b.store.text).calibration_ppm == int(r["new_ppm"])
    # One number changed, the builder's layout kept.
    old, new = config_text().split("\n"), b.store.text.split("\n")
    assert len(old) == len(new)
    changed = [i for i in range(len(old)) if old[i] != new[i]]
    assert len(changed) == 1 and "calibration_ppm" in new[changed[0]]


def test_the_run_goes_at_the_prime_speed_and_does_not_block_the_loop():
    b = Bench().ready()
    r = kv(b.ok("calibrate run %d" % STEPS))
    assert r["volume_nl"] == str(STEPS * b.rig.step_num // b.rig.step_den)
    assert b.world.pushed == 0  # the reply comes before any step
    b.ok("sim advance 10m")
    # 10 min at 50 uL/min of 1399.76 nL steps: floor(500000 / 1399.76) = 357.
    assert b.world.pushed == 500_000 * b.rig.step_den // b.rig.step_num == 357
    assert not b.board.motor.enabled  # on only for each batch
    b.err("calibrate weighed 0.5mL", E_CAL_BUSY)
    b.err("calibrate run 3000", E_CAL_BUSY)
    assert kv(b.ok("status"))["state"] == "unprogrammed"
    assert not b.dev.interruptible()  # unprogrammed, but the motor moves: no Ctrl-C
    b.ok("calibrate cancel")
    assert b.dev.interruptible()


def test_units_are_parsed_as_elsewhere_and_a_typo_can_be_weighed_again():
    b = Bench(true_ppm=1_000_000).ready()
    _run_to_done(b)
    b.err("calibrate weighed 2.8", 11)  # no unit
    b.err("calibrate weighed 0.5nL", 12)  # not a whole nL
    b.err("calibrate weighed 3.3mL", E_CAL_FACTOR)  # +18 %: a misassembled rig
    assert b.store.writes == 0 and b.dev.reboot is None
    r = kv(b.ok("calibrate weighed 2.7995mL"))  # 2000 x 1399.76 nL = 2.79951 mL
    assert abs(int(r["new_ppm"]) - 1_000_000) <= 10


def test_only_a_clinician_and_only_without_a_prescription():
    b = Bench()
    b.ok("sim fill 50mL")
    b.err("calibrate run 2000", E_ROLE)
    b.login()
    b.err("calibrate", E_USAGE)
    b.err("calibrate run", E_USAGE)
    b.err("calibrate jog 2000", E_USAGE)
    for line in CASE1_LINES:
        b.ok(line)
    assert kv(b.ok("status"))["state"] == "stopped"
    reply = b.err("calibrate run 2000", E_CAL_STATE)
    assert "stopped" in reply[-1]
    b.err("calibrate weighed 2mL", E_CAL_STATE)
    assert b.world.pushed == 0


def test_runs_too_small_to_weigh_or_bigger_than_the_syringe_are_refused():
    b = Bench().ready()
    b.err("calibrate run 71", E_CAL_SMALL)  # 99 uL
    b.err("calibrate run 0", E_RANGE)
    b.err("calibrate run 42865", E_RANGE)  # 60.0003 mL in a 60 mL syringe
    b.err("calibrate weighed 1mL", E_CAL_NONE)
    b.err("calibrate cancel", E_CAL_NONE)
    b.ok("calibrate run 72")  # 100.78 uL


def test_without_a_config_on_flash_nothing_runs_and_nothing_is_stored():
    b = Bench(store=False).ready()
    b.err("calibrate run 2000", E_CAL_CONFIG)
    assert b.world.pushed == 0


def test_a_failed_write_or_a_changed_file_stores_nothing_and_asks_no_reboot():
    b = Bench().ready()
    weighed = _run_to_done(b)
    b.store.fail = True
    assert "write failed" in b.err("calibrate weighed %dnL" % weighed, E_CAL_CONFIG)[-1]
    b.store.fail = False
    good = b.store.text
    b.store.text = good.replace('"lead_um": 8000', '"lead_um": 2000')
    assert "changed" in b.err("calibrate weighed %dnL" % weighed, E_CAL_CONFIG)[-1]
    b.store.text = "{"
    assert "unreadable" in b.err("calibrate weighed %dnL" % weighed, E_CAL_CONFIG)[-1]
    assert b.store.writes == 0 and b.dev.reboot is None
    b.store.text = good
    b.ok("calibrate weighed %dnL" % weighed)
    assert b.store.writes == 1 and b.dev.reboot == "calibrated"


def test_the_end_stop_ends_the_run_with_an_event_and_no_factor():
    b = Bench(true_ppm=1_000_000).ready(fill="1mL")  # 714 steps of water, 2000 asked
    b.ok("calibrate run 2000")
    reply = b.ok("sim advance 1h")
    failed = events(reply, "calibrate-failed")
    assert failed and failed[0].startswith("calibrate-failed fault=end_stop steps=714"), reply
    assert not events(reply, "calibrate-done")
    assert b.world.pushed == 714
    b.login()
    b.err("calibrate weighed 0.99mL", E_CAL_NONE)
    assert b.store.writes == 0


def test_a_stall_ends_the_run_and_cancel_stops_one():
    b = Bench().ready()
    b.ok("calibrate run 2000")
    b.ok("sim advance 10m")
    b.ok("sim fault stall")
    reply = b.ok("sim advance 1m")
    assert events(reply, "calibrate-failed")[0].startswith("calibrate-failed fault=stall")
    b.ok("sim clear stall")
    b.ok("calibrate run 2000")
    b.ok("sim advance 10m")
    pushed = b.world.pushed
    assert kv(b.ok("calibrate cancel"))["cancelled"] == "1"
    b.ok("sim advance 1h")
    assert b.world.pushed == pushed


def test_a_prescription_programmed_mid_run_ends_it_at_once():
    b = Bench().ready()
    b.ok("calibrate run 2000")
    b.ok("sim advance 10m")
    for line in CASE1_LINES:
        b.ok(line)
    pushed = b.world.pushed
    reply = b.ok("sim advance 1m")
    assert events(reply, "calibrate-failed")[0].startswith(
        "calibrate-failed state=stopped"), reply
    b.ok("sim advance 1h")
    assert b.world.pushed == pushed


def test_the_guard_allows_the_run_and_stops_a_runaway_past_it():
    b = Bench().ready()
    base_h, base_d = prime_only(b.rig)
    assert (b.guard.max_hour, b.guard.max_day) == (base_h, base_d)
    b.ok("calibrate run 2000")
    assert (b.guard.max_hour, b.guard.max_day) == (2000, 2000)  # the run and nothing else
    b.ok("sim advance 10m")
    # A runaway: every step the run may still issue, and one step more.
    left = 2000 - b.world.pushed
    now = b.clock.now_ms()
    assert b.guard.allows(now, left) and not b.guard.allows(now, left + 1)
    b.dev.safety.enable(True)
    assert b.dev.safety.move_water(left + 1) == 0
    assert b.guard.tripped and not b.board.motor.enabled
    reply = b.ok("sim advance 1m")
    assert events(reply, "calibrate-failed")[0].startswith("calibrate-failed alarm=guard")
    assert "guard" in kv(b.ok("status"))["alarms"]
    b.err("calibrate run 2000", E_CRITICAL)
    b.ok("ack guard")
    assert not b.guard.tripped


def test_the_allowance_leaves_the_guard_windows_with_the_steps_it_covers():
    b = Bench().ready()
    base_h, base_d = prime_only(b.rig)
    _run_to_done(b)
    # Done: the run's 2000 steps are counted, and allowed, for as long as they are counted.
    assert b.guard.hour.total(b.clock.now_ms()) == 2000
    assert (b.guard.max_hour, b.guard.max_day) == (base_h + 2000, base_d + 2000)
    b.ok("sim advance 2h")
    assert b.guard.hour.total(b.clock.now_ms()) == 0
    assert (b.guard.max_hour, b.guard.max_day) == (base_h, base_d + 2000)
    # A prescription now: its own limits, plus the water still in the day window.
    b.login()
    for line in CASE1_LINES:
        b.ok(line)
    rx_h, rx_d = b.dev.safety.limits.limits
    assert (b.guard.max_hour, b.guard.max_day) == (rx_h, rx_d + 2000)
    b.ok("sim advance 24h")
    assert b.guard.day.total(b.clock.now_ms()) == 0
    assert (b.guard.max_hour, b.guard.max_day) == (rx_h, rx_d)


def test_a_run_after_a_reset_is_allowed_its_steps_over_what_the_guard_restored():
    b = Bench().ready()
    # Steps the guard counted before a reset, of which the fresh console knows nothing.
    b.guard.record(b.clock.now_ms(), 3000)
    _run_to_done(b)
    assert b.world.pushed == STEPS


def test_the_water_is_never_charged_as_drug_by_the_stores_lease():
    from store.persist import Persist
    from store.sim_flash import SimFlash
    b = Bench(persist=Persist(SimFlash())).ready()
    lease = b.dev.store.motor
    _run_to_done(b)
    assert b.world.pushed == STEPS and b.guard.day.total(b.clock.now_ms()) == STEPS
    # The lease bounds the pump's own steps; a bound raised by water would be charged as
    # delivered drug after a power cut.
    assert b.dev.pump.steps_issued == 0 and lease.issued == 0 and lease.bound == 0


def test_after_a_reset_a_prescription_is_not_charged_for_the_calibrations_water():
    from store.persist import Persist
    from store.sim_flash import SimFlash
    flash = SimFlash()
    b = Bench(persist=Persist(flash)).ready()
    _run_to_done(b)  # 57 min: the quiet pump is saved meanwhile, the guard's counts with it
    b.ok("calibrate cancel")
    b = Bench(persist=Persist(SimFlash(flash.files))).ready()  # a power cut: clock at 0
    assert b.guard.day.total(0) > 0  # the water is still counted after the reset...
    for line in ("time 2026-01-01T00:00:00",) + CASE1_LINES + ("refill 40mL", "confirm",
                                                               "prime 150uL"):
        b.ok(line)
    reply = b.ok("sim advance 10m")
    assert events(reply, "primed") and not events(reply, "alarm"), reply
    b.login()
    b.ok("start")
    reply = b.ok("sim advance 2h")
    assert not events(reply, "alarm"), reply  # ...and excused, as before the reset


def test_sim_fill_and_balance_are_refused_where_the_sim_lacks_them():
    from console_fakes import Board
    fake = Board()
    fake.err("sim balance", E_USAGE)
    fake.err("sim fill 1mL", E_USAGE)
    b = Bench()
    b.err("sim balance tare now", E_USAGE)
    b.err("sim fill 0mL", E_RANGE)
    assert kv(b.ok("sim balance"))["balance_nl"] == "0"


def test_the_saved_counter_is_small_and_never_outlasts_the_steps_it_excuses():
    from safety import counts as saved
    from safety.step_guard import StepGuard
    from store.codec import Reader, Writer
    real = StepGuard(0, 0)
    t = 0
    for minute in range(20 * 60):  # a 20 h calibration (56 mL at 50 uL/min), every minute
        t = minute * MIN_MS + 7
        real.record(t, 30 + minute % 7)
    _, hour, day = real.dump(t)
    w = Writer()
    saved._groups(w, hour)
    saved._groups(w, day)
    data = w.result()
    assert len(data) < 80  # beside ~700 bytes of the guard's own counts, under 1 KB
    r = Reader(data)
    back = StepGuard(0, 0)
    back.load(t, False, saved._read_groups(r), saved._read_groups(r))
    assert back.hour.total(t) == real.hour.total(t) and back.day.total(t) == real.day.total(t)
    for later in range(0, 26 * 60, 7):
        now = t + later * MIN_MS
        assert back.hour.total(now) <= real.hour.total(now)
        assert back.day.total(now) <= real.day.total(now)
