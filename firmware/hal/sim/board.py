"""The simulated board: the interface of hal/__init__.py over a World and a SimClock.

Runs under CPython and the MicroPython unix port. Its motor obeys EN as a driver does (no
step while disabled), moves the world's plunger, and stops at the first fault line, so the
controller meets the same signals as on a Pico. The indicators and the watchdog record
what they were told, for tests and for the virtual Pico's `sim` view."""
from hal.sim.clock import SimClock
from hal.sim.world import World


class RigMotor:
    """The motor of the simulated rig: it moves the world's plunger (hal/sim/motor.py's
    SimMotor is the bare step counter the core tests use)."""

    def __init__(self, world, clock):
        self.world = world
        self.clock = clock
        self.enabled = False
        self.total = 0
        self._fault = None

    def enable(self, on):
        self.enabled = bool(on)

    def move(self, n):
        if n <= 0:
            return 0
        if not self.enabled:
            self._fault = "stall"  # pulses into a disabled driver move nothing
            return 0
        moved, why = self.world.push(n, self.clock.now_ms())
        self.total += moved
        if why is not None:
            self._fault = why
        return moved

    def retract(self, n):
        """n steps back (the plunger drawn toward the full syringe): an occlusion's relief."""
        if n <= 0:
            return 0
        if not self.enabled:
            self._fault = "stall"
            return 0
        moved, why = self.world.pull(n, self.clock.now_ms())
        self.total -= moved
        if why is not None:
            self._fault = why
        return moved

    def fault(self):
        f = self._fault
        self._fault = None
        return f


class SimButton:
    """Presses come from the `sim press` command or a test; the debounce that a real pin
    needs is the Pico's business (hal/debounce.py)."""

    def __init__(self):
        self.queued = 0

    def press(self):
        self.queued += 1

    def pressed(self, now_ms):
        if self.queued:
            self.queued -= 1
            return True
        return False

    def held(self):
        return False  # a `sim press` is a whole press at once


class SimIndicators:
    def __init__(self):
        self.priority = 0
        self.changes = 0

    def show(self, priority, now_ms):
        if priority != self.priority:
            self.priority = priority
            self.changes += 1


class SimBattery:
    def __init__(self, world):
        self.world = world

    def millivolts(self):
        return self.world.battery_mv


class SimWatchdog:
    """Counts feeds; `expired(now)` says whether a real WDT would have reset the board."""

    def __init__(self, clock, timeout_ms=8_000):
        self.clock = clock
        self.timeout_ms = timeout_ms
        self.fed_at = clock.now_ms()
        self.feeds = 0

    def feed(self):
        self.fed_at = self.clock.now_ms()
        self.feeds += 1

    def expired(self):
        # Like machine.WDT as hal/pico starts it: running only from its first feed.
        return self.feeds > 0 and self.clock.now_ms() - self.fed_at > self.timeout_ms


class SimBoard:
    def reset_cause(self):
        return self.cause

    def __init__(self, config, rig, flash_dir, real_time=False, true_ppm=1_000_000,
                 world=None):
        self.clock = SimClock(real=real_time)
        num, den = rig.step_num, rig.step_den
        if world is None:
            # The config's calibration is what the firmware believes; the world moves by
            # the mechanism's truth, which the calibration is meant to match.
            world = World(num * 1_000_000, den * config.calibration_ppm,
                          config.syringe.model, config.syringe.inner_diameter_um, true_ppm,
                          config.max_step_hz, config.occlusion_kpa)
        self.world = world
        self.motor = RigMotor(world, self.clock)
        self.button = SimButton()
        self.indicators = SimIndicators()
        self.battery = SimBattery(world)
        self.watchdog = SimWatchdog(self.clock)
        self.flash_dir = flash_dir
        self.cause = "power"  # set by whoever powers the simulated board up
