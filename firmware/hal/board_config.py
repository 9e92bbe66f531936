"""Board configs: one rig's pins, driver and mechanics, checked in full when loaded. A config
that is refused leaves the motor disabled: load() raises ConfigError before any pin is
built, and the caller keeps EN at its inactive level and raises the alarm.

Never returns a half-checked config, never rounds a step volume, never touches a pin.
Every rule is a row in a table below, checked in one loop; no floats anywhere, so the same
file runs under CPython and MicroPython (the JSON text comes from a file the caller read).
"""
import json

from pump.errors import PumpError
from pump.rig import Rig

_TEXT_MAX = 4096  # characters; a config is ~1 kB, and a bound keeps json.loads bounded
_DEPTH_MAX = 8  # a config nests 2 deep; deeper text is refused before it is walked
_NL_PER_UL = 1000
_UM3_PER_NL = 1_000_000
_PPM = 1_000_000
# pi as 355/113: relative error 8.5e-8, against a syringe bore tolerance of ~1e-2 (1 % on
# the diameter is 2 % on the volume). The calibration factor absorbs both.
_PI_NUM = 355
_PI_DEN = 113

_INT = 0  # (key, _INT, lo, hi): an int (bool and float refused) with lo <= v <= hi
_STR = 1  # (key, _STR, min_len, max_len)
_ONE_OF = 2  # (key, _ONE_OF, allowed values)
_OBJ = 3  # (key, _OBJ, rows of the section)

# GPIOs on the Pico and Pico 2 headers: GP23..25 and GP29 are wired on the board (SMPS
# mode, VBUS sense, LED, VSYS/3) or to the radio on a Pico W, so a rig may not claim them.
_HEADER_GPIO = tuple(range(0, 23)) + (26, 27, 28)
_BOARD_GPIO = {"pico": _HEADER_GPIO, "pico2": _HEADER_GPIO}
_BOARD_ADC = {"pico": (26, 27, 28), "pico2": (26, 27, 28)}  # ADC0..2 on the header
# UART function per GPIO (RP2040 datasheet 1.4.3; the RP2350 keeps these): pin -> UART.
_UART_TX = {0: 0, 12: 0, 16: 0, 4: 1, 8: 1, 20: 1}
_UART_RX = {1: 0, 13: 0, 17: 0, 5: 1, 9: 1, 21: 1}

# Per driver: microsteps it can do, the highest step rate we allow, its EN active level
# and the pins only it has. Step rates: A4988 datasheet (Allegro) STEP high >= 1 us and
# low >= 1 us, so 500 kHz electrically; DRV8825 (TI SLVSA73) 1.9 us each, 250 kHz; the
# TMC2209 (Trinamic datasheet 2.0) takes up to fCLK/2, ~6 MHz. We allow a fifth of the
# first two and far less of the third: the Pico's 3.3 V edges down a ribbon cable, and a
# syringe needs at most a few kHz. All three EN/ENN inputs are active low.
_DRIVERS = {
    "a4988": ((1, 2, 4, 8, 16), 100_000, 0, ("occlusion",)),
    "drv8825": ((1, 2, 4, 8, 16, 32), 50_000, 0, ("occlusion",)),
    "tmc2209": ((1, 2, 4, 8, 16, 32, 64, 128, 256), 200_000, 0,
                ("diag", "uart_tx", "uart_rx")),
}
_COMMON_PINS = ("step", "dir", "en", "end_stop_min", "end_stop_max", "bolus_button",
                "buzzer", "led", "battery_adc")
_ALL_PINS = _COMMON_PINS + ("occlusion", "diag", "uart_tx", "uart_rx")

_LEVEL_ROWS = (("en", _INT, 0, 1), ("dir_forward", _INT, 0, 1), ("end_stop", _INT, 0, 1),
               ("button", _INT, 0, 1))
# A rig with an occlusion switch says its level: a force sensor's comparator may be
# active high or low, whatever the end stops are.
_OCCLUSION_LEVEL = (("occlusion", _INT, 0, 1),)
_ALL_LEVELS = ("en", "dir_forward", "end_stop", "button", "occlusion")
# TMC2209 (Trinamic datasheet rev 1.09): node is the UART address MS1/MS2 strap (0..3);
# IRUN and IHOLD scale the current the VREF pot allows, (CS + 1)/32 of it (5.5: the pot
# stays the ceiling, so no value here can overdrive the motor); SGTHRS is the StallGuard
# threshold: DIAG fires when SG_RESULT <= 2 x SGTHRS (0: only at a full stall).
_TMC_ROWS = (("node", _INT, 0, 3), ("irun", _INT, 0, 31), ("ihold", _INT, 0, 31),
             ("sgthrs", _INT, 0, 255))
# Top-level sections only some drivers have.
_DRIVER_SECTIONS = {"tmc2209": (("tmc2209", _OBJ, _TMC_ROWS),)}
_DRIVER_NAMES = ("a4988", "drv8825", "tmc2209")
_SYRINGE_ROWS = (
    ("model", _STR, 1, 40),
    ("inner_diameter_um", _INT, 1_000, 35_000),  # 1 mm glass to a 60 mL bore (26.7 mm)
    ("capacity_ul", _INT, 10, 100_000),
)
_ROWS = (
    ("name", _STR, 1, 80),
    ("board", _ONE_OF, ("pico", "pico2")),
    ("driver", _ONE_OF, _DRIVER_NAMES),
    ("pins", _OBJ, None),  # rows depend on the driver (checked above): see _pin_rows
    ("active_levels", _OBJ, None),  # rows depend on the driver: see _level_rows
    ("motor_steps_per_rev", _ONE_OF, (200, 400)),  # 1.8 and 0.9 degree steppers
    ("microsteps", _INT, 1, 256),
    ("lead_um", _INT, 200, 10_000),  # M1.6 rod (350 um) .. T8x8 (8 mm)
    ("syringe", _OBJ, _SYRINGE_ROWS),
    # Battery volts / ADC pin volts, x1000: 3000 for 200k over 100k (as the Pico's VSYS/3).
    # Measure it (a meter on the battery, the reading on the console) to calibrate.
    ("battery_divider_x1000", _INT, 1_000, 20_000),
    ("max_step_hz", _INT, 1, 200_000),
    ("bolus_ul_per_min", _INT, 1, 1_000),  # pump.rig allows at most 1 mL/min
    ("prime_ul_per_min", _INT, 1, 1_000),
    ("min_flow_ul_per_day", _INT, 1, 1_000),  # catheter-open flow; 0 lets it clot
    # What an occlusion traps: the fluid path's compliance (mostly the syringe stopper's
    # bulge, measured: volume in per kPa with the outlet capped) and the pressure at which
    # the occlusion sensor (switch, or StallGuard) trips. Their product is what the pump
    # draws back when the alarm latches, so a compliance written too high would draw
    # from the patient: write the measured value, never more.
    ("line_nl_per_kpa", _INT, 1, 20_000),
    ("occlusion_kpa", _INT, 1, 100),
    ("dead_volume_ul", _INT, 0, 5_000),  # tubing + catheter
    ("calibration_ppm", _INT, 900_000, 1_100_000),  # beyond +-10 % the rig is wrong
    ("button_hold_ms", _INT, 500, 5_000),  # under 0.5 s a bump counts; over 5 s, a hand tires
)


class ConfigError(ValueError):
    """A refused config: `field` is a path such as `pins.step`, `reason` says why."""

    def __init__(self, field, reason):
        super().__init__(field + ": " + reason)
        self.field = field
        self.reason = reason


class Section:
    """A checked sub-object (pins, active_levels, syringe) as attributes."""

    def __init__(self, values):
        for key in values:
            setattr(self, key, values[key])


class BoardConfig:
    """A checked config: the fields of _ROWS as attributes; absent driver pins are None."""

    def __init__(self, d):
        for row in _ROWS:
            setattr(self, row[0], d[row[0]])
        pins = {}
        for key in _ALL_PINS:
            pins[key] = d["pins"].get(key)
        self.pins = Section(pins)
        levels = {}
        for key in _ALL_LEVELS:
            levels[key] = d["active_levels"].get(key)
        self.active_levels = Section(levels)
        self.syringe = Section(d["syringe"])
        self.tmc2209 = Section(d["tmc2209"]) if "tmc2209" in d else None


def load(text):
    """Parse and check a config; returns a BoardConfig or raises ConfigError."""
    d = _parse(text)
    _check_rows(d, _ROWS + _driver_sections(d), "")
    for field, rule, reason in _RULES:
        bad = rule(d)
        if bad is not None:
            raise ConfigError(field, reason + bad)
    config = BoardConfig(d)
    try:
        rig(config)
    except PumpError as err:  # the ranges above should make this unreachable; refuse anyway
        raise ConfigError("rig", "pump.rig refuses it, code " + str(err.code))
    return config


def step_ratio(config):
    """nL per microstep as (num, den): pi/4 * D^2 * lead / (steps/rev * microsteps) * cal."""
    d_um = config.syringe.inner_diameter_um
    num = _PI_NUM * d_um * d_um * config.lead_um * config.calibration_ppm
    den = (_PI_DEN * 4 * config.motor_steps_per_rev * config.microsteps * _PPM
           * _UM3_PER_NL)
    return num, den


def uart_id(config):
    """The RP2 UART (0 or 1) that a TMC2209 config's TX and RX pins belong to."""
    return _UART_TX[config.pins.uart_tx]


def rig(config):
    """The pump.rig.Rig of a loaded config: volumes in nL, the step volume exact."""
    num, den = step_ratio(config)
    return Rig(step_num=num, step_den=den,
               capacity_nl=config.syringe.capacity_ul * _NL_PER_UL,
               dead_volume_nl=config.dead_volume_ul * _NL_PER_UL,
               bolus_nl_per_min=config.bolus_ul_per_min * _NL_PER_UL,
               prime_nl_per_min=config.prime_ul_per_min * _NL_PER_UL,
               min_flow_nl_per_day=config.min_flow_ul_per_day * _NL_PER_UL,
               max_step_hz=config.max_step_hz,
               occlusion_nl=config.line_nl_per_kpa * config.occlusion_kpa)


def _parse(text):
    if type(text) is not str:
        raise ConfigError("text", "not a str")
    if len(text) > _TEXT_MAX:
        raise ConfigError("text", "longer than " + str(_TEXT_MAX) + " characters")
    for c in text:  # plain ASCII, no escapes: every key is then visible to _key_counts
        if not (" " <= c <= "~" or c in "\t\r\n") or c == "\\":
            raise ConfigError("text", "character " + str(ord(c)) + " not allowed")
    try:
        d = json.loads(text)
    except (ValueError, RuntimeError) as err:  # RuntimeError: nesting too deep
        raise ConfigError("text", "not JSON (" + str(err) + ")")
    if type(d) is not dict:
        raise ConfigError("text", "not a JSON object")
    # json.loads keeps the last of two equal keys; a duplicate is a typo we must see.
    seen = {}
    _count_keys(d, seen)
    written = _key_counts(text)
    for key in sorted(written):
        if written[key] > seen.get(key, 0):
            raise ConfigError(key, "given twice in one object")
    return d


def _key_counts(text):
    """How often each key is written: a string followed by ':' (no escapes in the text)."""
    counts = {}
    i = 0
    while True:
        a = text.find('"', i)
        b = text.find('"', a + 1) if a >= 0 else -1
        if b < 0:
            return counts
        j = b + 1
        while j < len(text) and text[j] in " \t\r\n":
            j += 1
        if j < len(text) and text[j] == ":":
            key = text[a + 1:b]
            counts[key] = counts.get(key, 0) + 1
        i = b + 1


def _count_keys(root, counts):
    """How often each key occurs in the parsed text; a loop, not recursion, so that deep
    nesting (which MicroPython's json.loads accepts) is refused, not a stack overflow."""
    stack = [(root, 0)]
    while stack:
        value, depth = stack.pop()
        if type(value) is dict:
            children = [value[key] for key in value]
            for key in value:
                counts[key] = counts.get(key, 0) + 1
        elif type(value) is list:
            children = value
        else:
            continue
        if depth >= _DEPTH_MAX:
            raise ConfigError("text", "nested deeper than " + str(_DEPTH_MAX))
        for child in children:
            stack.append((child, depth + 1))


def _pin_rows(driver):
    return tuple((key, _INT, 0, 29) for key in _COMMON_PINS + _DRIVERS[driver][3])


def _level_rows(driver):
    return _LEVEL_ROWS + (_OCCLUSION_LEVEL if "occlusion" in _DRIVERS[driver][3] else ())


def _driver_sections(d):
    """The top-level rows only this config's driver has. The driver is checked first: the
    fields it decides cannot be judged without it."""
    drv = d.get("driver")
    if "driver" in d and (type(drv) is not str or drv not in _DRIVERS):
        raise ConfigError("driver", "must be one of " + str(_DRIVER_NAMES))
    return _DRIVER_SECTIONS.get(drv, ()) if "driver" in d else ()


def _check_rows(d, rows, prefix):
    """Every row present with its type and range, and no key that is not a row."""
    if type(d) is not dict:
        raise ConfigError(prefix[:-1] or "text", "not a JSON object")
    known = [row[0] for row in rows]
    for key in sorted(d):
        if key not in known:
            other = ((prefix == "pins." and key in _ALL_PINS)
                     or (prefix == "active_levels." and key in _ALL_LEVELS)
                     or (prefix == "" and key in _DRIVER_SECTIONS))
            raise ConfigError(prefix + key, "not used by this driver" if other
                              else "unknown field")
    for row in rows:
        key, kind = row[0], row[1]
        field = prefix + key
        if key not in d:
            raise ConfigError(field, "missing")
        v = d[key]
        if kind == _OBJ:  # pins, levels: rows of the driver, checked before them
            sub = row[2]
            if sub is None:
                sub = _level_rows(d["driver"]) if key == "active_levels" else _pin_rows(d["driver"])
            _check_rows(v, sub, field + ".")
        elif kind == _ONE_OF:
            if type(v) not in (int, str) or v not in row[2]:
                raise ConfigError(field, "must be one of " + str(row[2]))
        elif kind == _STR:
            if type(v) is not str or not row[2] <= len(v) <= row[3]:
                raise ConfigError(field, "must be text of " + str(row[2]) + ".."
                                  + str(row[3]) + " characters")
        elif type(v) is not int or not row[2] <= v <= row[3]:
            raise ConfigError(field, "must be an integer in " + str(row[2]) + ".."
                              + str(row[3]))


# Cross-field rules, run in order once every field has its type and range. Each returns
# None when the rule holds, or the detail appended to its reason.

def _pins_exist(d):
    usable = _BOARD_GPIO[d["board"]]
    owner = {}
    for key in _ALL_PINS:
        gp = d["pins"].get(key)
        if gp is None:
            continue
        if gp not in usable:
            raise ConfigError("pins." + key, "GP" + str(gp) + " is not usable on "
                              + d["board"])
        if gp in owner:
            raise ConfigError("pins." + key, "GP" + str(gp) + " already used by pins."
                              + owner[gp])
        owner[gp] = key
    return None


def _adc(d):
    gp = d["pins"]["battery_adc"]
    return None if gp in _BOARD_ADC[d["board"]] else "GP" + str(gp)


def _uart(d):
    p = d["pins"]
    if "uart_tx" not in p:
        return None
    tx, rx = _UART_TX.get(p["uart_tx"]), _UART_RX.get(p["uart_rx"])
    if tx is None or rx is None or tx != rx:
        return "GP" + str(p["uart_tx"]) + "/GP" + str(p["uart_rx"])
    return None


def _microsteps(d):
    return None if d["microsteps"] in _DRIVERS[d["driver"]][0] else d["driver"]


def _max_step(d):
    top = _DRIVERS[d["driver"]][1]
    return None if d["max_step_hz"] <= top else str(top) + " Hz for " + d["driver"]


def _en_level(d):
    return None if d["active_levels"]["en"] == _DRIVERS[d["driver"]][2] else d["driver"]


def _hold_current(d):
    t = d.get("tmc2209")
    if t is None or t["ihold"] <= t["irun"]:
        return None
    return str(t["ihold"]) + " > irun " + str(t["irun"])


def _dead_volume(d):
    return None if d["dead_volume_ul"] < d["syringe"]["capacity_ul"] else (
        str(d["syringe"]["capacity_ul"]) + " uL")


def _trapped(d):
    nl = d["line_nl_per_kpa"] * d["occlusion_kpa"]
    return None if nl * 10 < d["syringe"]["capacity_ul"] * _NL_PER_UL else (
        str(nl) + " nL")


def _reachable(key):
    def rule(d):
        num, den = step_ratio(BoardConfig(d))
        nl_per_min = d[key] * _NL_PER_UL
        if nl_per_min * den <= d["max_step_hz"] * 60 * num:
            return None
        return str(d["max_step_hz"]) + " Hz gives " + str(
            d["max_step_hz"] * 60 * num // (den * _NL_PER_UL)) + " uL/min"
    return rule


_RULES = (
    ("pins", _pins_exist, ""),  # raises itself, with the pin's own field
    ("pins.battery_adc", _adc, "not an ADC pin: "),
    ("pins.uart_rx", _uart, "TX and RX not on one UART: "),
    ("microsteps", _microsteps, "not supported by "),
    ("max_step_hz", _max_step, "above the driver's limit of "),
    ("active_levels.en", _en_level, "EN is active low (0) on "),
    ("dead_volume_ul", _dead_volume, "not below the syringe capacity of "),
    ("occlusion_kpa", _trapped, "traps a tenth of the syringe or more: "),
    ("tmc2209.ihold", _hold_current, "hold current above the run current: "),
    ("bolus_ul_per_min", _reachable("bolus_ul_per_min"), "too fast: max_step_hz "),
    ("prime_ul_per_min", _reachable("prime_ul_per_min"), "too fast: max_step_hz "),
)
