"""STEP pulse generator on one PIO state machine: exact pulse counts, cycle-exact timing,
and after a stop, the exact number of pulses that really left.

Hazards first:
- STEP is never left high: STEP is the side-set pin, so EVERY instruction states its
  level; the program idles (blocked on `pull`) with side 0, `sideset_init=OUT_LOW` drives
  it low at init, and `stop()` executes a side-0 instruction before anything else.
- The count is exact: the CPU hands over N, the PIO emits exactly N pulses (checked cycle
  by cycle in tests/host/test_step_pio.py on the very opcode tuple below). Python never
  times a pulse.
- The count is known after a stop: the one instruction that raises STEP (side 1) also
  decrements X, so at every instruction boundary X = N - pulses already started. A stop
  reads X back (`mov isr, x` then `push`) and counts a pulse whose high phase was cut
  short as issued: the pump may then believe it gave one step more than the plunger
  moved (under-delivery by at most one step), never less.
- Enabling the driver (EN pin) only while the state machine runs, and only for a plan
  that passed its checks, is the CALLER's job; this module never touches EN or DIR.
- Input is clamped before it reaches the hardware: `move()` raises ValueError for a bad
  count or a half period shorter than the driver allows, and then has changed nothing.

Program (one move = two words pushed to the TX FIFO: N, then P - 4); 1 side-set bit
(not optional) in opcode bit 12, delays in bits 11..8:
    0  pull block          side 0  ; word 1: N = steps (>= 1)
    1  mov x, osr          side 0  ; X counts the pulses not yet started
    2  pull block          side 0  ; word 2: D = half period - 4, stays in OSR
    3  jmp x-- 4           side 1 [1] ; STEP high AND X -= 1, in one instruction
    4  mov y, osr          side 1
    5  jmp y-- 5           side 1  ; high wait: D + 1 cycles
    6  mov y, osr          side 0  ; STEP low
    7  jmp y-- 7           side 0  ; low wait: D + 1 cycles
    8  jmp !x 10           side 0  ; every pulse started: done
    9  jmp 3               side 0  ; another pulse
   10  push noblock        side 0  ; move done: one word to the RX FIFO (completion flag)
       (wrap 10 -> 0: back to the blocking pull, STEP low = idle)
Timing, in state-machine cycles, with P = half_period_cycles (D = P - 4):
    STEP high for exactly P cycles, low for exactly P between pulses of one move;
    after a move's last pulse STEP stays low P + 3 cycles before the next move's first
    rising edge when that move is already queued (longer if it is not).
"""
from micropython import const

from hal import pio_asm as a

MIN_HALF_PERIOD_CYCLES = const(4)  # D = 0: the loop overhead of one half period
MAX_STEPS = const(0x7FFFFFFF)
MAX_HALF_PERIOD_CYCLES = const(0x7FFFFFFF)

_SIDE_HIGH = const(1 << 12)  # side-set bit, 1 pin, not optional: delays keep bits 11..8

OPCODES = (
    a.pull(block=True),  # 0
    a.mov(a.X, a.OSR),  # 1
    a.pull(block=True),  # 2
    a.jmp(a.X_DEC, 4, delay=1) | _SIDE_HIGH,  # 3: rising edge and count, one instruction
    a.mov(a.Y, a.OSR) | _SIDE_HIGH,  # 4
    a.jmp(a.Y_DEC, 5) | _SIDE_HIGH,  # 5
    a.mov(a.Y, a.OSR),  # 6: falling edge
    a.jmp(a.Y_DEC, 7),  # 7
    a.jmp(a.X_ZERO, 10),  # 8
    a.jmp(a.ALWAYS, 3),  # 9
    a.push(block=False),  # 10
)
WRAP_TARGET = const(0)
WRAP_TOP = const(10)  # == len(OPCODES) - 1
IDLE_PC = const(0)  # the blocking pull: where the program waits with STEP low
RISE_PC = const(3)  # the only instruction with side 1 that follows a side-0 one
_READ_X = a.mov(a.ISR, a.X)  # side 0: STEP low, and X into the ISR
_PUSH = a.push(block=False)  # side 0: the ISR (X) to the RX FIFO
_OUT_LOW = const(2)  # rp2.PIO.OUT_LOW: pindir 1, value 0
del a  # the encoder is needed only for the opcodes above: app/boot.py drops it after boot


def program(pio_blocks=None):
    """The program in the form `rp2.StateMachine(prog=...)` takes, built from OPCODES.

    The list is [opcodes, one load offset per PIO block (-1 = not loaded), EXECCTRL
    (wrap_top at bit 12, wrap_bottom at bit 7; the C code adds the load offset; SIDE_EN
    bit 30 clear: side-set not optional), SHIFTCTRL (thresholds 32 encoded as 0, no
    autopull, shift left), out_init, set_init, sideset_init]. An int sideset_init means
    one side-set pin, and rp2 then sets PINCTRL.SIDESET_COUNT to 1 from it.

    The number of PIO blocks is rp2's, not ours: MicroPython v1.26 added a third load
    offset (for the RP2350's PIO2), and a list of the old length stops the board at boot
    ("requested length 9 but object has length 8"). So on the board it is asked of rp2
    itself (pio_blocks=None: see rp2_pio_blocks); host tests pass it. The C code stores
    the load offset back into the list, so keep the list for the life of the machine.
    """
    from array import array

    if pio_blocks is None:
        pio_blocks = rp2_pio_blocks()
    execctrl = (WRAP_TOP << 12) | (WRAP_TARGET << 7)
    shiftctrl = 0  # thresholds 32 (encoded 0), shift left bits 0: PIOASMEmit default
    return [array("H", OPCODES)] + [-1] * pio_blocks + [execctrl, shiftctrl, None, None,
                                                         _OUT_LOW]


def rp2_pio_blocks(template=None):
    """How many load offsets rp2's program list holds, read off an empty program that
    rp2 builds itself (rp2.PIOASMEmit().prog, or `template` in tests): everything
    between the opcodes and the five trailing fields. A layout that does not look like
    [opcodes, -1 ..., execctrl, shiftctrl, None, None, None] raises ValueError, so a
    future change stops the board at boot with a reason, with the driver disabled."""
    if template is None:
        import rp2  # Pico only

        template = rp2.PIOASMEmit().prog
    blocks = len(template) - 6
    if (blocks < 1 or template[1:1 + blocks] != [-1] * blocks
            or template[-3:] != [None, None, None]):
        raise ValueError("unknown rp2 PIO program layout")
    return blocks


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


def unfinished_pulses(steps, moves, words_left, x):
    """Pulses the oldest unfinished move of `steps` had started when its state machine
    was frozen: `moves` unfinished moves, `words_left` of their words still in the TX
    FIFO, `x` the X register. The move runs only once both its words are pulled, and
    from then X = steps - pulses started. Clamped to 0..steps: an impossible X counts
    the whole move as issued, the side on which a dose is never repeated."""
    if 2 * moves - words_left < 2:
        return 0
    if x > steps:
        return steps
    return steps - x


class StepPio:
    """One state machine that emits STEP pulses; Python only hands over counts.
    `pulses` counts every pulse known to have left since construction.

    `sm` lets host tests pass a fake state machine (and `pio_blocks` the layout it
    expects); on the Pico leave both None."""

    def __init__(self, sm_id, step_pin, sm_freq_hz, max_step_rate_hz, sm=None,
                 pio_blocks=None):
        self._min_half = half_period_floor(sm_freq_hz, max_step_rate_hz)
        self._queued = 0  # moves handed to the PIO and not reported finished (0..2)
        self._first = 0  # steps of the oldest of them
        self._second = 0  # steps of the next one
        self.pulses = 0
        # On the board, rp2 says how many PIO blocks its list has; a fake takes v1.26's.
        self._prog = program(pio_blocks if sm is None else (pio_blocks or 3))
        self._freq = sm_freq_hz
        self._pin = step_pin
        if sm is None:
            import rp2  # Pico only: imported here so this module loads on CPython
            from machine import Pin

            self._pin = Pin(step_pin)
            sm = rp2.StateMachine(sm_id, self._prog, freq=sm_freq_hz,
                                  sideset_base=self._pin)
        self._sm = sm
        sm.active(1)  # idles at the pull with STEP low

    @property
    def min_half_period_cycles(self):
        return self._min_half

    def ready(self):
        """True if there is room for one more move (the TX FIFO holds two)."""
        self.poll()
        return self._queued < 2

    def move(self, steps, half_period_cycles):
        """Queue `steps` pulses, each STEP high and low for `half_period_cycles` cycles.
        Bad input raises ValueError and a full FIFO raises OSError; either way nothing
        reaches the state machine."""
        check_move(steps, half_period_cycles, self._min_half)
        self.poll()
        if self._queued >= 2 or self._sm.tx_fifo() > 2:
            raise OSError("step fifo full")
        self._sm.put(steps)
        self._sm.put(half_period_cycles - MIN_HALF_PERIOD_CYCLES)
        if self._queued == 0:
            self._first = steps
        else:
            self._second = steps
        self._queued += 1

    def poll(self):
        """Collect completion flags; True while any queued move is unfinished. With at
        most two moves queued, the 4-word RX FIFO never overflows."""
        sm = self._sm
        while sm.rx_fifo():
            sm.get()
            if self._queued:  # a flag with nothing queued cannot count a pulse
                self.pulses += self._first
                self._first = self._second
                self._queued -= 1
        return self._queued != 0

    def freeze(self):
        """From a hard IRQ (allocates nothing): the state machine stopped where it is,
        STEP driven low. X is kept; stop() then counts the pulses and starts afresh."""
        sm = self._sm
        sm.active(0)
        sm.exec(_READ_X)

    def stop(self):
        """Halt now: STEP forced low, queued moves dropped, then idle at the pull again.
        Returns the pulses the interrupted move had started (also added to `pulses`)."""
        sm = self._sm
        sm.active(0)
        sm.exec(_READ_X)  # side 0: STEP low before anything else; X kept in the ISR
        self.poll()  # moves that finished before the freeze
        words = sm.tx_fifo()
        sm.exec(_PUSH)  # the RX FIFO was just drained, so there is room for X
        x = sm.get()
        cut = unfinished_pulses(self._first, self._queued, words, x) if self._queued else 0
        self.pulses += cut
        # Re-init clears both FIFOs, re-drives STEP low (sideset_init) and jumps to pull.
        sm.init(self._prog, freq=self._freq, sideset_base=self._pin)
        sm.active(1)
        self._queued = 0
        return cut
