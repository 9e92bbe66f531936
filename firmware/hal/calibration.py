"""Calibration: run a known number of steps into a balance, enter the weighed volume, store
the factor. The factor scales the volume per microstep computed from the mechanics (bore
tolerance, lead error, a stopper that rolls), and is kept in the board config as ppm.

Refuses a run too small to weigh well (under MIN_NL, a balance's 0.1 mg is then above
0.1 %), and a factor outside the config's range: a rig that far from its drawing is
misassembled, and a factor must not hide that. Never returns config text that load()
refuses. Integers only; errors carry codes (pump/errors.py), words are the console's."""
import json

from micropython import const

from hal import board_config
from pump.errors import E_CAL_FACTOR, E_CAL_SMALL, E_RANGE

MIN_NL = const(100_000)  # 100 uL: 0.1 mg on a 0.1 mg balance is 0.1 %
_PPM = const(1_000_000)
_LO_PPM = const(900_000)
_HI_PPM = const(1_100_000)
_KEY = '"calibration_ppm"'


class CalibrationError(ValueError):
    """A refused calibration: `code` (pump.errors) and the numbers behind it."""

    def __init__(self, code, *values):
        super().__init__(code, *values)
        self.code = code
        self.values = values


def factor_ppm(config, steps, weighed_nl):
    """The calibration factor, rounded to the nearest ppm, that makes `steps` carry
    `weighed_nl`: weighed / (steps x the uncalibrated step volume)."""
    if type(steps) is not int or type(weighed_nl) is not int or steps <= 0:
        raise CalibrationError(E_RANGE, steps)
    if weighed_nl < MIN_NL:
        raise CalibrationError(E_CAL_SMALL, weighed_nl, MIN_NL)
    num, den = board_config.step_ratio(config)  # includes the current factor
    # step_ratio(config) = nominal * cal / 1e6, so nominal = num * 1e6 / (den * cal)
    cal = config.calibration_ppm
    top = weighed_nl * den * cal  # weighed * 1e6 / (steps * nominal), in ppm
    bottom = steps * num
    ppm = (2 * top + bottom) // (2 * bottom)
    if not _LO_PPM <= ppm <= _HI_PPM:
        raise CalibrationError(E_CAL_FACTOR, ppm)
    return ppm


def with_factor(config_text, ppm):
    """The config text with its factor replaced and nothing else changed (the builder's
    layout kept), checked by load() before it is returned (the caller writes it to flash
    atomically). Raises ConfigError rather than return text that would not boot."""
    board_config.load(config_text)  # one "calibration_ppm" key, an integer in range
    at = config_text.find(_KEY)
    # The key is the only place that text occurs as a key; as a value (a name) it could
    # come first, so look for the one followed by a colon.
    while at >= 0:
        i = at + len(_KEY)
        while i < len(config_text) and config_text[i] in " \t\r\n":
            i += 1
        if i < len(config_text) and config_text[i] == ":":
            break
        at = config_text.find(_KEY, at + 1)
    if at < 0:
        raise board_config.ConfigError("calibration_ppm", "not found in the text")
    i += 1
    while config_text[i] in " \t\r\n":
        i += 1
    j = i
    while j < len(config_text) and "0" <= config_text[j] <= "9":
        j += 1
    text = config_text[:i] + str(ppm) + config_text[j:]
    board_config.load(text)  # raises ConfigError: never store a config that will not boot
    old, new = json.loads(config_text), json.loads(text)
    old["calibration_ppm"] = ppm
    if old != new:  # the edit touched something else: refuse rather than guess
        raise board_config.ConfigError("calibration_ppm", "could not be replaced alone")
    return text
