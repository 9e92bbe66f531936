"""The Pico board: builds every part of the board interface (hal/__init__.py) from a
checked BoardConfig. The only module that knows which GPIO does what.

Hazards first:
- EN is the first pin built, driven inactive, and driven inactive again if anything
  after it fails: a board that cannot be built raises with the driver disabled.
- On a TMC2209 rig the chip is configured and verified over UART before the step
  generator exists; a chip that does not answer stops the build (Tmc2209Error).
- Switch inputs use the internal pull-up: a cut wire reads 1, which is "triggered" for
  the active-high (NC) end stops and DIAG, and "not pressed" for the active-low button.
- The watchdog is started last, once everything else was built: it cannot be stopped,
  and from then on only a control loop whose checks hold may feed it.
- Battery: millivolts = read_u16 * 3300 * divider // (65535 * 1000), integers only, with
  the config's battery_divider_x1000.
- Per rig, from the config: TMC2209 node, currents and StallGuard threshold, the
  occlusion switch's level, the battery divider. Constants here are the Pico's own."""
from micropython import const

from hal.debounce import HoldButton
from hal.indicators import Patterns

ADC_VREF_MV = const(3300)
ADC_FULL = const(65535)
WATCHDOG_MS = const(5000)  # under the RP2040's 8388 ms ceiling
# Our own restart, told apart from a stuck loop. rp2's machine.reset() is a watchdog
# reboot (pico-sdk watchdog_reboot sets WATCHDOG CTRL.TRIGGER) and its reset_cause() is
# WDT_RESET for any watchdog REASON bit, so without this mark the reboot after
# `calibrate weighed` was logged `reset cause=watchdog`, as if the loop had hung (seen on
# the emulated Pico, tests/emu/test_reset_cause.py). A watchdog scratch register keeps
# the mark across the watchdog reset; power-on clears it. SCRATCH0-3 are free (the
# bootrom uses 4-7).
_WD_SCRATCH3 = const(0x40058018)
_OWN_RESET = const(0x0B007E57)


def kbd_intr(chr_):
    """micropython.kbd_intr: -1 disables Ctrl-C, 3 restores it. The motor only ever
    disables it; giving it back is the boot code's, once the driver is off for good."""
    import micropython

    micropython.kbd_intr(chr_)


class Button:
    def __init__(self, pin, active_level, hold_ms):
        self._pin = pin
        self._button = HoldButton(active_level, hold_ms)

    def sample(self, now_ms):
        self._button.sample(self._pin.value(), now_ms)

    def pressed(self, now_ms):
        self.sample(now_ms)
        return self._button.pressed()

    def held(self):
        return self._button.held()


class Indicators:
    """An active buzzer (it sounds on a high level) and one LED."""

    def __init__(self, buzzer, led):
        buzzer.value(0)
        led.value(0)
        self._buzzer = buzzer
        self._led = led
        self._patterns = Patterns()

    def show(self, priority, now_ms):
        p = self._patterns
        p.at(priority, now_ms)
        self._buzzer.value(1 if p.buzzer else 0)
        self._led.value(1 if p.led else 0)


class Battery:
    def __init__(self, adc, divider_x1000):
        if type(divider_x1000) is not int or divider_x1000 < 1000:
            raise ValueError("divider ratio x1000 must be an int >= 1000")
        self._adc = adc
        self._div = divider_x1000

    def millivolts(self):
        return self._adc.read_u16() * ADC_VREF_MV * self._div // (ADC_FULL * 1000)


class Watchdog:
    """machine.WDT started at the first feed, not at boot: a WDT cannot be stopped, and a
    board that reset every few seconds while idle could never be reached by mpremote.
    The controller feeds only once the motor may move (app/controller.py)."""

    def __init__(self, timeout_ms):
        self.timeout_ms = timeout_ms
        self._wdt = None

    def feed(self):
        if self._wdt is None:
            from machine import WDT

            self._wdt = WDT(timeout=self.timeout_ms)
        self._wdt.feed()


class PicoBoard:
    """The parts, as attributes named in hal/__init__.py, built from a BoardConfig."""

    flash_dir = "/"
    _service = False  # the service jumper held through the boot: hal/pico/parts.py reads it

    def reset(self):
        """Restart the board now (after a command changed the rig)."""
        import machine

        machine.mem32[_WD_SCRATCH3] = _OWN_RESET  # so the next boot says "reset"
        machine.reset()

    def service_jumper(self):
        return self._service

    def reset_cause(self):
        """Why the board last started, for the event log: a watchdog reset means the
        loop was stuck, which the log must say. Read once per boot: it consumes the
        mark reset() leaves, so a later real watchdog reset is called one."""
        import machine

        cause = machine.reset_cause()
        ours = machine.mem32[_WD_SCRATCH3] == _OWN_RESET
        machine.mem32[_WD_SCRATCH3] = 0
        if cause == machine.WDT_RESET:
            return "reset" if ours else "watchdog"
        if cause == machine.PWRON_RESET:
            return "power"
        return "reset"

    def __init__(self, config, clock=None, watchdog_ms=WATCHDOG_MS):
        from machine import Pin

        off = 1 - config.active_levels.en
        en = Pin(config.pins.en, Pin.OUT, value=off)  # first: the driver disabled
        try:
            # Needed once: imported here, and app/startup.py drops it again (app/lazy.py).
            from hal.pico.parts import build

            build(self, config, en, clock, watchdog_ms)
        except BaseException:
            en.value(off)
            raise
