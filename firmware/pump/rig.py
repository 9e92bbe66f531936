"""The rig as the logic sees it: volume per motor step as an exact ratio, the tubing's dead
volume, and the speeds the mechanism may run at.

Never rounds a step volume: a 1 mL syringe on an M5 rod moves ~4.5 nL a microstep, and a
rounding of a fraction of a nanolitre per step becomes microlitres per day. Never touches
hardware; the board config (issue 4) computes these numbers from the mechanics."""
from pump.dose_units import ceil_div
from pump.errors import PumpError, E_RANGE

_MAX_STEP_NL = 100_000  # 0.1 mL per step would make a 30 ug bolus a single lurch
_MAX_SPEED_NL_MIN = 1_000_000  # 1 mL/min: far above any intrathecal need
_MAX_STEP_HZ = 200_000  # what the board config allows: beyond any driver we know


def _require(ok, value):
    if not ok:
        raise PumpError(E_RANGE, value)


class Rig:
    """Mechanics: step_num/step_den nL per step; volumes in nL; speeds in nL/min;
    `max_step_hz` the rate every move runs at (the board config's), or None where no
    board moves (a rig built for the logic alone): the safety channel caps a move by it.
    `occlusion_nl`: what the line traps when the occlusion alarm trips (its compliance x
    the sensor's trip pressure, from the board config), drawn back when the alarm latches;
    None where the rig does not say (no relief, and no release bound is claimed)."""

    def __init__(self, step_num, step_den, capacity_nl, dead_volume_nl,
                 bolus_nl_per_min, prime_nl_per_min, min_flow_nl_per_day, max_step_hz=None,
                 occlusion_nl=None):
        for v in (step_num, step_den, capacity_nl, dead_volume_nl, bolus_nl_per_min,
                  prime_nl_per_min, min_flow_nl_per_day):
            _require(type(v) is int and v >= 0, v)
        _require(max_step_hz is None or (type(max_step_hz) is int
                                         and 0 < max_step_hz <= _MAX_STEP_HZ), max_step_hz)
        _require(occlusion_nl is None or (type(occlusion_nl) is int
                                          and 0 <= occlusion_nl < capacity_nl), occlusion_nl)
        _require(step_num > 0 and step_den > 0, step_den)
        _require(step_num <= _MAX_STEP_NL * step_den, step_num)
        _require(capacity_nl > 0, capacity_nl)
        _require(dead_volume_nl < capacity_nl, dead_volume_nl)
        _require(0 < bolus_nl_per_min <= _MAX_SPEED_NL_MIN, bolus_nl_per_min)
        _require(0 < prime_nl_per_min <= _MAX_SPEED_NL_MIN, prime_nl_per_min)
        g = _gcd(step_num, step_den)
        self.step_num = step_num // g
        self.step_den = step_den // g
        self.capacity_nl = capacity_nl
        self.dead_volume_nl = dead_volume_nl
        self.bolus_nl_per_min = bolus_nl_per_min
        self.prime_nl_per_min = prime_nl_per_min
        self.min_flow_nl_per_day = min_flow_nl_per_day
        self.max_step_hz = max_step_hz
        self.occlusion_nl = occlusion_nl

    def relief_steps(self):
        """Whole steps within what an occlusion traps: drawing back no more, the line is
        left at or above zero pressure (never sucking from the patient); 0 if unknown."""
        if self.occlusion_nl is None:
            return 0
        return self.occlusion_nl * self.step_den // self.step_num

    def step_nl_ceil(self):
        return ceil_div(self.step_num, self.step_den)


def _gcd(a, b):
    while b:
        a, b = b, a % b
    return a


def bench_rig():
    """A BD 60 mL syringe (26.7 mm bore) on a T8 lead screw at 1/16 microstepping: the
    virtual Pico's default. Step volume = pi/4 * 26.7^2 mm^2 * 8 mm / 3200, as the exact
    ratio 560 * 8 / 3200 uL with the area rounded to 560 mm^2 until the board config
    computes it from the mechanics. Steps at 2000 Hz, as that rig's config."""
    return Rig(step_num=1_400_000, step_den=1000, capacity_nl=60_000_000,
               dead_volume_nl=150_000, bolus_nl_per_min=10_000,
               prime_nl_per_min=50_000, min_flow_nl_per_day=48_000, max_step_hz=2000)
