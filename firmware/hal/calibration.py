"""Calibration: run a known number of steps into a balance, enter the weighed volume, store
the factor. The factor scales the volume per microstep computed from the mechanics (bore
tolerance, lead error, a stopper that rolls), and is kept in the board config as ppm.

Refuses a run too small to weigh well (under MIN_NL, a balance's 0.1 mg is then above
0.1 %), and a factor outside the config's range: a rig that far from its drawing is
misassembled, and a factor must not hide that. Integers only."""
import json

from micropython import const

from hal import board_config

MIN_NL = const(100_000)  # 100 uL: 0.1 mg on a 0.1 mg balance is 0.1 %
_PPM = const(1_000_000)


class CalibrationError(ValueError):
    pass


def factor_ppm(config, steps, weighed_nl):
    """The calibration factor, rounded to the nearest ppm, that makes `steps` carry
    `weighed_nl`: weighed / (steps x the uncalibrated step volume)."""
    if type(steps) is not int or type(weighed_nl) is not int or steps <= 0:
        raise CalibrationError("steps and volume must be whole positive numbers")
    if weighed_nl < MIN_NL:
        raise CalibrationError("weigh at least %d nL; got %d" % (MIN_NL, weighed_nl))
    num, den = board_config.step_ratio(config)  # includes the current factor
    # step_ratio(config) = nominal * cal / 1e6, so nominal = num * 1e6 / (den * cal)
    cal = config.calibration_ppm
    top = weighed_nl * den * cal  # weighed * 1e6 / (steps * nominal), in ppm
    bottom = steps * num
    ppm = (2 * top + bottom) // (2 * bottom)
    if not 900_000 <= ppm <= 1_100_000:
        raise CalibrationError("factor %d ppm is beyond +-10 %%: check the rig" % ppm)
    return ppm


def with_factor(config_text, ppm):
    """The config text with its factor replaced, checked by load() before it is returned
    (the caller writes it to flash atomically)."""
    d = json.loads(config_text)
    d["calibration_ppm"] = ppm
    text = json.dumps(d)
    board_config.load(text)  # raises ConfigError: never store a config that will not boot
    return text
