"""The independent step guard: it counts the steps really issued over a rolling hour and
24 h and stops the motor past the limits, whatever the scheduler believes. Runs under
pytest and MicroPython."""
from builders import CASE1_FLEX, DAY_MS, HOUR_MS, MIN_MS, case1_rx
from hal.sim.motor import SimMotor
from safety.channel import SafetyChannel
from safety.step_guard import StepGuard, limits_for, steps_allowed
from pump import drugs as dt
from pump.errors import PumpError
from pump.limits import guard_ng
from pump.prescription import Bolus, Prescription
from pump.pump import Pump
from pump.rig import bench_rig
from pump.schedule import BasalSchedule


class _Clock:
    def __init__(self):
        self.t = 0

    def now_ms(self):
        return self.t


class _PumpClock:
    """The guard reads the time of the pump it watches (the board reads its own clock)."""

    def __init__(self):
        self.pump = None

    def now_ms(self):
        return self.pump.t


def _guarded_case1(rx=None):
    rig = bench_rig()
    rx = case1_rx(CASE1_FLEX) if rx is None else rx
    clock = _PumpClock()
    motor = SimMotor()
    channel = SafetyChannel(motor, rig, clock)
    guard = channel.guard
    pump = Pump(rig, channel)
    clock.pump = pump
    pump.program(rx, 0)
    channel.follow(pump, 0)  # the limits from the prescription, as the device sets them
    assert (guard.max_hour, guard.max_day) == limits_for(*guard_ng(rx), rx.drugs[0][1], rig)
    pump.refill(rx.capacity_nl, None, 0)
    pump.confirm(0)
    pump.prime(rig.dead_volume_nl, 0)
    channel.follow(pump, 0)  # the device follows after every command: the prime's fill
    pump.start(5 * MIN_MS)
    return pump, guard, motor


def test_steps_allowed_is_the_limit_in_whole_steps_rounded_down():
    # 10 mg of hydromorphone at 1 mg/mL is 10 mL: 7142 whole steps of 1.4 uL.
    assert steps_allowed(10_000_000, 1_000_000, 1400, 1) == 7142


def test_the_guard_allows_an_hour_plus_one_bolus_and_a_day_plus_one_hour_in_dose():
    """Was: a slack of a 5-minute bucket at the rig's top speed plus the dead volume, in
    volume: 400 uL on the 60 mL rig, 4.4 hourly limits of hydromorphone at 15 mg/mL."""
    rig = bench_rig()  # 1.4 uL steps
    rx = Prescription((("hydromorphone", 15_000_000),), BasalSchedule(((0, 1_000_000),)),
                      None, 40_000_000, 0, rig)
    row = dt.lookup("hydromorphone")
    hour_ng = row[dt.F_MAX_HOURLY] + row[dt.F_MAX_CLINICIAN_BOLUS]
    day_ng = row[dt.F_MAX_DAILY] + row[dt.F_MAX_HOURLY]
    assert guard_ng(rx) == (hour_ng, day_ng)
    hour, day = limits_for(hour_ng, day_ng, 15_000_000, rig)
    assert (hour, day) == (hour_ng * 1000 // (15_000 * 1400), day_ng * 1000 // (15_000 * 1400))
    assert hour * 1400 * 15_000 // 1000 <= hour_ng  # never a step over, in dose


def test_a_week_of_case1_with_every_bolus_never_trips_the_guard():
    pump, guard, motor = _guarded_case1()
    t = 5 * MIN_MS
    for _ in range(7 * 24):
        t += HOUR_MS
        pump.advance(t)
        try:
            pump.request_bolus(t)
        except PumpError:  # refusals are the pump's business; the guard must stay quiet
            pass
    assert not guard.tripped
    assert pump.sm.state in ("running", "bolusing")
    assert motor.total > 0


def test_a_prescription_close_to_the_daily_limit_never_trips_the_guard():
    # Hydromorphone at 1 mg/mL: 9.6 mg/day basal + 7 x 50 ug = 9.95 of the 10 mg limit.
    rx = Prescription((("hydromorphone", 1_000_000),), BasalSchedule(((0, 9_600_000),)),
                      Bolus(50_000, HOUR_MS, 7), 40_000_000, 2_000_000, bench_rig())
    pump, guard, motor = _guarded_case1(rx)
    t = 5 * MIN_MS
    granted = 0
    for _ in range(3 * 24):
        t += HOUR_MS
        pump.advance(t)
        try:
            pump.request_bolus(t)
            granted += 1
        except PumpError:
            pass
    assert granted >= 3 * 7 - 1
    assert not guard.tripped
    assert pump.sm.state in ("running", "bolusing")


def test_a_runaway_scheduler_is_stopped_by_the_guard_alone():
    pump, guard, motor = _guarded_case1()
    # A scheduler bug: from the hour on, the pump believes in 100x the flow, its dose
    # record and so its plan check included. (A rate the integrator alone believed in
    # would be refused by the plan check before a step: test_pump_plan.py.)
    sched = pump.rx.schedule
    sched.rates = tuple(100 * r for r in sched.rates)
    pump.advance(HOUR_MS)
    pump.advance(3 * HOUR_MS)
    assert guard.tripped
    assert pump.sm.state == "alarm"
    assert "guard" in pump.alarms.active()
    assert not motor.enabled
    stopped_at = motor.total
    pump.advance(4 * HOUR_MS)
    assert motor.total == stopped_at  # nothing more moved


def test_a_tripped_guard_keeps_the_driver_disabled_until_reset():
    motor = SimMotor()
    clock = _Clock()
    gm = SafetyChannel(motor, bench_rig(), clock)
    guard = gm.guard
    guard.set_limits(10, 100)
    gm.enable(True)
    assert gm.move(10) == 10
    assert gm.move(1) == 0
    assert gm.fault() == "guard"
    gm.enable(True)
    assert not motor.enabled
    guard.reset()
    gm.enable(True)
    assert motor.enabled


def test_the_hour_window_forgets_after_an_hour_and_its_edge_bucket_counts_whole():
    guard = StepGuard(10, 1000)
    guard.record(0, 10)
    assert not guard.allows(HOUR_MS + 59_999, 1)  # the minute of t=0 is still on the edge
    assert guard.allows(HOUR_MS + 60_000, 10)


def test_the_day_window_holds_what_the_hour_window_forgot():
    guard = StepGuard(1000, 15)
    guard.record(0, 10)
    assert guard.allows(2 * HOUR_MS, 5)
    assert not guard.allows(2 * HOUR_MS, 6)
    assert guard.allows(DAY_MS + 5 * MIN_MS, 15)


def test_a_long_silence_clears_every_bucket():
    guard = StepGuard(10, 10)
    guard.record(1_000, 10)
    assert guard.allows(400 * DAY_MS, 10)


def test_asking_changes_no_count():
    guard = StepGuard(10, 10)
    guard.record(0, 4)
    for _ in range(5):
        assert guard.allows(1_000, 6)
    assert not guard.allows(1_000, 7)


def test_the_kept_total_is_always_the_sum_of_the_buckets():
    # The windows keep their sum as buckets fill and roll out (safety/step_guard.py); a
    # sum that drifted from the buckets would let a runaway past the limit. Irregular
    # times, gaps of a whole window and more, and a restore in the middle.
    g = StepGuard(10 ** 9, 10 ** 9)
    t = 0
    seed = 12345
    for i in range(3000):
        seed = (seed * 1103515245 + 12345) % 2147483648
        kind = seed % 10
        if kind == 9:
            t += (seed >> 8) % (2 * DAY_MS)  # sometimes longer than a day
        else:
            t += (seed >> 8) % (7 * MIN_MS)
        g.record(t, (seed >> 4) % 5)
        if i == 1500:
            _, hour, day = g.dump(t)
            g = StepGuard(10 ** 9, 10 ** 9)
            g.load(t + MIN_MS, False, hour, day)
            t += MIN_MS
        for w in (g.hour, g.day):
            assert w.total(t) == sum(w.counts), (i, t)
