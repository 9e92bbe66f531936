"""store/snapshot.py and pump/restart.py: what a restored pump knows, and that every
unknown counts against delivery: past boluses and doses as recent as they can be, boluses
refused until the time is confirmed, basal resumed only by the drug's policy."""
from builders import (case1_pump, case3_pump, case1_rx, filled_pump, HOUR_MS, DAY_MS, MCG,
                      START_MS)
from check import raises
from hal.sim.motor import SimMotor
from store import snapshot
from pump.errors import E_CRITICAL, E_LOCKOUT, E_DAILY_MAX
from pump.restart import resumes
from pump.rig import bench_rig, Rig


def restored(pump, now_ms=0, bound=None, extra=b""):
    m = SimMotor()
    new, got = snapshot.restore(snapshot.save(pump, extra), pump.rig, m, now_ms, bound)
    assert got == extra
    return new


def with_boluses(hours, presses):
    """Case 1 run for `hours`, pressing at each hour in `presses` (granted or not)."""
    pump = case1_pump()
    t = START_MS
    for h in range(hours):
        t += HOUR_MS
        pump.advance(t)
        if h in presses:
            pump.request_bolus(t)
    return pump, t


def test_the_counts_and_totals_come_back_exactly():
    pump, t = with_boluses(10, (1, 4))
    pump.advance(t + 1000)
    new = restored(pump, 5)
    assert new.reservoir.volume_vu == pump.reservoir.volume_vu
    assert new.delivered == pump.delivered
    assert new.steps_issued == pump.steps_issued
    assert new.tubing.segments == pump.tubing.segments
    assert new.rx.drugs == pump.rx.drugs and new.rx.schedule.steps == pump.rx.schedule.steps
    assert new.status()["boluses_24h"] == 2
    assert new.integ.acc == pump.integ.acc


def test_a_restore_raises_restart_and_clock_and_clonidine_resumes_basal():
    pump, t = with_boluses(3, ())
    new = restored(pump)
    assert new.alarms.is_active("restart") and new.alarms.is_active("clock")
    assert new.sm.state == "running"


def test_a_mix_without_a_resume_drug_stays_stopped_with_the_restart_alarm():
    pump = case3_pump()
    pump.advance(START_MS + HOUR_MS)
    new = restored(pump)
    assert new.sm.state == "stopped"
    assert new.alarms.is_active("restart")
    assert not resumes(new.rx)


def test_suspended_stays_suspended_and_a_stop_alarm_stays_in_alarm():
    pump = case1_pump()
    pump.suspend(START_MS + 1000)
    assert restored(pump).sm.state == "suspended"
    pump = case1_pump()
    pump.fault("stall", START_MS + 1000)
    new = restored(pump)
    assert new.sm.state == "alarm" and new.alarms.is_active("stall")


def test_a_staged_refill_is_dropped_and_the_pump_stands_stopped():
    pump = filled_pump(case1_rx())
    pump.refill(10_000_000, None, 1000)
    new = restored(pump)
    assert new.sm.state == "stopped" and new.pending is None
    assert new.reservoir.volume_vu == pump.reservoir.volume_vu


def test_times_come_back_as_ages_so_no_lost_time_frees_a_bolus():
    # Seven boluses, the last granted an hour before the save. However long the board was
    # off, the restored pump counts all seven and the lockout as if no time had passed.
    pump, t = with_boluses(16, (0, 2, 4, 6, 8, 10, 14))
    assert pump.status()["boluses_24h"] == 7
    new = restored(pump, now_ms=12_345)
    assert new.status()["boluses_24h"] == 7
    assert new.history.lockout_left_ms(12_345, HOUR_MS) == 0
    assert new.history.next_count_slot_ms(12_345, 7) == \
        pump.history.next_count_slot_ms(pump.t, 7)


def test_boluses_are_refused_until_the_time_is_confirmed_then_follow_the_rules():
    pump, t = with_boluses(4, (0, 2))
    new = restored(pump)
    err = raises(E_CRITICAL, new.request_bolus, 1000)
    assert err.values == ("clock",)
    new.confirm_time(10 * HOUR_MS, 2000)
    assert not new.alarms.is_active("clock")
    assert new.request_bolus(3000) == 30 * MCG


def test_the_lockout_survives_a_restore():
    pump, t = with_boluses(3, (2,))  # granted at the save's instant
    new = restored(pump)
    new.confirm_time(0, 1000)
    raises(E_LOCKOUT, new.request_bolus, 2000)
    new.advance(HOUR_MS)
    assert new.request_bolus(HOUR_MS) == 30 * MCG


def test_the_daily_maximum_survives_a_restore():
    pump, t = with_boluses(15, (0, 2, 4, 6, 8, 10, 12))
    new = restored(pump)
    new.confirm_time(0, 2 * HOUR_MS)
    new.advance(3 * HOUR_MS)
    raises(E_DAILY_MAX, new.request_bolus, 3 * HOUR_MS)


def test_the_rolling_day_holds_at_least_the_dose_it_held_before():
    pump, t = with_boluses(20, (0, 5, 9))
    new = restored(pump, now_ms=777)

    def last_day(p, now):
        return p.ledger.cum_at(now) - p.ledger.cum_at(now - DAY_MS)
    assert last_day(new, 777) >= last_day(pump, pump.t)
    assert last_day(new, 777) - last_day(pump, pump.t) < new.integ.den  # no more than that


def test_steps_the_lease_allows_beyond_the_snapshot_are_charged():
    pump, t = with_boluses(5, ())
    new = restored(pump, bound=pump.steps_issued + 5)
    rig = pump.rig
    assert new.steps_issued == pump.steps_issued + 5
    assert new.reservoir.volume_vu == pump.reservoir.volume_vu - 5 * rig.step_num
    extra_dose = new.ledger.cum_at(0) - pump.ledger.cum_at(pump.t)
    assert extra_dose >= 5 * new.integ.den
    assert new.delivered_ng() > pump.delivered_ng()


def test_a_lease_below_the_snapshot_charges_nothing():
    pump, t = with_boluses(5, ())
    new = restored(pump, bound=3)
    assert new.steps_issued == pump.steps_issued
    assert new.reservoir.volume_vu == pump.reservoir.volume_vu


def test_the_restored_pump_delivers_at_the_prescribed_rate():
    pump, t = with_boluses(6, ())
    new = restored(pump)
    s0 = new.steps_issued
    new.advance(DAY_MS)
    # 700 ug/day at 1 mg/mL is 0.7 mL/day: 500 steps of 1.4 uL
    assert 499 <= new.steps_issued - s0 <= 501


def test_every_truncation_of_a_payload_is_a_snapshot_error():
    pump, t = with_boluses(4, (1,))
    payload = snapshot.save(pump)
    for k in range(len(payload)):
        try:
            snapshot.restore(payload[:k], pump.rig, SimMotor(), 0)
        except snapshot.SnapshotError:
            continue
        raise AssertionError("a payload cut at %d restored" % k)


def test_an_unknown_drug_or_alarm_name_is_a_snapshot_error():
    pump, t = with_boluses(2, ())
    pump.fault("battery_eri", t)
    payload = snapshot.save(pump)
    for old, new in ((b"clonidine", b"clonidinx"), (b"battery_eri", b"battery_xx_")):
        bad = payload.replace(old, new)
        assert bad != payload
        try:
            snapshot.restore(bad, pump.rig, SimMotor(), 0)
        except snapshot.SnapshotError:
            continue
        raise AssertionError("restored with " + str(new))


def test_a_snapshot_from_another_rig_is_refused():
    pump, t = with_boluses(2, ())
    r = bench_rig()
    other = Rig(r.step_num + 1, r.step_den, r.capacity_nl, r.dead_volume_nl,
                r.bolus_nl_per_min, r.prime_nl_per_min, r.min_flow_nl_per_day)
    try:
        snapshot.restore(snapshot.save(pump), other, SimMotor(), 0)
    except snapshot.SnapshotError:
        return
    raise AssertionError("restored onto another rig")
