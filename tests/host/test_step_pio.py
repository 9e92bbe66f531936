"""The STEP PIO program, run in rp2040-pio-emulator (pioemu) from the very opcode tuple
the Pico loads (step_pio.OPCODES via step_pio.program()): pulse count and each high and
low phase checked cycle by cycle; a stop frozen at every cycle counts exactly the rising
edges emitted so far; the encoder against hand-computed opcodes; the StepPio clamps and
pulse accounting against a fake state machine; and mpy-cross compiles both modules."""
import subprocess
from collections import deque
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from pioemu import State, emulate

from hal import pio_asm as a
from hal.pico import step_pio
from hal.pico.step_pio import OPCODES, WRAP_TARGET, WRAP_TOP, IDLE_PC

REPO = Path(__file__).resolve().parents[2]
STEP_PIN = 3
STEP_MASK = 1 << STEP_PIN
IDLE_TAIL = 50  # cycles watched after the last move finished


def words(steps, half_period):
    return [steps, half_period - step_pio.MIN_HALF_PERIOD_CYCLES]


def emulated(opcodes, stop, state):
    """The step program's pin mapping: STEP is the one side-set pin."""
    return emulate(list(opcodes), stop_when=stop, initial_state=state,
                   side_set_base=STEP_PIN, side_set_count=1,
                   wrap_target=WRAP_TARGET, wrap_top=WRAP_TOP)


def run(moves):
    """Emulate until every move has reported done and the program sits stalled at the
    pull, then IDLE_TAIL more cycles. Returns (edges, final_state, done_clock): edges is
    a list of (cycle, level) for every change of STEP, cycle = the cycle the changing
    instruction executed (the emulator folds delay cycles into `clock`)."""
    fifo = deque(w for n, p in moves for w in words(n, p))
    state = State(transmit_fifo=fifo)
    edges, done_clock = [], None
    limit = 10 + sum(n * (2 * p + 2) + p + 20 for n, p in moves)

    def stop(_opcode, s):
        nonlocal done_clock
        if done_clock is None and len(s.receive_fifo) == len(moves) and not s.transmit_fifo \
                and s.program_counter == IDLE_PC:
            done_clock = s.clock
        return (done_clock is not None and s.clock >= done_clock + IDLE_TAIL) or s.clock > limit

    for before, after in emulated(OPCODES, stop, state):
        if (before.pin_values ^ after.pin_values) & STEP_MASK:
            edges.append((before.clock, 1 if after.pin_values & STEP_MASK else 0))
        state = after
    assert done_clock is not None, "program never came back to the pull"
    return edges, state, done_clock


def phases(edges):
    """Durations of high phases and of low phases between rising edges."""
    highs = [edges[i + 1][0] - edges[i][0] for i in range(0, len(edges) - 1, 2)]
    lows = [edges[i + 1][0] - edges[i][0] for i in range(1, len(edges) - 1, 2)]
    return highs, lows


def check_moves(moves):
    edges, final, done_clock = run(moves)
    # Edges alternate, starting with a rising one, ending with a falling one.
    assert [lvl for _, lvl in edges] == [1, 0] * (len(edges) // 2)
    rising = len(edges) // 2
    assert rising == sum(n for n, _ in moves)
    highs, lows = phases(edges)
    expected_highs, expected_lows = [], []
    for i, (n, p) in enumerate(moves):
        expected_highs += [p] * n
        expected_lows += [p] * (n - 1)
        if i + 1 < len(moves):
            expected_lows.append(p + 3)  # last low of a move, push, pull/mov/pull
    assert highs == expected_highs
    assert lows == expected_lows
    # First rising edge 3 cycles after start (pull, mov, pull) with the FIFO preloaded.
    assert edges[0][0] == 3
    # Idle: STEP low, stalled at the pull, nothing left, one done flag per move.
    assert final.pin_values & STEP_MASK == 0
    assert final.program_counter == IDLE_PC
    assert not final.transmit_fifo
    assert len(final.receive_fifo) == len(moves)
    # The last falling edge is followed by a full low phase before the done flag.
    n, p = moves[-1]
    assert done_clock - edges[-1][0] >= p
    return edges


@pytest.mark.slow  # the program emulated cycle by cycle
@pytest.mark.parametrize("steps,half_period", [
    (1, 4), (2, 4), (1, 5), (2, 37), (3, 1000), (1, 5000), (1000, 4), (1000, 9),
])
def test_exact_pulse_count_and_phase_lengths(steps, half_period):
    check_moves([(steps, half_period)])


@pytest.mark.slow  # the program emulated cycle by cycle
@pytest.mark.parametrize("moves", [
    [(1, 4), (1, 4)], [(3, 4), (5, 10)], [(1000, 4), (7, 6)], [(2, 100), (1, 4)],
])
def test_back_to_back_moves_give_n1_plus_n2_pulses(moves):
    check_moves(moves)


def test_idle_program_stays_low_with_empty_fifo():
    state = State()
    for _, after in emulated(OPCODES, lambda _o, s: s.clock >= 100, state):
        assert after.pin_values & STEP_MASK == 0
        assert after.program_counter == IDLE_PC
        state = after
    assert state.clock == 100


@pytest.mark.slow  # ~12 s: every example runs the PIO program cycle by cycle
@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 2000), st.integers(4, 12)), min_size=1, max_size=2))
def test_any_moves_give_exact_count_and_timing(moves):
    check_moves(moves)


# Encoder: values worked out by hand from the datasheet bit layout (3.4).
@pytest.mark.parametrize("opcode,expected", [
    (a.pull(block=True), 0x80A0),  # 100 00000 1 0 1 00000
    (a.pull(block=False), 0x8080),
    (a.pull(block=True, if_empty=True), 0x80E0),
    (a.push(block=True), 0x8020),  # 100 00000 0 0 1 00000
    (a.push(block=False), 0x8000),
    (a.set_(a.PINS, 1), 0xE001),  # 111 00000 000 00001
    (a.set_(a.PINS, 0), 0xE000),
    (a.set_(a.PINS, 1, delay=1), 0xE101),
    (a.set_(a.PINDIRS, 1), 0xE081),  # dest 100
    (a.jmp(a.X_DEC, 0), 0x0040),  # 000 00000 010 00000
    (a.jmp(a.Y_DEC, 5), 0x0085),
    (a.jmp(a.ALWAYS, 31, delay=31), 0x1F1F),
    (a.mov(a.X, a.OSR), 0xA027),  # 101 00000 001 00 111
    (a.mov(a.Y, a.OSR), 0xA047),
    (a.mov(a.X, a.Y, a.MOV_INVERT), 0xA02A),  # op 01
    (a.nop(), 0xA042),  # mov y, y
    (a.nop(delay=7), 0xA742),
    (a.out(a.X, 32), 0x6020),  # 011 00000 001 00000 (32 encodes as 0)
    (a.out(a.PINS, 1), 0x6001),
])
def test_encoder_matches_hand_assembled_opcodes(opcode, expected):
    assert opcode == expected


@pytest.mark.parametrize("call", [
    lambda: a.jmp(8, 0), lambda: a.jmp(0, 32), lambda: a.set_(a.PINS, 32),
    lambda: a.nop(delay=32), lambda: a.out(a.X, 33), lambda: a.mov(a.X, a.OSR, 3),
    lambda: a.set_(a.PINS, True), lambda: a.jmp(0, -1),
])
def test_encoder_refuses_out_of_range_fields(call):
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize("blocks", [2, 3])
def test_program_list_carries_the_emulated_opcodes_and_wrap(blocks):
    """MicroPython before v1.26 had two load offsets (8 fields), from v1.26 three (9).
    What rp2 itself builds is compared on the emulated Pico (tests/emu)."""
    prog = step_pio.program(blocks)
    assert tuple(prog[0]) == OPCODES and prog[0].typecode == "H"
    assert len(prog) == 6 + blocks and prog[1:1 + blocks] == [-1] * blocks
    execctrl, shiftctrl, out_init, set_init, sideset_init = prog[1 + blocks:]
    assert (execctrl >> 12) & 31 == WRAP_TOP == len(OPCODES) - 1
    assert (execctrl >> 7) & 31 == WRAP_TARGET
    assert shiftctrl == 0 and out_init is None and set_init is None  # no out or set pins
    assert sideset_init == 2  # PIO.OUT_LOW: STEP output, driven low at init
    assert not execctrl & (1 << 30)  # SIDE_EN clear: every opcode carries its side bit


@pytest.mark.parametrize("template, blocks", [
    ([None, -1, -1, 0, 0, None, None, None], 2),  # rp2.PIOASMEmit().prog before v1.26
    ([None, -1, -1, -1, 0, 0, None, None, None], 3),  # from v1.26 (PIO2)
])
def test_the_layout_is_read_off_rp2s_own_empty_program(template, blocks):
    assert step_pio.rp2_pio_blocks(template) == blocks


@pytest.mark.parametrize("template", [
    [None, 0, 0, None, None, None],  # no offsets
    [None, -1, 5, 0, 0, None, None, None],  # an offset that is not "not loaded"
    [None, -1, -1, -1, 0, 0, None, None, 2],  # a trailing field that is not empty
])
def test_an_unknown_layout_is_refused_not_guessed(template):
    with pytest.raises(ValueError):
        step_pio.rp2_pio_blocks(template)


class FakeSm:
    """The FIFOs, and the two instructions stop() executes, on an X set by the test."""

    def __init__(self):
        self.tx, self.rx, self.calls = [], [], []
        self.x, self.isr = 0, 0

    def active(self, v):
        self.calls.append(("active", v))

    def put(self, w):
        self.tx.append(w)

    def tx_fifo(self):
        return len(self.tx)

    def rx_fifo(self):
        return len(self.rx)

    def get(self):
        return self.rx.pop(0)

    def exec(self, op):
        self.calls.append(("exec", op))
        if op == a.mov(a.ISR, a.X):
            self.isr = self.x
        elif op == a.push(block=False):
            self.rx.append(self.isr)

    def init(self, prog, freq, sideset_base):
        self.calls.append(("init", freq, sideset_base))
        self.tx.clear()
        self.rx.clear()


def make(rate_hz=10_000, freq_hz=1_000_000):
    sm = FakeSm()
    return step_pio.StepPio(0, STEP_PIN, freq_hz, rate_hz, sm=sm), sm


def test_half_period_floor_keeps_under_driver_rate():
    assert step_pio.half_period_floor(1_000_000, 10_000) == 50
    assert step_pio.half_period_floor(1_000_001, 10_000) == 51  # rounds up, never faster
    assert step_pio.half_period_floor(1_000_000, 1_000_000) == 4  # loop overhead floor


def test_move_hands_over_the_two_words():
    pio, sm = make()
    pio.move(1000, 50)
    assert sm.tx == [1000, 46]
    assert pio.poll() is True
    sm.rx.append(0)
    assert pio.poll() is False


@pytest.mark.parametrize("steps,half", [
    (0, 50), (-1, 50), (2**31, 50), (1.0, 50), (True, 50), ("3", 50),
    (1, 49), (1, 3), (1, 2**31), (1, 50.0), (1, None),
])
def test_bad_move_raises_and_changes_nothing(steps, half):
    pio, sm = make()
    with pytest.raises(ValueError):
        pio.move(steps, half)
    assert sm.tx == [] and pio.poll() is False


def test_full_fifo_refuses_move_without_touching_it():
    pio, sm = make()
    pio.move(1, 50)
    pio.move(1, 50)
    with pytest.raises(OSError):
        pio.move(1, 50)
    assert sm.tx == [1, 46, 1, 46]


def test_stop_forces_step_low_then_clears_fifos():
    pio, sm = make()
    pio.move(5, 50)
    pio.stop()
    assert sm.calls[1:3] == [("active", 0), ("exec", a.mov(a.ISR, a.X))]
    assert a.mov(a.ISR, a.X) & (1 << 12) == 0  # side 0: STEP low
    assert sm.tx == [] and sm.rx == [] and pio.poll() is False


def test_stop_reports_the_pulses_x_says_were_started():
    pio, sm = make()
    pio.move(5, 50)
    sm.tx.clear()  # both words pulled: the move is running
    sm.x = 2  # three pulses started
    assert pio.stop() == 3
    assert pio.pulses == 3


def test_stop_counts_a_finished_move_in_full_and_an_unstarted_one_as_none():
    pio, sm = make()
    pio.move(5, 50)
    pio.move(7, 50)
    del sm.tx[:2]  # the first move was pulled and finished, its flag not yet read
    sm.rx.append(0)
    sm.x = 0
    assert pio.stop() == 0  # the second move had not pulled its words
    assert pio.pulses == 5


def test_poll_adds_each_finished_move_to_pulses():
    pio, sm = make()
    pio.move(5, 50)
    pio.move(7, 50)
    sm.rx.append(0)
    assert pio.poll() is True and pio.pulses == 5
    sm.rx.append(0)
    assert pio.poll() is False and pio.pulses == 12


def stop_at(moves, cycle):
    """Emulate `moves` for `cycle` cycles, freeze, and return (rising edges seen, pulses
    StepPio's stop() arithmetic finds from the frozen FIFOs and X, STEP level)."""
    fifo = deque(w for n, p in moves for w in words(n, p))
    state = State(transmit_fifo=fifo)
    rises = 0
    for before, after in emulated(OPCODES, lambda _o, s: s.clock >= cycle, state):
        if not before.pin_values & STEP_MASK and after.pin_values & STEP_MASK:
            rises += 1
            assert before.program_counter == step_pio.RISE_PC
        state = after
    flags = len(state.receive_fifo)
    done = sum(n for n, _ in moves[:flags])
    unfinished = len(moves) - flags
    cut = 0
    if unfinished:
        cut = step_pio.unfinished_pulses(moves[flags][0], unfinished,
                                         len(state.transmit_fifo), state.x_register)
    return rises, done + cut, state.pin_values & STEP_MASK


@pytest.mark.slow  # the program emulated cycle by cycle
@pytest.mark.parametrize("moves", [[(1, 4)], [(3, 4)], [(2, 6), (3, 5)], [(4, 9)]])
def test_a_stop_at_any_cycle_counts_exactly_the_rising_edges_so_far(moves):
    total = 10 + sum(n * (2 * p + 2) + p + 20 for n, p in moves)
    seen_high = seen_low_mid = False
    for cycle in range(total):
        rises, counted, high = stop_at(moves, cycle)
        assert counted == rises, (cycle, rises, counted)
        seen_high |= bool(high) and 0 < rises
        seen_low_mid |= not high and 0 < rises < sum(n for n, _ in moves)
    assert seen_high and (seen_low_mid or sum(n for n, _ in moves) == 1)


def test_unfinished_pulses_clamps_an_impossible_x_to_the_whole_move():
    assert step_pio.unfinished_pulses(5, 1, 0, 7) == 5
    assert step_pio.unfinished_pulses(5, 1, 0, 5) == 0
    assert step_pio.unfinished_pulses(5, 1, 1, 0) == 0  # word 2 not pulled yet
    assert step_pio.unfinished_pulses(5, 2, 2, 1) == 4  # the second move still queued


def test_every_opcode_fits_one_side_set_bit_and_four_delay_bits():
    for i, op in enumerate(OPCODES):
        high = bool(op & (1 << 12))
        assert high == (i in (3, 4, 5)), i  # STEP high only in the high phase
        assert (op >> 8) & 0xF <= 15


@pytest.mark.parametrize("rel", ["firmware/hal/pio_asm.py", "firmware/hal/pico/step_pio.py",
                                 "firmware/hal/pico/__init__.py"])
def test_compiles_with_mpy_cross_for_armv6m(mpy_cross_exe, rel, tmp_path):
    proc = subprocess.run([mpy_cross_exe, "-march=armv6m", "-o", str(tmp_path / "x.mpy"),
                           str(REPO / rel)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr + proc.stdout
