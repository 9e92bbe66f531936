"""In-memory stand-ins for `machine` and `rp2` so hal/pico runs on CPython: pins with
recorded writes and scripted inputs, a state machine that emits STEP pulses in time with
a fake clock and answers stop()'s `mov isr, x; push`, and a clock whose ticks wrap as
MicroPython's do. The tests at the bottom hold the fakes to the real API's names."""
import ast
import types
from importlib import metadata

from hal import pio_asm as a
from hal.pico.clock import Clock

TICKS_PERIOD = 1 << 30  # MicroPython's ticks_ms wraps here


class Ticks:
    """A fake time base: ticks_ms wraps at 2^30, ticks_diff as MicroPython defines it."""

    def __init__(self, start=0):
        self.t = start  # true ms, never wraps

    def ticks_ms(self):
        return self.t % TICKS_PERIOD

    @staticmethod
    def ticks_diff(a_, b_):
        return ((a_ - b_ + TICKS_PERIOD // 2) % TICKS_PERIOD) - TICKS_PERIOD // 2

    def sleep_ms(self, ms):
        if Pin.ticks is not self or not Pin.armed():
            self.t += ms  # no IRQ to deliver: one jump (a clock test sleeps for years)
            return
        for _ in range(ms):  # ms by ms, so a pin's IRQ comes at the ms of its edge
            self.t += 1
            Pin.deliver_edges(self.t)


def fake_clock(start=TICKS_PERIOD - 500):
    """A real hal.pico.clock.Clock on fake ticks that wrap half a second in."""
    ticks = Ticks(start)
    return Clock(ticks.ticks_ms, ticks.ticks_diff, ticks.sleep_ms), ticks


class Pin:
    """Inputs are functions of the fake time; an armed IRQ fires, in the middle of
    whatever sleeps, at the first ms its pin's level has made an edge it triggers on
    (as rp2's: IRQ_FALLING 4, IRQ_RISING 8)."""
    IN, OUT, PULL_UP, PULL_DOWN = 0, 1, 1, 2
    IRQ_FALLING, IRQ_RISING = 4, 8
    made = {}  # GPIO -> the last Pin built on it
    inputs = {}  # GPIO -> function of the fake time giving the electrical level
    ticks = None
    fail_on = None  # GPIO whose construction raises, to test fail-safe builds

    def __init__(self, gpio, mode=-1, pull=-1, *, value=None):
        if gpio == Pin.fail_on:
            raise OSError("fake: GPIO%d broken" % gpio)
        self.gpio, self.mode, self.pull = gpio, mode, pull
        self.writes = [] if value is None else [value]
        self.handler, self.trigger, self.hard = None, 0, False
        Pin.made[gpio] = self

    def irq(self, handler=None, trigger=IRQ_FALLING | IRQ_RISING, hard=False):
        self.handler, self.trigger, self.hard = handler, trigger, hard
        self._was = self.value()

    @classmethod
    def armed(cls):
        return any(pin.handler is not None for pin in cls.made.values())

    @classmethod
    def deliver_edges(cls, t):
        for pin in list(cls.made.values()):
            if pin.handler is None:
                continue
            level = pin.value()
            edge = 0 if level == pin._was else (Pin.IRQ_RISING if level else Pin.IRQ_FALLING)
            pin._was = level
            if edge & pin.trigger:
                pin.handler(pin)

    def value(self, v=None):
        if v is None:
            if self.writes and self.mode == Pin.OUT:
                return self.writes[-1]
            level = Pin.inputs.get(self.gpio)
            return level(Pin.ticks.t) if level else (1 if self.pull == Pin.PULL_UP else 0)
        self.writes.append(1 if v else 0)
        return None


class ADC:
    reading = 0

    def __init__(self, pin):
        self.pin = pin

    def read_u16(self):
        return ADC.reading


class WDT:
    started = []

    def __init__(self, *, id=0, timeout=5000):
        WDT.started.append(timeout)
        self.fed = 0

    def feed(self):
        self.fed += 1


class UART:
    chip = None  # the FakeChip of tests/core/test_tmc2209 behind the wire
    opened = []

    def __init__(self, id, baudrate=9600, *, tx=None, rx=None, timeout=0, timeout_char=0):
        UART.opened.append((id, baudrate, tx.gpio, rx.gpio))

    def write(self, buf):
        return UART.chip.write(buf)

    def read(self, n):
        return UART.chip.read(n)


READ_X = a.mov(a.ISR, a.X)
PUSH = a.push(block=False)


class PIOASMEmit:
    """rp2's PIO assembler, as far as the board code uses it: the list an empty program
    gets, in the layout of MicroPython v1.26 and later (three load offsets)."""

    def __init__(self, **_kw):
        from array import array

        self.prog = [array("H"), -1, -1, -1, 0, 0, None, None, None]


def _check_layout(prog):
    # As rp2_pio.c does (mp_obj_get_array_fixed_n): a list of another length is refused.
    n = len(PIOASMEmit().prog)
    if len(prog) != n:
        raise ValueError("requested length %d but object has length %d" % (n, len(prog)))


class StateMachine:
    """Runs moves in fake time: pulse k of a move (k = 0..N-1) rises at start + k * T,
    T = 2 * half period; the move's done flag comes a period after its last rise.
    `emitted` is the truth the motor's report is judged against."""

    last = None
    freeze = False  # if set, moves never progress (a hung PIO)

    def __init__(self, sm_id, prog, freq=-1, *, sideset_base=None):
        _check_layout(prog)
        self.freq, self.pin = freq, sideset_base
        self.tx, self.rx = [], []
        self.running = None  # (steps, half period, start ms)
        self.isr = 0
        self.is_active = False
        self.frozen_at = None  # a disabled state machine's time stands still
        self.emitted = 0
        self.ticks = Pin.ticks
        StateMachine.last = self

    def _period_us(self, half):
        return 2 * half * 1_000_000 // self.freq

    def _started(self, now):
        steps, half, t0 = self.running
        if StateMachine.freeze:
            return 0
        return min(steps, (now - t0) * 1000 // self._period_us(half) + 1)

    def _now(self):
        return self.ticks.t if self.frozen_at is None else self.frozen_at

    def _advance(self):
        now = self._now()
        if self.running is not None and self.is_active and not StateMachine.freeze:
            steps, half, t0 = self.running
            if now * 1000 >= t0 * 1000 + steps * self._period_us(half):
                self.emitted += steps
                self.rx.append(0)
                self.running = None
        if self.running is None and len(self.tx) >= 2:
            steps, d = self.tx.pop(0), self.tx.pop(0)
            self.running = (steps, d + 4, now)

    def active(self, v):
        if not v:
            self._advance()
            if self.frozen_at is None:
                self.frozen_at = self.ticks.t
        elif self.frozen_at is not None:
            if self.running is not None:  # it goes on where it stood
                steps, half, t0 = self.running
                self.running = (steps, half, t0 + self.ticks.t - self.frozen_at)
            self.frozen_at = None
        self.is_active = bool(v)

    def put(self, w):
        self.tx.append(w)
        self._advance()

    def tx_fifo(self):
        return len(self.tx)

    def rx_fifo(self):
        self._advance()
        return len(self.rx)

    def get(self):
        return self.rx.pop(0)

    def exec(self, op):
        if op == READ_X:
            if self.running is None:
                self.isr = 0
            else:
                self.isr = self.running[0] - self._started(self._now())
        elif op == PUSH:
            self.rx.append(self.isr)

    def init(self, prog, freq=-1, *, sideset_base=None):
        _check_layout(prog)
        if self.running is not None:  # the pulses the dropped move had started left
            self.emitted += self._started(self._now())
        self.tx.clear()
        self.rx.clear()
        self.running = None


def fake_modules():
    """(machine, rp2) modules to put in sys.modules."""
    machine = types.ModuleType("machine")
    for cls in (Pin, ADC, WDT, UART):
        setattr(machine, cls.__name__, cls)
    rp2 = types.ModuleType("rp2")
    rp2.StateMachine = StateMachine
    rp2.PIOASMEmit = PIOASMEmit
    return machine, rp2


def stub_names(module_file):
    """Top-level class names of a stub module, and their attribute and method names."""
    dist = metadata.distribution("micropython-rp2-rpi-pico-stubs")
    path = next(f for f in dist.files if str(f) == module_file)
    tree = ast.parse(dist.locate_file(path).read_text())
    names = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            members = set()
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    members.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    members.add(item.target.id)
                elif isinstance(item, ast.Assign):
                    members.update(t.id for t in item.targets if isinstance(t, ast.Name))
            names[node.name] = members
    return names


def public_members(cls):
    return {n for n in vars(cls) if not n.startswith("_") and n not in (
        "made", "inputs", "ticks", "fail_on", "reading", "started", "chip", "opened",
        "last", "freeze", "emitted", "deliver_edges", "armed")}


def test_the_fake_machine_uses_only_names_the_real_machine_has():
    real = stub_names("machine.pyi")
    for cls in (Pin, ADC, WDT, UART):
        missing = public_members(cls) - real[cls.__name__]
        assert not missing, (cls.__name__, missing)


def test_the_fake_state_machine_uses_only_names_the_real_one_has():
    real = stub_names("rp2/__init__.pyi")["StateMachine"]
    assert public_members(StateMachine) - {"is_active", "running"} <= real


def test_fake_ticks_wrap_and_the_clock_does_not():
    clock, ticks = fake_clock()
    assert clock.now_ms() == 0
    ticks.sleep_ms(1000)
    assert ticks.ticks_ms() < 1000  # wrapped
    assert clock.now_ms() == 1000
