"""A rig's wiring as SVG, drawn from its board config (board_configs/*.json): each GPIO
the config names, on the Pico's header pin, wired to what it drives or reads, with the
levels the config sets; the driver, motor, lead screw and syringe, and the volume of one
microstep as the firmware computes it.

The config is checked by the firmware's own loader first (hal/board_config.load), so a
config the board would refuse is never drawn. A pin the config gains that PARTS does not
know is refused (WiringError), so the picture cannot quietly leave a wire out. Draws, and
decides nothing about the rig."""
import json
from fractions import Fraction

from hal.board_config import load, step_ratio
from pumpctl.pictures.svg import Canvas, text_width


class WiringError(ValueError):
    pass


# The Pico's and Pico 2's 40-pin header (the pinout both datasheets print): GPIO -> the
# header pin a wire goes on. GP23..25 and GP29 are not on the header.
HEADER_PIN = {0: 1, 1: 2, 2: 4, 3: 5, 4: 6, 5: 7, 6: 9, 7: 10, 8: 11, 9: 12, 10: 14,
              11: 15, 12: 16, 13: 17, 14: 19, 15: 20, 16: 21, 17: 22, 18: 24, 19: 25,
              20: 26, 21: 27, 22: 29, 26: 31, 27: 32, 28: 34}
BOARD_NAMES = {"pico": "Raspberry Pi Pico", "pico2": "Raspberry Pi Pico 2"}
DRIVER_NAMES = {"a4988": "A4988", "drv8825": "DRV8825", "tmc2209": "TMC2209"}
# The enable input's name on each driver's datasheet (all three active low).
ENABLE_PIN = {"a4988": "ENABLE", "drv8825": "nENBL", "tmc2209": "ENN"}


# pin -> (the driver's pin name, or None for a part of its own; what the part says, from
# the config). Order: the order the wires are drawn, top to bottom.
PARTS = (
    ("step", "STEP", lambda c: "one pulse per microstep"),
    ("dir", "DIR", lambda c: "forward (delivers) = %d" % c["active_levels"]["dir_forward"]),
    ("en", None, lambda c: "enabled at %d (active low)" % c["active_levels"]["en"]),
    ("diag", "DIAG", lambda c: "StallGuard stall: the occlusion signal"),
    ("uart_tx", "PDN_UART", lambda c: "TX through 1 kOhm"),
    ("uart_rx", "PDN_UART", lambda c: "RX, same wire"),
    ("end_stop_min", None, lambda c: "end stop min (plunger back: syringe full), "
     "triggered = %d" % c["active_levels"]["end_stop"]),
    ("end_stop_max", None, lambda c: "end stop max (plunger forward: syringe empty), "
     "triggered = %d" % c["active_levels"]["end_stop"]),
    ("occlusion", None, lambda c: "occlusion switch (%d kPa), tripped = %d" % (
        c["occlusion_kpa"], c["active_levels"]["occlusion"])),
    ("bolus_button", None, lambda c: "bolus button, pressed = %d, held %d ms" % (
        c["active_levels"]["button"], c["button_hold_ms"])),
    ("buzzer", None, lambda c: "alarm buzzer"),
    ("led", None, lambda c: "alarm LED (external: GP25 is not on the header)"),
    ("battery_adc", None, lambda c: "battery divider, battery = %s x pin volts" % (
        _ratio(c["battery_divider_x1000"]))),
    ("service", None, lambda c: "service jumper to GND (pull-up), read at power-up"),
)
ADC_NAMES = {26: "ADC0", 27: "ADC1", 28: "ADC2"}
WIDTH = 800
ROW = 30  # px between wires
TOP = 96  # the first wire's y
PICO_X0, PICO_X1 = 16, 176
DRIVER_X0, DRIVER_X1 = 300, 430
PART_X0 = 300
SIZE, SMALL = 11, 10
INK, WIRE, NOTE = "#222222", "#1565c0", "#455a64"


def _ratio(x1000):
    return ("%.3f" % (x1000 / 1000)).rstrip("0").rstrip(".")


def _config(text, name):
    try:
        load(text)
    except ValueError as e:  # ConfigError: the firmware would refuse it, so no picture
        raise WiringError("%s: the firmware refuses it: %s" % (name, e)) from e
    return json.loads(text)


def render(text, name):
    """The wiring picture of the board config `text` (its file name `name`)."""
    c = _config(text, name)
    known = {pin for pin, _driver_pin, _say in PARTS}
    for pin in c["pins"]:
        if pin not in known:
            raise WiringError("%s: pin %r has no part in pumpctl/pictures/wiring_svg.py "
                              "PARTS" % (name, pin))
    rows = [(pin, ENABLE_PIN[c["driver"]] if pin == "en" else drv, say(c))
            for pin, drv, say in PARTS if pin in c["pins"]]
    driver_rows = [r for r in rows if r[1] is not None]
    height = TOP + ROW * len(rows) + 190
    canvas = Canvas(WIDTH, height, "Wiring of %s (%s)" % (c["name"], name))
    canvas.text(16, 26, c["name"], 14, weight="bold", halo=False)
    canvas.text(16, 46, "board_configs/%s, drawn from the file by tools/pictures.py"
                % name, SMALL, colour=NOTE, halo=False)
    first, last = TOP - 22, TOP + ROW * (len(rows) - 1) + 16
    canvas.rect(PICO_X0, first - 10, PICO_X1 - PICO_X0, last - first + 20, fill="#e8f5e9",
                node="pico")
    canvas.text(PICO_X0 + 8, first + 6, BOARD_NAMES[c["board"]], SMALL,
                weight="bold", owner="pico", halo=False)
    _driver(canvas, c, rows, driver_rows)
    for i, (pin, drv, say) in enumerate(rows):
        y = TOP + ROW * i
        gp = c["pins"][pin]
        where = "GP%d pin %d" % (gp, HEADER_PIN[gp])
        if pin == "battery_adc":
            where = "GP%d %s pin %d" % (gp, ADC_NAMES[gp], HEADER_PIN[gp])
        canvas.text(PICO_X1 - 8, y + 4, where, SMALL, "end", owner="pico", halo=False)
        x_end = DRIVER_X0 if drv is not None else PART_X0
        canvas.line([(PICO_X1, y), (x_end, y)], WIRE, arrow=False)
        canvas.text(PICO_X1 + 8, y - 4, pin, SMALL, colour=WIRE)
        if drv is None:
            canvas.text(PART_X0 + 8, y + 4, say, SIZE)
    bottom = _mechanics(canvas, c, TOP + ROW * len(rows) + 12)
    canvas.height = bottom + 14
    return canvas.render()


def _driver(canvas, c, rows, driver_rows):
    """The driver's box across its wires, its pin names inside, what each does beside."""
    ys = [TOP + ROW * rows.index(r) for r in driver_rows]
    y0, y1 = ys[0] - 16, ys[-1] + 16
    canvas.rect(DRIVER_X0, y0, DRIVER_X1 - DRIVER_X0, y1 - y0, fill="#fff3e0",
                node="driver")
    for (_pin, drv, say), y in zip(driver_rows, ys):
        canvas.text(DRIVER_X0 + 8, y + 4, drv, SMALL, owner="driver", halo=False)
        canvas.text(DRIVER_X1 + 8, y + 4, say, SMALL, colour=NOTE)
    canvas.text(DRIVER_X1 - 8, y0 + 14, DRIVER_NAMES[c["driver"]], SIZE, "end",
                weight="bold", owner="driver", halo=False)


def _mechanics(canvas, c, y):
    """Driver, motor, screw and syringe as a chain of boxes under the wires, and the
    volume of one microstep."""
    num, den = step_ratio(_loaded(c))
    nl = Fraction(num, den)
    chain = [
        ("driver", [DRIVER_NAMES[c["driver"]], "1/%d microsteps" % c["microsteps"],
                    "%d microsteps/s at most" % c["max_step_hz"]]),
        ("motor", ["stepper motor", "%d full steps/rev" % c["motor_steps_per_rev"],
                   "coils A, B from the driver"]),
        ("screw", ["lead screw", "%g mm a turn" % (c["lead_um"] / 1000)]),
        ("syringe", [c["syringe"]["model"], "bore %g mm" % (
            c["syringe"]["inner_diameter_um"] / 1000),
            "holds %s" % _volume(c["syringe"]["capacity_ul"])]),
    ]
    if c["driver"] == "tmc2209":
        t = c["tmc2209"]
        chain[0][1].append("node %d, SGTHRS %d" % (t["node"], t["sgthrs"]))
        chain[0][1].append("IRUN %d/32, IHOLD %d/32" % (t["irun"] + 1, t["ihold"] + 1))
    gap = 28
    # Each box as wide as its widest line, the room left shared out evenly.
    widths = [max(text_width(t, SMALL, bold=(k == 0)) for k, t in enumerate(lines)) + 16
              for _n, lines in chain]
    spare = (WIDTH - 32 - gap * (len(chain) - 1) - sum(widths)) / len(chain)
    box_h = 14 + 15 * max(len(lines) for _n, lines in chain)
    x = 16 - gap
    for i, (node, lines) in enumerate(chain):
        x += gap + (widths[i - 1] + spare if i else 0)
        box_w = widths[i] + spare
        canvas.rect(x, y, box_w, box_h, fill="#f3e5f5" if node == "syringe" else "#fafafa",
                    node="part:" + node)
        for k, line in enumerate(lines):
            canvas.text(x + box_w / 2, y + 18 + 15 * k, line, SMALL, "middle",
                        weight="bold" if k == 0 else None, owner="part:" + node,
                        halo=False)
        if i:
            canvas.line([(x - gap + 2, y + box_h / 2), (x - 2, y + box_h / 2)], INK)
    y += box_h + 24
    canvas.text(16, y, "one microstep = %s nL (%d/%d exactly, calibration %d ppm)" % (
        _decimal(nl), nl.numerator, nl.denominator, c["calibration_ppm"]), SIZE,
        weight="bold", halo=False)
    canvas.text(16, y + 18, "Not drawn: the motor supply (VMOT), 3V3 and GND to every part,"
                " the driver's logic supply.", SMALL, colour=NOTE, halo=False)
    return y + 18


def _loaded(c):
    return load(json.dumps(c))


def _volume(ul):
    return "%g mL" % (ul / 1000) if ul >= 1000 else "%d uL" % ul


def _decimal(x):
    """An exact Fraction shown to 6 significant figures, for people."""
    return "%.6g" % float(x)
