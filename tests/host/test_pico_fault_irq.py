"""The Pico motor stops at a fault line's edge, not after its debounce: a hard IRQ drives
EN inactive and freezes the PIO in the ms of the edge, whatever the Python loop is
doing; a line that then holds is the fault, a glitch resumes the move with exactly the
steps not yet issued. Found on the emulated Pico: under load a garbage collection or a
console pass delayed the polled stop to 9.5 ms and 12 steps after the switch."""
import pytest
from test_pico_board import A4988, TMC, built, en_writes, rig  # noqa: F401 (fixture)
from test_pico_fakes import Pin, StateMachine

STEPS_PER_MS = 2  # both rigs' 2 kHz


def edge_at(gpio, active, start, end=None):
    """The line active from `start` (fake ms) until `end` (never, if None)."""
    Pin.inputs[gpio] = lambda now: active if start <= now and (end is None or now < end) \
        else 1 - active


def test_the_end_stop_stops_the_pulses_in_the_ms_of_its_edge(rig):
    clock, ticks, _ = rig
    board, config = built(TMC, clock)
    board.motor.enable(True)
    t0 = ticks.t
    edge_at(config.pins.end_stop_max, config.active_levels.end_stop, t0 + 100)
    issued = board.motor.move(1000)
    # Polled, the stop came after the 2 ms settling (and whatever delayed the poll).
    started = t0 + 2  # the lines' settling before the first pulse
    assert issued == StateMachine.last.emitted
    assert issued <= (t0 + 100 - started) * STEPS_PER_MS + 1, issued
    assert board.motor.fault() == "end_stop"
    assert en_writes(config)[-1] == 1 and not board.motor.enabled


def test_the_irq_is_hard_and_armed_only_on_the_lines_of_what_moves(rig):
    clock, _, _ = rig
    board, config = built(A4988, clock)
    p = config.pins
    forward, back = (p.end_stop_max, p.occlusion), (p.end_stop_min,)
    assert all(Pin.made[g].handler is None for g in forward + back)  # disabled: none
    board.motor.enable(True)
    assert all(Pin.made[g].handler is not None and Pin.made[g].hard for g in forward)
    assert Pin.made[p.end_stop_min].handler is None
    assert Pin.made[p.end_stop_max].trigger == (
        Pin.IRQ_RISING if config.active_levels.end_stop else Pin.IRQ_FALLING)
    assert board.motor.retract(10) == 10
    assert all(Pin.made[g].handler is not None for g in forward)  # forward again after
    board.motor.enable(False)
    assert all(Pin.made[g].handler is None for g in forward + back)


def test_a_retract_is_stopped_by_the_empty_side_at_its_edge_not_by_the_occlusion(rig):
    clock, ticks, _ = rig
    board, config = built(A4988, clock)
    board.motor.enable(True)
    t0 = ticks.t
    lv = config.active_levels
    edge_at(config.pins.occlusion, lv.occlusion, t0 + 5)  # bounces on: no stop for it
    edge_at(config.pins.end_stop_min, lv.end_stop, t0 + 50)
    got = board.motor.retract(1000)
    assert got == StateMachine.last.emitted
    assert got <= (t0 + 50 - (t0 + 3)) * STEPS_PER_MS + 1, got  # DIR setup, settling
    assert board.motor.fault() == "end_stop_min"


@pytest.mark.parametrize("width_ms", [1, 2])
def test_a_glitch_pauses_the_move_which_then_issues_exactly_what_was_asked(rig, width_ms):
    clock, ticks, _ = rig
    board, config = built(TMC, clock)
    board.motor.enable(True)
    t0 = ticks.t
    edge_at(config.pins.end_stop_max, config.active_levels.end_stop, t0 + 100,
            t0 + 100 + width_ms)
    start = len(en_writes(config))
    assert board.motor.move(1000) == 1000 == StateMachine.last.emitted
    assert board.motor.fault() is None and board.motor.enabled
    assert en_writes(config)[start:] == [1, 0]  # off at the edge, on again after it


def test_a_line_that_bounces_then_holds_is_the_fault(rig):
    clock, ticks, _ = rig
    board, config = built(A4988, clock)
    board.motor.enable(True)
    t0 = ticks.t
    lv = config.active_levels.occlusion
    bounces = {t0 + 100, t0 + 102, t0 + 104}  # 1 ms pulses, then held from t0 + 106
    Pin.inputs[config.pins.occlusion] = lambda now: lv if now in bounces or now >= t0 + 106 \
        else 1 - lv
    issued = board.motor.move(1000)
    assert issued == StateMachine.last.emitted
    assert issued <= (t0 + 100 - (t0 + 2)) * STEPS_PER_MS + 1, issued  # none after the first
    assert board.motor.fault() == "occlusion"


def test_an_edge_between_moves_drops_en_at_once_and_a_quiet_line_gives_it_back(rig):
    clock, ticks, _ = rig
    board, config = built(TMC, clock)
    board.motor.enable(True)
    assert board.motor.move(10) == 10
    t0 = ticks.t
    edge_at(config.pins.end_stop_max, config.active_levels.end_stop, t0 + 3, t0 + 4)
    ticks.sleep_ms(10)  # the pump's own pass between two batches
    assert en_writes(config)[-1] == 1  # the driver off from the edge on
    assert board.motor.move(10) == 10 and board.motor.fault() is None
    assert en_writes(config)[-1] == 0 and StateMachine.last.emitted == 20


def test_an_edge_between_moves_that_holds_is_the_next_moves_fault(rig):
    clock, ticks, _ = rig
    board, config = built(TMC, clock)
    board.motor.enable(True)
    assert board.motor.move(10) == 10
    edge_at(config.pins.end_stop_max, config.active_levels.end_stop, ticks.t + 3)
    ticks.sleep_ms(10)
    assert en_writes(config)[-1] == 1
    assert board.motor.move(10) == 0 and board.motor.fault() == "end_stop"
    assert en_writes(config)[-1] == 1 and StateMachine.last.emitted == 10
