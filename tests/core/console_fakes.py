"""A console on a simulated board for the console tests: a clock the test moves, a sim
that moves it and breaks the motor, the guarded SimMotor, and helpers to send lines.
Not a test module (no test_ names); runs under pytest and MicroPython alike."""
from app.device import Device
from app.sim_hooks import hold_journal, next_pass, release_journal
from console.console import Console
from hal.sim.motor import SimMotor
from pump.rig import bench_rig

PIN = "2468"


class FakeClock:
    def __init__(self, t=0):
        self.t = t

    def now_ms(self):
        return self.t


class FaultyMotor(SimMotor):
    """A SimMotor that can also report an occlusion or an end stop when it falls short."""

    def __init__(self):
        SimMotor.__init__(self)
        self.reason = None

    def fault(self):
        f = SimMotor.fault(self)
        return self.reason if f and self.reason else f


class FakeSim:
    MOTION = ("occlusion", "stall", "end_stop")
    ALARMS = (("battery-sag", "battery_eri"), ("battery_low", "battery_eri"))

    def __init__(self, clock, motor, sliced=False):
        self.clock = clock
        self.motor = motor
        self.cuts = 0
        self.sliced = sliced
        self.asked_ms = 0
        self.passes = []  # the times of the last few passes of jumps: a month has many

    def ask(self, ms):
        self.asked_ms = ms

    def asked(self):
        ms = self.asked_ms
        self.asked_ms = 0
        return ms

    def move_to(self, t):
        if len(self.passes) == 8:
            self.passes.pop(0)
        self.passes.append(t)
        self.clock.t = t
        return t

    def fault(self, name):
        from pump.errors import PumpError, E_RANGE
        if name in self.MOTION:
            self.motor.stall_after = 0
            self.motor.reason = name
            return None
        for world, alarm in self.ALARMS:
            if name == world:
                return alarm
        raise PumpError(E_RANGE, name)

    def power_cut(self):
        self.cuts += 1


class Lines:
    """Sending lines to `self.con` with the reply's shape checked: for any test bench."""

    def send(self, line):
        """Reply lines of one line; the last is asserted to be the one final line."""
        reply = self.con.handle(line)
        sim = getattr(self, "sim", None)
        ms = sim.asked() if sim is not None else 0
        if ms and reply[-1].startswith("OK"):
            reply = reply[:-1] + self.jump(ms) + reply[-1:]
        final = reply[-1]
        assert final == "OK" or final.startswith("OK ") or final.startswith("ERR "), reply
        for r in reply[:-1]:
            assert not (r.startswith("OK") or r.startswith("ERR ")), reply
        return reply

    def jump(self, ms):
        """What the controller does for `sim advance` (app/controller.py, jump()), on a
        board without one: the journal held, the device's pass at each minute mark with
        work, the journal released; the events."""
        dev, sim = self.dev, self.sim
        start = dev.clock.now_ms()
        end = start + ms
        t = start
        out = []
        g = dev.safety.guard
        # What the guard could let through in the jump: every rolling hour and day at most
        # its limit. The lease's reservation may not go past it (test_power_cut_console).
        self.jump_cap = dev.pump.steps_issued + min(g.max_hour * (ms // 3_600_000 + 1),
                                                    g.max_day * (ms // 86_400_000 + 1))
        self.jumping = True  # until the journal is released: a cut in between charges more
        hold_journal(dev, ms)
        while t < end:
            t = sim.move_to(next_pass(t, start, end,
                                      None if sim.sliced else dev.next_due(t), sim.sliced))
            self.one_pass()
            out += dev.events()
        release_journal(dev, t)
        self.jumping = False
        self.jump_cap = None
        return out

    def one_pass(self):
        self.dev.tick()

    def ok(self, line):
        reply = self.send(line)
        assert reply[-1].startswith("OK"), (line, reply)
        return reply

    def err(self, line, code):
        reply = self.send(line)
        assert reply[-1].startswith("ERR %d " % code), (line, code, reply)
        return reply

    def login(self):
        if not self.dev.auth.has_pin():
            self.ok("pin " + PIN)
        self.ok("login " + PIN)


class Board(Lines):
    """Everything a console test touches, built as main.py would build it."""

    def __init__(self, rig=None, sim=True, store=None, t=0, persist=None):
        self.rig = bench_rig() if rig is None else rig
        self.clock = FakeClock(t)
        self.motor = FaultyMotor()
        self.sim = FakeSim(self.clock, self.motor) if sim else None
        self.dev = Device(self.rig, self.motor, self.clock, self.sim, store, store=persist)
        self.con = Console(self.dev)
        self.guard = self.dev.safety.guard
        self.jumping = False
        self.jump_cap = None


def kv(reply):
    """The final OK line's key=value pairs as a dict (values as text)."""
    out = {}
    for word in reply[-1].split()[1:]:
        parts = word.split("=", 1)
        out[parts[0]] = parts[1] if len(parts) == 2 else ""
    return out


def events(reply, kind=None):
    """The `! ` lines of a reply (of one kind, if given), without the `! `."""
    out = []
    for r in reply:
        if r.startswith("! ") and (kind is None or r[2:].split(" ", 1)[0] == kind):
            out.append(r[2:])
    return out


CASE1_LINES = (
    "drug hydromorphone 1000ug/mL ropivacaine 2500ug/mL clonidine 75ug/mL",
    "basal 00:00=600ug/d 08:00=800ug/d 20:00=700ug/d",
    "ptm 30ug lockout=1h max=7",
    "reservoir-alarm 2mL",
    "capacity 40mL",
)


def programmed(t=0, lines=CASE1_LINES):
    """A board with a PIN, a clinician session and case 1 programmed (not filled)."""
    b = Board(t=t)
    b.login()
    # Case 1's schedule runs by the time of day: not on a clock never set. Midnight, so
    # the schedule's hours are the fake clock's.
    b.ok("time 2026-01-01T00:00:00")
    for line in lines:
        b.ok(line)
    return b


def running(fill="40mL", t=0):
    """Case 1 programmed, filled, primed (the whole line) and started."""
    b = programmed(t)
    b.ok("refill " + fill)
    b.ok("confirm")
    b.ok("prime 150uL")
    b.ok("sim advance 4m")
    b.login()
    b.ok("start")
    return b


def program_and_run(b, lines, then="1d"):
    """A clinician types `lines` (programming, fill and prime), lets the prime finish,
    starts, and the pump runs for `then`: the common start of a refill story."""
    b.login()
    for line in lines:
        b.ok(line)
    b.ok("sim advance 4m")
    b.login()
    b.ok("start")
    b.ok("sim advance " + then)
    return b


def flip_a_byte_in_both(flash, stem):
    """Damage both A/B records of `stem` on a SimFlash (a byte flipped mid-record)."""
    for name in (stem + ".a", stem + ".b"):
        data = bytearray(flash.files[name])
        data[len(data) // 2] ^= 0xFF
        flash.files[name] = bytes(data)
