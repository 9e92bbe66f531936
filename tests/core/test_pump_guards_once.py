"""Each guard is asked once per event, where the event fires, and settling is one pass:
raising an alarm never settles again from inside. Runs under pytest and MicroPython."""
from builders import HOUR_MS, START_MS, case1_pump, case1_rx, filled_pump
from check import raises
from pump.errors import E_LOCKOUT, E_PRIME_LIMIT, E_SUSPENDED


def counted(pump, name):
    """Count the calls of the pump's guard `name` (the state machine looks it up by name,
    so the count sees every call the machine makes)."""
    calls = [0]
    guard = getattr(pump, name)

    def counting(*args):
        calls[0] += 1
        return guard(*args)
    setattr(pump, name, counting)
    return calls


def test_a_granted_bolus_asks_bolus_allowed_once():
    pump = case1_pump()
    calls = counted(pump, "bolus_allowed")
    pump.request_bolus(START_MS + HOUR_MS)
    assert pump.sm.state == "bolusing"
    assert calls[0] == 1


def test_a_refused_bolus_asks_bolus_allowed_once_running_or_not():
    pump = case1_pump()
    pump.request_bolus(START_MS + HOUR_MS)
    pump.advance(START_MS + 2 * HOUR_MS - 1)
    calls = counted(pump, "bolus_allowed")
    raises(E_LOCKOUT, pump.request_bolus, START_MS + 2 * HOUR_MS - 1)  # running: the machine
    assert calls[0] == 1
    pump.suspend(START_MS + 2 * HOUR_MS)
    raises(E_SUSPENDED, pump.request_bolus, START_MS + 2 * HOUR_MS)  # no bolus row: the reason
    assert calls[0] == 2


def test_a_prime_asks_prime_allowed_once_granted_or_refused():
    rx = case1_rx()
    pump = filled_pump(rx)
    calls = counted(pump, "prime_allowed")
    raises(E_PRIME_LIMIT, pump.prime, pump.rig.dead_volume_nl + 1, 0)
    assert calls[0] == 1 and pump.sm.state == "stopped"
    pump.prime(pump.rig.dead_volume_nl, 0)
    assert calls[0] == 2 and pump.sm.state == "priming"


def test_a_start_asks_start_allowed_once():
    rx = case1_rx()
    pump = filled_pump(rx)
    pump.prime(pump.rig.dead_volume_nl, 0)
    pump.advance(START_MS)
    calls = counted(pump, "start_allowed")
    pump.start(START_MS)
    assert calls[0] == 1 and pump.sm.state == "running"


def test_settling_in_alarm_asks_alarms_clear_once_a_pass_and_leaves_when_it_passes():
    pump = case1_pump()
    pump.fault("occlusion", START_MS)
    calls = counted(pump, "alarms_clear")
    pump.advance(START_MS + 1)  # one event, one settle
    assert calls[0] == 1 and pump.sm.state == "alarm"
    pump.ack("occlusion", START_MS + 1)  # no time passes: the acknowledgement's settle only
    assert calls[0] == 2 and pump.sm.state == "stopped"


def test_a_stall_raises_its_alarm_and_the_pump_settles_once_for_it():
    pump = case1_pump()
    settles = [0]
    settle = pump._settle

    def counting():
        settles[0] += 1
        settle()
    pump._settle = counting
    pump.motor.stall_after = 0
    pump.advance(START_MS + HOUR_MS)  # the hour's steps are one move: one event
    assert pump.sm.state == "alarm" and pump.alarms.is_active("stall")
    assert settles[0] == 1  # the advance's own: _raise applied the effect, and returned
