"""The Pico board built from each shipped config on fake `machine`/`rp2` modules: EN is
built first and stays inactive through every failure, a TMC2209 that does not answer
stops the build, moves report the pulses really emitted when a fault line stops them,
and the button, buzzer, LED, battery and watchdog reach their pins."""
import json
import sys
from pathlib import Path

import micropython
import pytest
from test_pico_fakes import ADC, WDT, UART, Pin, StateMachine, fake_clock, fake_modules
from test_tmc2209 import FakeChip

from hal import board_config
from hal import tmc2209 as t
from hal.pico.board import PicoBoard

REPO = Path(__file__).resolve().parents[2]
CONFIGS = sorted((REPO / "board_configs").glob("*.json"))
TMC = REPO / "board_configs" / "pico_tmc2209_t8_bd60ml.json"  # 2000 Hz: 500 us a step
A4988 = REPO / "board_configs" / "pico_a4988_m5_bd1ml.json"  # 2000 Hz too


@pytest.fixture
def rig(monkeypatch):
    machine, rp2 = fake_modules()
    monkeypatch.setitem(sys.modules, "machine", machine)
    monkeypatch.setitem(sys.modules, "rp2", rp2)
    kbd = []
    monkeypatch.setattr(micropython, "kbd_intr", kbd.append, raising=False)
    clock, ticks = fake_clock()
    Pin.made, Pin.inputs, Pin.ticks, Pin.fail_on = {}, {}, ticks, None
    WDT.started, UART.opened, UART.chip = [], [], FakeChip()
    StateMachine.last, StateMachine.freeze, ADC.reading = None, False, 0
    return clock, ticks, kbd


def config_of(path):
    return board_config.load(path.read_text())


def quiet_inputs(config):
    """Fault lines inactive and the button released, whatever their active levels."""
    p, lv = config.pins, config.active_levels
    for gp in (p.end_stop_min, p.end_stop_max):
        Pin.inputs[gp] = lambda _t, v=1 - lv.end_stop: v
    if p.occlusion is not None:
        Pin.inputs[p.occlusion] = lambda _t, v=1 - lv.occlusion: v
    if p.diag is not None:
        Pin.inputs[p.diag] = lambda _t: 0
    Pin.inputs[p.bolus_button] = lambda _t, v=1 - lv.button: v


def built(path, clock):
    config = config_of(path)
    quiet_inputs(config)
    return PicoBoard(config, clock=clock), config


def en_writes(config):
    return Pin.made[config.pins.en].writes


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_every_shipped_config_builds_with_the_driver_disabled(rig, path):
    clock, _, _ = rig
    board, config = built(path, clock)
    off = 1 - config.active_levels.en
    assert set(en_writes(config)) == {off}  # built inactive, and never anything else
    assert set(Pin.made[config.pins.dir].writes) == {config.active_levels.dir_forward}
    assert Pin.made[config.pins.step] is StateMachine.last.pin
    assert WDT.started == [] and board.flash_dir == "/"  # the WDT starts at the first feed
    assert not board.motor.enabled
    if config.driver == "tmc2209":
        assert UART.opened == [(1, 115200, config.pins.uart_tx, config.pins.uart_rx)]
        assert UART.chip.regs[t.CHOPCONF] >> 24 & 0xF == t.mres(config.microsteps)
    else:
        assert UART.opened == []


def test_en_is_the_first_pin_built(rig):
    clock, _, _ = rig
    _, config = built(TMC, clock)
    assert next(iter(Pin.made)) == config.pins.en


def test_a_tmc2209_that_does_not_answer_stops_the_build_with_en_inactive(rig):
    clock, _, _ = rig
    UART.chip.mute = True
    config = config_of(TMC)
    with pytest.raises(t.Tmc2209Error):
        PicoBoard(config, clock=clock)
    assert set(en_writes(config)) == {1}
    assert StateMachine.last is None and WDT.started == []


@pytest.mark.parametrize("part", ["dir", "end_stop_max", "diag", "bolus_button", "buzzer",
                                  "battery_adc"])
def test_any_part_that_fails_leaves_en_inactive(rig, part):
    clock, _, _ = rig
    config = config_of(TMC)
    Pin.fail_on = getattr(config.pins, part)
    with pytest.raises(OSError, match="broken"):
        PicoBoard(config, clock=clock)
    assert set(en_writes(config)) == {1} and len(en_writes(config)) >= 2  # and again
    assert WDT.started == []


def test_a_move_issues_every_step_with_ctrl_c_off_before_en(rig):
    clock, ticks, kbd = rig
    board, config = built(TMC, clock)
    board.motor.enable(True)
    assert kbd == [-1] and en_writes(config)[-1] == 0
    assert board.motor.move(100) == 100 == StateMachine.last.emitted
    assert board.motor.fault() is None
    assert board.motor.enabled


def test_an_end_stop_mid_move_stops_it_and_the_steps_really_issued_are_returned(rig):
    clock, ticks, _ = rig
    board, config = built(TMC, clock)
    hit = ticks.t + 100  # 100 ms into a 500 ms move
    Pin.inputs[config.pins.end_stop_max] = lambda now: 1 if now >= hit else 0
    board.motor.enable(True)
    issued = board.motor.move(1000)
    assert issued == StateMachine.last.emitted
    assert 190 < issued < 230  # ~200 steps in 100 ms, plus the settling time
    assert board.motor.fault() == "end_stop"
    assert board.motor.fault() is None  # read once
    assert en_writes(config)[-1] == 1 and not board.motor.enabled


@pytest.mark.parametrize("path,line,name", [(TMC, "diag", "stall"),
                                            (A4988, "occlusion", "occlusion")])
def test_the_driver_specific_fault_line_stops_a_move(rig, path, line, name):
    clock, ticks, _ = rig
    board, config = built(path, clock)
    hit = ticks.t + 50
    level = 1 if line == "diag" else config.active_levels.occlusion
    Pin.inputs[getattr(config.pins, line)] = lambda now: level if now >= hit else 1 - level
    board.motor.enable(True)
    issued = board.motor.move(1000)
    assert 0 < issued < 1000 and issued == StateMachine.last.emitted
    assert board.motor.fault() == name


def test_a_move_against_an_active_end_stop_issues_nothing(rig):
    clock, _, _ = rig
    board, config = built(TMC, clock)
    del Pin.inputs[config.pins.end_stop_max]  # a cut wire: the pull-up reads 1, triggered
    board.motor.enable(True)
    assert board.motor.move(10) == 0 and StateMachine.last.emitted == 0
    assert board.motor.fault() == "end_stop"


def test_a_hung_pio_is_stopped_at_its_deadline_and_reported_as_a_stall(rig):
    clock, ticks, _ = rig
    board, config = built(TMC, clock)
    StateMachine.freeze = True
    board.motor.enable(True)
    start = ticks.t
    assert board.motor.move(100) == 0  # 50 ms planned
    assert board.motor.fault() == "stall"
    assert 100 <= ticks.t - start <= 110  # the plan plus the 50 ms margin
    assert en_writes(config)[-1] == 1


def test_a_move_while_disabled_issues_nothing(rig):
    clock, _, _ = rig
    board, _ = built(TMC, clock)
    assert board.motor.move(10) == 0 and StateMachine.last.emitted == 0
    assert board.motor.fault() == "stall"


def test_an_interrupt_during_a_move_disables_the_driver_first(rig, monkeypatch):
    clock, ticks, _ = rig
    board, config = built(TMC, clock)
    board.motor.enable(True)
    sleeps = []

    def sleep(ms):
        sleeps.append(ms)
        ticks.t += ms
        if len(sleeps) == 20:
            raise KeyboardInterrupt

    monkeypatch.setattr(clock, "_sleep_ms", sleep)
    with pytest.raises(KeyboardInterrupt):
        board.motor.move(1000)
    assert en_writes(config)[-1] == 1
    assert StateMachine.last.running is None  # stopped: nothing left running


def test_the_button_is_sampled_while_a_long_move_waits(rig):
    clock, ticks, _ = rig
    board, config = built(TMC, clock)
    t0 = ticks.t
    Pin.inputs[config.pins.bolus_button] = lambda now: 0 if t0 + 100 <= now < t0 + 1300 else 1
    board.motor.enable(True)
    assert board.motor.move(3000) == 3000  # 1.5 s: the whole press happens inside it
    assert board.button.pressed(clock.now_ms()) is True
    assert board.button.pressed(clock.now_ms()) is False


def test_indicators_drive_the_buzzer_and_led_pins(rig):
    clock, _, _ = rig
    board, config = built(TMC, clock)
    board.indicators.show(3, 1000)
    assert Pin.made[config.pins.buzzer].writes[-1] == 1
    assert Pin.made[config.pins.led].writes[-1] == 1
    board.indicators.show(0, 2000)
    assert Pin.made[config.pins.buzzer].writes[-1] == 0


def test_battery_is_integer_millivolts_through_the_divider(rig):
    clock, _, _ = rig
    board, _ = built(TMC, clock)
    ADC.reading = 65535
    assert board.battery.millivolts() == 9900  # 3.3 V at the pin, x3
    ADC.reading = 24824  # 1.25 V at the pin
    assert board.battery.millivolts() == 24824 * 3300 * 3 // 65535 == 3750


def test_the_watchdog_is_fed_through(rig):
    clock, _, _ = rig
    board, _ = built(TMC, clock)
    assert WDT.started == []  # not at boot: an idle board stays reachable for deploys
    board.watchdog.feed()
    board.watchdog.feed()
    assert WDT.started == [5000]
    assert board.watchdog._wdt.fed == 2


def test_the_configs_tmc2209_node_currents_and_stallguard_reach_the_chip(rig):
    clock, _, _ = rig
    d = json.loads(TMC.read_text())
    d["tmc2209"] = {"node": 2, "irun": 20, "ihold": 6, "sgthrs": 55}
    config = board_config.load(json.dumps(d))
    quiet_inputs(config)
    UART.chip = FakeChip(node=2)  # strapped MS1 = 0, MS2 = 1: answers node 2 only
    PicoBoard(config, clock=clock)
    regs = UART.chip.regs
    assert regs[t.IHOLD_IRUN] == (t.IHOLDDELAY << 16) | (20 << 8) | 6
    assert regs[t.SGTHRS] == 55


def test_an_active_low_occlusion_switch_stops_a_move_when_low(rig):
    clock, ticks, _ = rig
    d = json.loads(A4988.read_text())
    d["active_levels"]["occlusion"] = 0
    config = board_config.load(json.dumps(d))
    quiet_inputs(config)
    assert Pin.inputs[config.pins.occlusion](0) == 1  # idle high: not an occlusion
    board = PicoBoard(config, clock=clock)
    hit = ticks.t + 50
    Pin.inputs[config.pins.occlusion] = lambda now: 0 if now >= hit else 1
    board.motor.enable(True)
    assert 90 < board.motor.move(1000) < 130  # ~100 steps in 50 ms: not stopped at once
    assert board.motor.fault() == "occlusion"


def test_the_configs_battery_divider_scales_the_integer_millivolts(rig):
    clock, _, _ = rig
    d = json.loads(A4988.read_text())
    d["battery_divider_x1000"] = 4_030
    config = board_config.load(json.dumps(d))
    quiet_inputs(config)
    board = PicoBoard(config, clock=clock)
    ADC.reading = 24824  # 1.25 V at the pin
    mv = board.battery.millivolts()
    assert type(mv) is int and mv == 24824 * 3300 * 4030 // (65535 * 1000) == 5037


# ----- the retract: an occlusion's relief (issue 14, item 4) -----
def dir_writes(config):
    return Pin.made[config.pins.dir].writes


@pytest.mark.parametrize("path", [TMC, A4988], ids=["tmc2209", "a4988"])
def test_a_retract_steps_with_dir_reversed_and_leaves_dir_forward(rig, path):
    clock, ticks, _ = rig
    board, config = built(path, clock)
    fwd = config.active_levels.dir_forward
    # The occlusion (or DIAG) that asked for the relief is still active: it must not stop
    # the retract, which draws the trapped volume back.
    if config.pins.occlusion is not None:
        Pin.inputs[config.pins.occlusion] = lambda _t, v=config.active_levels.occlusion: v
    else:
        Pin.inputs[config.pins.diag] = lambda _t: 1
    board.motor.enable(True)
    start = ticks.t
    assert board.motor.retract(100) == 100 == StateMachine.last.emitted
    assert board.motor.fault() is None
    assert dir_writes(config)[-2:] == [1 - fwd, fwd]  # reversed for the steps, then back
    assert ticks.t - start >= 1  # the DIR setup time before the first STEP edge


def test_a_retract_stops_at_the_empty_side_end_stop(rig):
    clock, ticks, _ = rig
    board, config = built(TMC, clock)
    hit = ticks.t + 20
    lv = config.active_levels.end_stop
    Pin.inputs[config.pins.end_stop_min] = lambda now: lv if now >= hit else 1 - lv
    board.motor.enable(True)
    got = board.motor.retract(1000)
    assert 0 < got < 1000 and got == StateMachine.last.emitted
    assert board.motor.fault() == "end_stop_min"
    assert dir_writes(config)[-1] == config.active_levels.dir_forward
    assert en_writes(config)[-1] == 1


def test_an_interrupt_during_a_retract_disables_the_driver_then_sets_dir_forward(
        rig, monkeypatch):
    clock, ticks, _ = rig
    board, config = built(TMC, clock)
    board.motor.enable(True)
    sleeps = []

    def sleep(ms):
        sleeps.append(ms)
        ticks.t += ms
        if len(sleeps) == 20:
            raise KeyboardInterrupt

    monkeypatch.setattr(clock, "_sleep_ms", sleep)
    with pytest.raises(KeyboardInterrupt):
        board.motor.retract(1000)
    assert en_writes(config)[-1] == 1
    assert dir_writes(config)[-1] == config.active_levels.dir_forward
    assert StateMachine.last.running is None


def test_a_forward_move_still_stops_on_the_occlusion_line_after_a_retract(rig):
    clock, ticks, _ = rig
    board, config = built(A4988, clock)
    board.motor.enable(True)
    assert board.motor.retract(10) == 10
    lv = config.active_levels.occlusion
    Pin.inputs[config.pins.occlusion] = lambda _t: lv
    assert board.motor.move(10) == 0
    assert board.motor.fault() == "occlusion"
