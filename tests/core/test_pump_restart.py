"""pump/restart.py and StateMachine.restore: a pump takes back a snapshot's state only
through its public methods, refuses values it could never have held, and counts the
steps a lease charges exactly as the motor's own steps are counted.
Runs under pytest and MicroPython (plain asserts, integers only)."""
from builders import case1_pump, HOUR_MS, START_MS
from check import raises
from hal.sim.motor import SimMotor
from pump.errors import PumpError, E_INVALID_EVENT, E_RANGE
from pump.machine import StateMachine
from pump.pump import Pump
from pump.rig import bench_rig
from pump.states import TRANSITIONS, INITIAL
from store import snapshot


def test_the_state_machine_restores_only_a_state_its_table_names():
    sm = StateMachine(TRANSITIONS, INITIAL, None)
    assert sm.restore("suspended") == "suspended" and sm.state == "suspended"
    err = raises(E_INVALID_EVENT, sm.restore, "flying")
    assert err.values == ("restore", "flying")
    assert sm.state == "suspended"


def test_steps_charged_after_a_reset_are_counted_as_the_motor_counted_them():
    pump = case1_pump()
    pump.advance(START_MS + HOUR_MS)
    payload = snapshot.save(pump)
    pump.advance(START_MS + 4 * HOUR_MS)  # steps the snapshot does not know
    assert pump.steps_issued > 100
    new, _ = snapshot.restore(payload, pump.rig, SimMotor(), 0, pump.steps_issued)
    assert new.steps_issued == pump.steps_issued
    assert new.reservoir.volume_vu == pump.reservoir.volume_vu
    assert new.reservoir.steps_since_fill == pump.reservoir.steps_since_fill
    assert new.tubing.segments == pump.tubing.segments
    assert new.delivered == pump.delivered
    assert new.primed_vu == pump.primed_vu


def good_values():
    """What an unprogrammed pump's snapshot holds, as restore() takes it."""
    return {"was": "unprogrammed", "wall_ms": 7, "rx": None, "counts": (0, 0),
            "reservoir": (0, 0, 0, None), "segments": [], "delivered": {}, "primed_vu": 0,
            "acc": 0, "grants": [], "pieces": [], "alarms": {}}


def test_an_unprogrammed_restore_stands_unprogrammed_with_restart_and_clock():
    notes = []
    pump = Pump(bench_rig(), SimMotor(), log=lambda t, kind, values: notes.append(values))
    pump.restore(**good_values())
    assert pump.sm.state == "unprogrammed"
    assert pump.alarms.active() == ["clock", "restart"]
    assert pump.wall_offset_ms == 7
    assert ("restart",) in notes and ("clock",) in notes


def test_values_a_pump_could_never_hold_are_refused():
    rig = bench_rig()
    cap_vu = rig.capacity_nl * rig.step_den
    line = (("morphine", 1),)
    bad = (("reservoir", (0, cap_vu + 1, 0, None)),  # more than the syringe holds
           ("reservoir", (5, 4, 0, None)),  # more left than was filled
           ("reservoir", (-1, 0, 0, None)),
           ("segments", [[rig.dead_volume_nl * rig.step_den + 1, line]]),  # over the line
           ("grants", [5, 3]),  # out of order
           ("pieces", [(5, 0, 0), (5, 0, 0)]))  # two pieces at one instant
    for key, value in bad:
        values = good_values()
        values[key] = value
        try:
            Pump(rig, SimMotor()).restore(**values)
        except ValueError:
            continue
        raise AssertionError("restored with %s=%r" % (key, value))
    values = good_values()
    values["alarms"] = {"nope": [0, True, False]}  # not an alarm this firmware knows
    try:
        Pump(rig, SimMotor()).restore(**values)
    except PumpError as err:
        assert err.code == E_RANGE and err.values == ("nope",), err.values
        return
    raise AssertionError("restored an unknown alarm")


def test_set_log_sends_the_pumps_notes_to_a_new_place():
    first, second = [], []
    pump = Pump(bench_rig(), SimMotor(), log=lambda t, kind, values: first.append(values))
    pump.fault("stall", 0)
    pump.set_log(lambda t, kind, values: second.append(values))
    pump.fault("battery_eri", 10)
    pump.set_log(None)
    pump.fault("memory", 20)
    assert first == [("stall",)] and second == [("battery_eri",)]
