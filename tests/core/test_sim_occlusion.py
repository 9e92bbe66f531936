"""An occlusion on each shipped rig: the pump's alarm comes within the volume its physics
allows (the line's compliance times the trip pressure, plus one step), in the time that
volume takes at the basal rate, with the motor stopped; the pump then draws back what
the line traps, so the fluid released when the line opens is under two steps (issue 14,
item 4: it was the whole trapped volume, 186 uL on the 60 mL rig). Runs under pytest and
MicroPython."""
from hal.sim import physics
from rigs import SHIPPED, occlusion_trial, shipped


def test_the_occlusion_alarm_comes_within_the_physical_bound_on_every_rig():
    for name in SHIPPED:
        config, rig = shipped(name)
        missed, ms, released = occlusion_trial(name)
        c = physics.compliance_nl_per_kpa(config.syringe.model,
                                          config.syringe.inner_diameter_um)
        step = rig.step_nl_ceil()
        bound = c * physics.TRIP_KPA + step
        assert 0 < missed <= bound, (name, missed, bound)
        # Time: the bound's volume at 700 ug/d of 1 mg/mL (0.7 mL/day), one chunk late at
        # most, plus the step the integrator may hold back.
        flow_nl_per_day = 700_000
        assert ms <= (bound + step) * 86_400_000 // flow_nl_per_day + 60_000, (name, ms)
        assert released < 2 * rig.step_num // rig.step_den + 1, (name, released, missed)


def test_the_60_ml_rig_releases_under_two_steps_not_186_ul_when_the_kink_clears():
    # The case: morphine 10 mg/mL at 0.7 mg/day; 1.86 mg came out within a minute.
    config, rig = shipped("pico_tmc2209_t8_bd60ml.json")
    missed, ms, released = occlusion_trial("pico_tmc2209_t8_bd60ml.json", 700_000,
                                           10_000_000, 600_000, "morphine", 60_000)
    assert missed > 180_000  # the physics is unchanged: the line still traps that much
    assert released <= 2 * rig.step_num // rig.step_den  # 2.8 uL = 28 ug, under 250 ug


def test_small_syringes_miss_less_than_10_uL_and_the_60_mL_does_not():
    # The figure the issue aims at (under 10 uL; insulin pumps ~30 uL) is physics, not
    # firmware: a 60 mL stopper swallows ~6 uL per kPa. docs/hardware.md says so.
    small = occlusion_trial("pico_a4988_m5_bd1ml.json")[0]
    glass = occlusion_trial("pico2_drv8825_hamilton250ul.json")[0]
    large = occlusion_trial("pico_tmc2209_t8_bd60ml.json")[0]
    assert small < 10_000 and glass < 10_000
    assert large > 100_000
