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
from hal.pico.motor import FaultLine, Motor
from hal.pico.step_pio import StepPio

SM_ID = const(0)  # PIO0, state machine 0
SM_FREQ_HZ = const(1_000_000)  # 1 us per cycle: 125 MHz / 125 and 150 MHz / 150 exactly
ADC_VREF_MV = const(3300)
ADC_FULL = const(65535)
WATCHDOG_MS = const(5000)  # under the RP2040's 8388 ms ceiling
UART_BAUD = const(115200)  # the TMC2209 detects 9600..500k by itself
UART_TIMEOUT_MS = const(20)  # a reply starts within ~1 ms; 20 ms means no chip
DIAG_ACTIVE = const(1)  # the chip's: DIAG is push-pull, high on a stall or driver error
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

    def reset(self):
        """Restart the board now (after a command changed the rig)."""
        import machine

        machine.mem32[_WD_SCRATCH3] = _OWN_RESET  # so the next boot says "reset"
        machine.reset()

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
            self._build(config, en, clock, watchdog_ms)
        except BaseException:
            en.value(off)
            raise

    def _build(self, config, en, clock, watchdog_ms):
        from machine import ADC, UART, Pin

        pins, levels = config.pins, config.active_levels
        dir_pin = Pin(pins.dir, Pin.OUT, value=levels.dir_forward)
        if clock is None:
            from hal.pico.clock import Clock

            clock = Clock()
        self.clock = clock
        lines = [FaultLine("end_stop", Pin(pins.end_stop_max, Pin.IN, Pin.PULL_UP),
                           levels.end_stop)]
        if config.driver == "tmc2209":
            # Needed once, to set the chip up: imported here, and app/boot.py drops them
            # again (app/lazy.py), so an A4988 rig never loads them at all.
            from hal.board_config import uart_id
            from hal.tmc2209 import Tmc2209

            uart = UART(uart_id(config), baudrate=UART_BAUD, tx=Pin(pins.uart_tx),
                        rx=Pin(pins.uart_rx), timeout=UART_TIMEOUT_MS,
                        timeout_char=UART_TIMEOUT_MS)
            tmc = config.tmc2209
            Tmc2209(uart, tmc.node).configure(config.microsteps, tmc.irun, tmc.ihold,
                                              tmc.sgthrs)
            lines.append(FaultLine("stall", Pin(pins.diag, Pin.IN, Pin.PULL_UP),
                                   DIAG_ACTIVE))
        else:
            lines.append(FaultLine("occlusion", Pin(pins.occlusion, Pin.IN, Pin.PULL_UP),
                                   levels.occlusion))
        # Stops a retract (an occlusion's relief) at the empty side; no forward move
        # stops on it.
        self.end_stop_min = FaultLine("end_stop_min",
                                      Pin(pins.end_stop_min, Pin.IN, Pin.PULL_UP),
                                      levels.end_stop)
        self.button = Button(Pin(pins.bolus_button, Pin.IN, Pin.PULL_UP), levels.button,
                             config.button_hold_ms)
        pio = StepPio(SM_ID, pins.step, SM_FREQ_HZ, config.max_step_hz)
        self.motor = Motor(en, levels.en, dir_pin, levels.dir_forward, pio, SM_FREQ_HZ,
                           clock, lines, kbd_intr=kbd_intr, on_wait=self.button.sample,
                           back_lines=(self.end_stop_min,))
        self.indicators = Indicators(Pin(pins.buzzer, Pin.OUT, value=0),
                                     Pin(pins.led, Pin.OUT, value=0))
        self.battery = Battery(ADC(Pin(pins.battery_adc)), config.battery_divider_x1000)
        self.watchdog = Watchdog(watchdog_ms)
