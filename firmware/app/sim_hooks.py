"""The `sim` commands' reach into the simulated world: the clock, the rig and the power.
They act on the world, never on the pump; the pump learns of them only as a real one
would, through its motor, sensors and clock.

Each jump of the clock is followed by a full control-loop pass, so the battery and button
are read and alarms come out in the order they happen."""
from micropython import const

from pump.errors import PumpError, E_RANGE

CHUNK_MS = const(60_000)



class SimHooks:
    def __init__(self, board):
        self.board = board
        self.world = board.world
        self.controller = None  # set once the controller exists
        self.cut = False
        self.hung = False  # `sim fault hang`: the controller stops passing after the reply
        self._last_volume = 0

    def advance(self, ms):
        """One jump of the clock, then a full control-loop pass. The console walks a long
        `sim advance` in slices of at most CHUNK_MS (console/cmd_sim.py), so the guard sees
        steps at nearly the times a board would issue them; a longer jump is refused."""
        if type(ms) is not int or ms < 0 or ms > CHUNK_MS:
            raise PumpError(E_RANGE, ms)
        clock = self.board.clock
        clock.jump(ms)
        now = clock.now_ms()
        self.world.tick(now)
        self.controller.service(now)

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
        self.cut = True
        if self.controller is not None:
            self.controller.cut = True

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
