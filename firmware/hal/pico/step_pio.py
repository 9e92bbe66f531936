"""STEP pulse generator on one PIO state machine: exact pulse counts, cycle-exact timing.

Hazards first:
- STEP is never left high: every pulse ends with `set pins, 0`, the program idles (blocked
  on `pull`) only with STEP low, `set_init=OUT_LOW` drives it low at init, and `stop()`
  forces it low before anything else.
- The count is exact: the CPU hands over N, the PIO emits exactly N pulses (checked cycle
  by cycle in tests/host/test_step_pio.py on the very opcode tuple below). Python never
  times a pulse.
- Enabling the driver (EN pin) only while the state machine runs, and only for a plan
  that passed its checks, is the CALLER's job; this module never touches EN or DIR.
- Input is clamped before it reaches the hardware: `move()` raises ValueError for a bad
  count or a half period shorter than the driver allows, and then has changed nothing.

Program (one move = two words pushed to the TX FIFO: N - 1, then P - 4):
    0  pull block          ; word 1: steps - 1
    1  mov x, osr          ; X counts the remaining pulses
    2  pull block          ; word 2: D = half period - 4, stays in OSR for the move
    3  set pins, 1 [1]     ; pulse: STEP high
    4  mov y, osr
    5  jmp y-- 5           ; high wait: D + 1 cycles
    6  set pins, 0         ; STEP low
    7  mov y, osr
    8  jmp y-- 8           ; low wait: D + 1 cycles
    9  jmp x-- 3           ; another pulse?
   10  push noblock        ; move done: one word to the RX FIFO (completion flag)
       (wrap 10 -> 0: back to the blocking pull, STEP low = idle)
Timing, in state-machine cycles, with P = half_period_cycles (D = P - 4):
    STEP high for exactly P cycles, low for exactly P between pulses of one move;
    after a move's last pulse STEP stays low P + 4 cycles before the next move's first
    rising edge when that move is already queued (longer if it is not).
"""
from micropython import const

from hal import pio_asm as a

MIN_HALF_PERIOD_CYCLES = const(4)  # D = 0: the loop overhead of one half period
MAX_STEPS = const(0x7FFFFFFF)
MAX_HALF_PERIOD_CYCLES = const(0x7FFFFFFF)

OPCODES = (
    a.pull(block=True),  # 0
    a.mov(a.X, a.OSR),  # 1
    a.pull(block=True),  # 2
    a.set_(a.PINS, 1, delay=1),  # 3
    a.mov(a.Y, a.OSR),  # 4
    a.jmp(a.Y_DEC, 5),  # 5
    a.set_(a.PINS, 0),  # 6
    a.mov(a.Y, a.OSR),  # 7
    a.jmp(a.Y_DEC, 8),  # 8
    a.jmp(a.X_DEC, 3),  # 9
    a.push(block=False),  # 10
)
WRAP_TARGET = const(0)
WRAP_TOP = const(10)  # == len(OPCODES) - 1
IDLE_PC = const(0)  # the blocking pull: where the program waits with STEP low
_SET_PINS_LOW = a.set_(a.PINS, 0)
_OUT_LOW = const(2)  # rp2.PIO.OUT_LOW: pindir 1, value 0


def program():
    """The program in the form `rp2.StateMachine(prog=...)` takes, built from OPCODES.

    Layout assumption, following micropython ports/rp2/modules/rp2.py (`PIOASMEmit`,
    `self.prog = [array("H"), -1, -1, execctrl, shiftctrl, out_init, set_init,
    sideset_init]`) and ports/rp2/rp2_pio.c (enum PROG_DATA .. PROG_MAX_FIELDS = 8):
    [opcodes, offset in PIO0 (-1 = not loaded), offset in PIO1, EXECCTRL with wrap_top
    at bit 12 and wrap_bottom at bit 7 (the C code adds the load offset), SHIFTCTRL
    (pull/push threshold 32 -> encoded as 0, no autopull, shift right), out_init,
    set_init, sideset_init]. The C code stores the load offset back into items 1/2, so
    keep the list returned here for the life of the state machine.
    """
    from array import array

    execctrl = (WRAP_TOP << 12) | (WRAP_TARGET << 7)
    shiftctrl = 0  # thresholds 32 (encoded 0), shift left bits 0: PIOASMEmit default
    return [array("H", OPCODES), -1, -1, execctrl, shiftctrl, None, _OUT_LOW, None]


def half_period_floor(sm_freq_hz, max_step_rate_hz):
    """Smallest half period (cycles) that keeps the step rate at or under the driver's
    maximum: ceil(freq / (2 * rate)), and never under the loop overhead. Integers only."""
    if type(sm_freq_hz) is not int or type(max_step_rate_hz) is not int:
        raise ValueError("freq and rate must be ints")
    if sm_freq_hz <= 0 or max_step_rate_hz <= 0:
        raise ValueError("freq and rate must be > 0")
    floor = -(-sm_freq_hz // (2 * max_step_rate_hz))
    return floor if floor > MIN_HALF_PERIOD_CYCLES else MIN_HALF_PERIOD_CYCLES


def check_move(steps, half_period_cycles, min_half_period_cycles):
    """Raise ValueError unless 1 <= steps <= MAX_STEPS and min <= half period <= MAX."""
    if type(steps) is not int or steps < 1 or steps > MAX_STEPS:
        raise ValueError("steps out of range")
    if (type(half_period_cycles) is not int
            or half_period_cycles < min_half_period_cycles
            or half_period_cycles < MIN_HALF_PERIOD_CYCLES
            or half_period_cycles > MAX_HALF_PERIOD_CYCLES):
        raise ValueError("half period out of range")


class StepPio:
    """One state machine that emits STEP pulses; Python only hands over counts.

    `sm` lets host tests pass a fake state machine; on the Pico leave it None."""

    def __init__(self, sm_id, step_pin, sm_freq_hz, max_step_rate_hz, sm=None):
        self._min_half = half_period_floor(sm_freq_hz, max_step_rate_hz)
        self._issued = 0  # moves handed to the PIO
        self._done = 0  # moves the PIO reported finished
        self._prog = program()
        self._freq = sm_freq_hz
        self._pin = step_pin
        if sm is None:
            import rp2  # Pico only: imported here so this module loads on CPython
            from machine import Pin

            self._pin = Pin(step_pin)
            sm = rp2.StateMachine(sm_id, self._prog, freq=sm_freq_hz, set_base=self._pin)
        self._sm = sm
        sm.active(1)  # idles at the pull with STEP low

    @property
    def min_half_period_cycles(self):
        return self._min_half

    def ready(self):
        """True if the TX FIFO (4 words) has room for one more move (2 words)."""
        return self._sm.tx_fifo() <= 2

    def move(self, steps, half_period_cycles):
        """Queue `steps` pulses, each STEP high and low for `half_period_cycles` cycles.
        Bad input raises ValueError and a full FIFO raises OSError; either way nothing
        reaches the state machine."""
        check_move(steps, half_period_cycles, self._min_half)
        if self._sm.tx_fifo() > 2:
            raise OSError("step fifo full")
        self._sm.put(steps - 1)
        self._sm.put(half_period_cycles - MIN_HALF_PERIOD_CYCLES)
        self._issued += 1

    def poll(self):
        """Collect completion flags; True while any queued move is unfinished.
        Call at least once per 4 completed moves (the RX FIFO holds 4 flags)."""
        sm = self._sm
        while sm.rx_fifo():
            sm.get()
            self._done += 1
        return self._done != self._issued

    def stop(self):
        """Halt now: STEP forced low, queued moves dropped, then idle at the pull again.
        Steps of the interrupted move already issued are not reported here (the step
        guard counts them independently)."""
        sm = self._sm
        sm.active(0)
        sm.exec(_SET_PINS_LOW)  # STEP low before anything else
        # Re-init clears both FIFOs, re-drives STEP low (set_init) and jumps to the pull.
        sm.init(self._prog, freq=self._freq, set_base=self._pin)
        sm.active(1)
        self._done = self._issued
