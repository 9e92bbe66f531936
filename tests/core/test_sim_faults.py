"""Faults on the simulated board reach the pump as a real rig's would: a syringe emptier
than the pump believes hits the end stop, a jam stalls, and a scheduler that believes in
the wrong step volume is stopped by the independent guard with the driver left disabled.
Runs under pytest and MicroPython."""
from hal.sim.board import SimBoard
from safety.channel import SafetyChannel
from safety.step_guard import limits_for
from pump import drugs as dt
from pump.prescription import Prescription
from pump.pump import Pump
from pump.rig import Rig
from pump.schedule import BasalSchedule
from rigs import shipped

MIN_MS = 60_000


def _running(board, rig, motor=None, rate=700_000, fill_nl=None):
    rx = Prescription((("hydromorphone", 1_000_000),), BasalSchedule(((0, rate),)), None,
                      rig.capacity_nl, rig.capacity_nl // 20, rig)
    pump = Pump(rig, board.motor if motor is None else motor)
    pump.program(rx, 0)
    pump.refill(rig.capacity_nl, None, 0)
    pump.confirm(0)
    board.world.fill(rig.capacity_nl if fill_nl is None else fill_nl)
    pump.prime(rig.dead_volume_nl, 0)
    _run(board, pump, 10)
    if pump.sm.state != "alarm":  # a wrong rig can trip the guard while priming already
        pump.start(board.clock.now_ms())
    return pump


def _run(board, pump, minutes):
    for _ in range(minutes):
        board.clock.jump(MIN_MS)
        board.world.tick(board.clock.now_ms())
        pump.advance(board.clock.now_ms())
        if pump.sm.state == "alarm":
            return


def test_a_syringe_emptier_than_believed_stops_at_the_end_stop():
    config, rig = shipped()
    board = SimBoard(config, rig, ".")
    pump = _running(board, rig, fill_nl=rig.dead_volume_nl + 500_000)  # half a mL in it
    _run(board, pump, 3 * 24 * 60)
    assert pump.sm.state == "alarm"
    assert pump.alarms.active()[0] == "end_stop"
    assert not board.motor.enabled
    assert board.world.travel == 0
    # The pump counted only the steps that really left: its reservoir is off by the
    # volume it was told and never had, not by a step more.
    believed_gone = rig.capacity_nl - pump.reservoir.volume_nl()
    assert abs(believed_gone - board.world.pushed * rig.step_num // rig.step_den) <= 1


def test_a_jammed_plunger_stalls_and_stops():
    config, rig = shipped("pico_a4988_m5_bd1ml.json")
    board = SimBoard(config, rig, ".")
    pump = _running(board, rig)
    pushed = board.world.pushed
    board.world.jammed = True
    _run(board, pump, 60)
    assert pump.sm.state == "alarm" and pump.alarms.is_active("stall")
    assert board.world.pushed == pushed and not board.motor.enabled


def test_a_scheduler_wrong_by_100x_is_stopped_by_the_guard_alone():
    config, rig = shipped()
    board = SimBoard(config, rig, ".")
    # The guard's limits come from the true rig; the pump is told each step carries a
    # hundredth of its volume, so it issues 100 times the steps for every dose.
    row = dt.lookup("hydromorphone")
    hour, day = limits_for(row[dt.F_MAX_HOURLY] + row[dt.F_MAX_CLINICIAN_BOLUS],
                           row[dt.F_MAX_DAILY] + row[dt.F_MAX_HOURLY], 1_000_000, rig)
    motor = SafetyChannel(board.motor, rig, board.clock)
    guard = motor.guard
    guard.set_limits(hour, day)
    wrong = Rig(rig.step_num, rig.step_den * 100, rig.capacity_nl, rig.dead_volume_nl,
                rig.bolus_nl_per_min, rig.prime_nl_per_min, rig.min_flow_nl_per_day)
    pump = _running(board, wrong, motor, rate=2_000_000)
    _run(board, pump, 2 * 24 * 60)
    assert guard.tripped
    assert pump.sm.state == "alarm" and pump.alarms.is_active("guard")
    assert not board.motor.enabled
    # What really moved stays within the true daily limit plus the guard's slack.
    assert board.world.pushed <= day
