"""The Pico board's construction (hal/pico/board.py's PicoBoard calls build() once):
every part from the checked BoardConfig, the GPIO of each. Needed only at boot: boot
drops this module once the board is built (app/lazy.py), so its code does not stay in
the heap; the parts it makes are board.py's and hal/pico's own classes.

EN is already built, inactive, when build() runs; if anything here fails, PicoBoard
drives it inactive again and the exception goes on."""
from micropython import const

from hal.pico.board import Battery, Button, Indicators, Watchdog, kbd_intr
from hal.pico.motor import FaultLine, Motor
from hal.pico.step_pio import StepPio

SM_ID = const(0)  # PIO0, state machine 0
SM_FREQ_HZ = const(1_000_000)  # 1 us per cycle: 125 MHz / 125 and 150 MHz / 150 exactly
# The service jumper (pins.service to GND) must read low this long from boot, sampled
# every ms: a floating or bouncing wire is not the act.
SERVICE_HOLD_MS = const(50)
UART_BAUD = const(115200)  # the TMC2209 detects 9600..500k by itself
UART_TIMEOUT_MS = const(20)  # a reply starts within ~1 ms; 20 ms means no chip
DIAG_ACTIVE = const(1)  # the chip's: DIAG is push-pull, high on a stall or driver error


def _held_low(pin, clock):
    for _ in range(SERVICE_HOLD_MS):
        if pin.value():
            return False
        clock.sleep_ms(1)
    return True


def build(board, config, en, clock, watchdog_ms):
    from machine import ADC, UART, Pin

    pins, levels = config.pins, config.active_levels
    dir_pin = Pin(pins.dir, Pin.OUT, value=levels.dir_forward)
    if clock is None:
        from hal.pico.clock import Clock

        clock = Clock()
    board.clock = clock
    # Read before the watchdog is armed, once: a jumper put in later means nothing
    # until the next power-up, by someone with the board in hand.
    board._service = pins.service is not None and _held_low(
        Pin(pins.service, Pin.IN, Pin.PULL_UP), clock)
    lines = [FaultLine("end_stop", Pin(pins.end_stop_max, Pin.IN, Pin.PULL_UP),
                       levels.end_stop)]
    if config.driver == "tmc2209":
        # Needed once, to set the chip up: imported here, and app/startup.py drops them
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
    board.end_stop_min = FaultLine("end_stop_min",
                                  Pin(pins.end_stop_min, Pin.IN, Pin.PULL_UP),
                                  levels.end_stop)
    board.button = Button(Pin(pins.bolus_button, Pin.IN, Pin.PULL_UP), levels.button,
                         config.button_hold_ms)
    pio = StepPio(SM_ID, pins.step, SM_FREQ_HZ, config.max_step_hz)
    board.motor = Motor(en, levels.en, dir_pin, levels.dir_forward, pio, SM_FREQ_HZ,
                       clock, lines, kbd_intr=kbd_intr, on_wait=board.button.sample,
                       back_lines=(board.end_stop_min,))
    board.indicators = Indicators(Pin(pins.buzzer, Pin.OUT, value=0),
                                 Pin(pins.led, Pin.OUT, value=0))
    board.battery = Battery(ADC(Pin(pins.battery_adc)), config.battery_divider_x1000)
    board.watchdog = Watchdog(watchdog_ms)
