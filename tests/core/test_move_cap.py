"""One move never outlasts the watchdog: the safety channel hands the motor at most
MOVE_MS of steps at the rig's step rate, splitting a larger batch the guard allowed whole,
and stops at the first move that falls short. Runs under pytest and MicroPython."""
from hal.pico.board import WATCHDOG_MS
from hal.sim.motor import SimMotor
from pump.prescription import Prescription
from pump.pump import Pump
from pump.rig import Rig, bench_rig
from pump.schedule import BasalSchedule
from rigs import SHIPPED, shipped
from safety.channel import MOVE_MS, SafetyChannel, move_cap


class _Clock:
    def __init__(self):
        self.t = 0

    def now_ms(self):
        return self.t


class Moves(SimMotor):
    """The simulated motor, keeping the size of every move it was handed."""

    def __init__(self):
        SimMotor.__init__(self)
        self.sizes = []

    def move(self, n):
        self.sizes.append(n)
        return SimMotor.move(self, n)


def channel(rig, hour=10**9, day=10**9):
    motor = Moves()
    ch = SafetyChannel(motor, rig, _Clock())
    ch.guard.set_limits(hour, day)
    ch.enable(True)
    return ch, motor


def test_every_shipped_rig_moves_at_most_a_fifth_of_the_watchdog_at_a_time():
    assert MOVE_MS * 5 <= WATCHDOG_MS
    for name in SHIPPED:
        config, rig = shipped(name)
        cap = move_cap(rig)
        assert rig.max_step_hz == config.max_step_hz, name
        assert cap * 1000 <= MOVE_MS * config.max_step_hz, name  # its time, at the top rate
        assert cap * 1000 > (MOVE_MS - 1) * config.max_step_hz, name  # and not much less


def test_a_batch_over_the_cap_goes_down_as_moves_of_the_cap_and_is_counted_whole():
    rig = bench_rig()  # 2000 steps a second
    ch, motor = channel(rig)
    assert ch.max_move == 2000
    assert ch.move(5000) == 5000
    assert motor.sizes == [2000, 2000, 1000]
    assert ch.guard.hour.total(0) == 5000


def test_a_batch_within_the_cap_is_one_move_as_before():
    ch, motor = channel(bench_rig())
    assert ch.move(2000) == 2000 and ch.move(1) == 1
    assert motor.sizes == [2000, 1]


def test_a_split_batch_stops_at_the_first_move_that_falls_short():
    ch, motor = channel(bench_rig())
    motor.stall_after = 2500
    assert ch.move(7000) == 2500
    assert motor.sizes == [2000, 2000]  # nothing asked after the short one
    assert ch.fault() == "stall"
    assert ch.guard.hour.total(0) == 2500  # what really moved


def test_the_guard_refuses_a_batch_over_its_limit_before_any_part_moves():
    ch, motor = channel(bench_rig(), hour=4999)
    assert ch.move(5000) == 0
    assert motor.sizes == [] and ch.tripped and ch.fault() == "guard"


def test_calibration_water_is_capped_as_drug_is():
    ch, motor = channel(bench_rig())
    ch.limits.run_left(4100, 0)
    assert ch.move_water(4100) == 4100
    assert motor.sizes == [2000, 2000, 100]


def test_a_rig_with_no_step_rate_is_not_split():
    r = bench_rig()
    bare = Rig(r.step_num, r.step_den, r.capacity_nl, r.dead_volume_nl, r.bolus_nl_per_min,
               r.prime_nl_per_min, r.min_flow_nl_per_day)
    ch, motor = channel(bare)
    assert ch.max_move is None
    assert ch.move(5000) == 5000 and motor.sizes == [5000]


def test_a_whole_prime_in_one_advance_on_the_1_ml_rig_moves_in_capped_moves():
    # 80 uL of line in 4.5 nL steps: ~17,800 steps, due at 100 uL/min. A minute of
    # simulated time at once makes them one batch; the motor gets them 2000 at a time.
    _, rig = shipped("pico_a4988_m5_bd1ml.json")
    clock = _Clock()
    motor = Moves()
    ch = SafetyChannel(motor, rig, clock)
    pump = Pump(rig, ch)
    rx = Prescription((("hydromorphone", 1_000_000),), BasalSchedule(((0, 700_000),)), None,
                      rig.capacity_nl, rig.capacity_nl // 10, rig)
    pump.program(rx, 0)
    pump.refill(rig.capacity_nl, None, 0)
    pump.confirm(0)
    pump.prime(rig.dead_volume_nl, 0)
    ch.follow(pump, 0)  # as the device does after every command: the prime's one fill
    clock.t = 60_000
    pump.advance(60_000)
    steps = rig.dead_volume_nl * rig.step_den // rig.step_num
    assert pump.sm.state == "stopped" and not pump.alarms.active()
    assert motor.total == steps > 3 * ch.max_move
    assert max(motor.sizes) == ch.max_move == rig.max_step_hz
    assert len(motor.sizes) == -(-steps // ch.max_move)
