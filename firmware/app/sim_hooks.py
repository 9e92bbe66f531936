"""The `sim` commands' reach into the simulated world: the clock, the rig and the power.
They act on the world, never on the pump; the pump learns of them only as a real one
would, through its motor, sensors and clock.

`sim advance` only asks for simulated time (ask()); the controller, which runs the loop's
passes, takes the request once the command has been answered and walks the time itself
(app/controller.py, jump()), moving the clock and the world with move_to(). It walks as
the loop would have run, a pass a minute (MARK_MS): at each minute mark where a pass has
work (next_pass()), or at every one when `sliced` (the walk before jumps; tests compare
the two)."""
from micropython import const

from pump.errors import PumpError, E_RANGE

# A pass a minute: as long as one bucket of the step guard's rolling hour, so a move at a
# mark is counted where a board's own steps of that minute would be.
MARK_MS = const(60_000)


def next_pass(t, start, end, due, sliced=False):
    """The time of the next pass of a jump from `start` to `end`, the last having run at
    `t` (start <= t < end): the first minute mark (start + k * MARK_MS, then `end`) after
    `t` and at or after `due` (when a pass next has work; None for never). `sliced`: the
    next mark, whatever is due."""
    k = (t - start) // MARK_MS + 1  # the first mark after t
    if not sliced:
        if due is None:
            return end
        if due > start + k * MARK_MS:
            k = (due - start + MARK_MS - 1) // MARK_MS
    m = start + k * MARK_MS
    return m if m < end else end


def last_mark_before(t, m, start):
    """The last minute mark strictly between t and m (a pass the walk skipped), or None."""
    k = (m - start - 1) // MARK_MS
    mark = start + k * MARK_MS
    return mark if k > 0 and mark > t else None


class SimHooks:
    def __init__(self, board, sliced=False):
        self.board = board
        self.world = board.world
        self.sliced = sliced  # walk every minute mark of a jump (the differential tests)
        self.cut = False
        self.hung = False  # `sim fault hang`: the controller stops passing after the reply
        self.asked_ms = 0
        self._last_volume = 0

    def ask(self, ms):
        """`sim advance`: simulated time for the controller to walk once the command has
        been answered (whole ms, at most 366 days, as the console parses them)."""
        if type(ms) is not int or ms <= 0 or ms > 366 * 86_400_000:
            raise PumpError(E_RANGE, ms)
        self.asked_ms = ms

    def asked(self):
        """The time asked for, once (0 if none)."""
        ms = self.asked_ms
        self.asked_ms = 0
        return ms

    def move_to(self, t):
        """The clock to `t` (never back: a real clock may already be past it) and the world
        with it (the open line drains). Returns the clock's time."""
        clock = self.board.clock
        now = clock.now_ms()
        if t > now:
            clock.jump(t - now)
            now = clock.now_ms()
        self.world.tick(now)
        return now

    def busy(self):
        """A press the loop has not yet read: the next pass has work."""
        return self.board.button.queued > 0

    def fault(self, name):
        """Breaks the world; the pump finds out through its sensors (None: no alarm is
        raised directly). A battery sag is seen after the monitor's repeated readings."""
        w = self.world
        if name == "occlusion":
            w.occluded = True
        elif name == "stall":
            w.jammed = True
        elif name == "end_stop":
            w.travel = 0
        elif name in ("battery", "battery-sag", "battery_eri"):
            w.battery_mv = 4300  # below ERI (4400), above EOS (4000)
        elif name in ("battery-eos", "battery_eos"):
            w.battery_mv = 3900
        elif name == "hang":
            self.hung = True  # not the world: the firmware's own loop, as a bug would
        else:
            raise PumpError(E_RANGE, name)
        return None

    def clear(self, name):
        w = self.world
        if name == "occlusion" or name == "stall":
            w.clear(name)
        elif name.startswith("battery"):
            w.battery_mv = 4800
        else:
            raise PumpError(E_RANGE, name)

    def press(self):
        self.board.button.press()

    def power_cut(self):
        self.cut = True  # the controller cuts once the reply is out

    def after_pass(self, pump):
        """A confirmed refill: the operator filled the syringe before confirming, so the
        world's syringe now holds what the pump was told (a mismatch is what
        `sim fault end_stop` is for)."""
        v = pump.reservoir.volume_nl()
        if v > self._last_volume:
            self.world.fill(v)
        self._last_volume = v

    def fill(self, volume_nl):
        """Water drawn into the syringe by hand (a calibration's bench); the pump is not
        told, as it would not be."""
        if type(volume_nl) is not int or volume_nl <= 0:
            raise PumpError(E_RANGE, volume_nl)
        self.world.fill(volume_nl)

    def tare(self, now_ms):
        self.world.tick(now_ms)
        self.world.tare()

    def balance(self, now_ms):
        """nL a balance under the outlet weighs (water: 1 mg = 1 uL) since the last tare."""
        self.world.tick(now_ms)
        return self.world.balance_nl()


# ----- simulated time: a jump's journal (app/controller.py jump()) -----
# Here, not in app/device.py: only the simulated board jumps, and a Pico's heap keeps
# nothing it never runs (issue 13).
def hold_journal(dev, span_ms):
    """A jump of `span_ms` begins: the journal reserves the steps it may issue in one
    lease write and saves only on events until release_journal() (store/persist.py
    hold()): at most what the guard lets through, and no more than the reservoir holds
    (a generous figure is enough: moves past it commit as ever)."""
    store = dev.store
    if store is None:
        return
    most = dev.safety.most_steps(span_ms)
    rig = dev.rig
    left = -(-dev.pump.reservoir.volume_nl() * rig.step_den // rig.step_num) + 1
    store.hold(most if most < left else left)


def release_journal(dev, now):
    if dev.store is not None:
        from app import device_state
        dev.store.release(dev.pump, device_state.encode(dev, now))
