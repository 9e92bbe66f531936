"""store/persist.py: boot restores or reports, saves come on events and every so many
steps, and a granted bolus is on flash before its first step."""
from builders import case1_rx, START_MS, HOUR_MS
from hal.sim.motor import SimMotor
from pump.rig import bench_rig
from store.persist import Persist
from store.record import encode
from store.sim_flash import SimFlash
from store.slots import FRESH, CLEAN, LOST, ODD
from store_helpers import persisted, run, reboot, FailingFlash


def test_a_first_boot_is_unprogrammed_with_no_alarm():
    p = Persist(SimFlash())
    pump = p.boot(bench_rig(), SimMotor(), 0)
    assert pump.sm.state == "unprogrammed" and pump.alarms.active() == []
    assert p.reports == (FRESH, FRESH)


def test_a_reboot_restores_the_state_and_reports_clean():
    flash = SimFlash()
    p, pump = persisted(case1_rx(), flash)
    run(p, pump, START_MS, 5 * HOUR_MS)
    p2, again = reboot(flash)
    assert p2.reports == (CLEAN, CLEAN)
    assert again.reservoir.volume_vu == pump.reservoir.volume_vu
    assert again.steps_issued == pump.steps_issued
    assert again.alarms.active() == ["clock", "restart"]
    assert [m for _, m in p2.log.last(2)][-1].endswith(b"boot state=clean lease=clean")


def test_unreadable_state_files_boot_unprogrammed_with_memory_and_restart():
    flash = SimFlash({"state.a": b"\x00" * 30, "state.b": b"junk"})
    p = Persist(flash)
    pump = p.boot(bench_rig(), SimMotor(), 0)
    assert p.reports[0] == LOST
    assert pump.sm.state == "unprogrammed"
    assert pump.alarms.is_active("memory") and pump.alarms.is_active("restart")


def test_a_foreign_record_is_reported_with_memory_but_the_good_state_is_used():
    flash = SimFlash()
    p, pump = persisted(case1_rx(), flash)
    run(p, pump, START_MS, HOUR_MS)
    p.slots.load()
    other = p.slots.names[1 - p.slots.index]
    flash.files[other] = encode(b"IPST", 99, p.slots.seq + 1, b"a layout from a newer firmware")
    p2, again = reboot(flash)
    assert p2.reports[0] == ODD
    assert again.alarms.is_active("memory") and again.sm.state == "alarm"
    assert again.reservoir.volume_vu == pump.reservoir.volume_vu


def test_saves_come_on_events_and_every_so_many_steps_not_every_pass():
    flash = SimFlash()
    p, pump = persisted(case1_rx(), flash, {"every": 100, "every_ms": 100 * HOUR_MS})
    before = p.slots.seq
    steps = pump.steps_issued
    run(p, pump, START_MS, START_MS + 12 * HOUR_MS)  # ~250 steps, no event
    made = p.slots.seq - before
    assert (pump.steps_issued - steps) // 100 <= made <= (pump.steps_issued - steps) // 100 + 1
    pump.suspend(pump.t)
    assert p.tick(pump) and not p.tick(pump)


def test_a_quiet_pump_is_saved_every_ten_minutes_so_its_clock_reads_back_close():
    flash = SimFlash()
    p, pump = persisted(case1_rx(), flash)
    pump.suspend(pump.t)  # no steps, no events: only time passes
    p.tick(pump)
    before = p.slots.seq
    run(p, pump, pump.t, pump.t + HOUR_MS)
    assert p.slots.seq - before == 6
    _, again = reboot(SimFlash(flash.files))
    assert pump.t + pump.wall_offset_ms - (again.t + again.wall_offset_ms) < 600_000


def test_a_save_that_fails_raises_memory_and_stops_delivery():
    p = Persist(FailingFlash())
    pump = p.boot(bench_rig(), SimMotor(), 0)
    pump.program(case1_rx(), 0)
    assert p.save(pump) is False
    assert pump.alarms.is_active("memory")
    assert p.failures == 1


def test_a_boards_lease_runs_a_microlitre_ahead_on_small_steps_and_not_on_big_ones():
    from store.persist import LEASE_NL, lease_chunk
    assert LEASE_NL == 1000
    assert lease_chunk(1400) == 0  # 60 mL syringe: every move commits, as before
    assert lease_chunk(1000) == 0 and lease_chunk(999) == 0  # two steps would pass 1 uL
    assert lease_chunk(5) == 199  # 1 mL on an M5 rod: (199 + 1) x 5 nL = 1 uL
    for step in (1, 2, 5, 37, 333, 1000, 5000):
        assert (lease_chunk(step) + 1) * step <= max(LEASE_NL, step)
    for bad in (0, -1, 1.5, None):
        try:
            lease_chunk(bad)
        except ValueError:
            continue
        raise AssertionError(bad)
