"""Calibration on the simulated rig: a bore 2.3 % wider than the drawing is found by
running steps into the balance, and after the new factor the pump's volumes are the
world's to within a part per million. Runs under pytest and MicroPython."""
from hal import board_config
from hal.calibration import CalibrationError, MIN_NL, factor_ppm, with_factor
from hal.sim.board import SimBoard
from rigs import configs_dir, shipped

NAME = "pico_tmc2209_t8_bd60ml.json"


def _text():
    with open(configs_dir() + "/" + NAME) as f:
        return f.read()


def _weigh(config, rig, true_ppm, steps):
    board = SimBoard(config, rig, ".", true_ppm=true_ppm)
    board.world.fill(rig.capacity_nl)
    board.motor.enable(True)
    assert board.motor.move(steps) == steps
    board.world.tick(10_000_000)  # let the line drain onto the balance
    return board.world.delivered_nl


def test_a_wide_bore_is_found_and_corrected():
    config, rig = shipped(NAME)
    steps = 2000  # ~2.8 mL
    weighed = _weigh(config, rig, 1_023_000, steps)
    ppm = factor_ppm(config, steps, weighed)
    assert abs(ppm - 1_023_000) <= 1  # weighed to the nL: the factor to the ppm
    fixed = board_config.load(with_factor(_text(), ppm))
    assert fixed.calibration_ppm == ppm
    new_rig = board_config.rig(fixed)
    # The corrected rig believes what the world does: 10 000 steps, both ways, in nL.
    believed = 10_000 * new_rig.step_num // new_rig.step_den
    world = _weigh(fixed, new_rig, 1_023_000, 10_000)
    assert abs(believed - world) * 1_000_000 <= believed * 2  # within 2 ppm


def test_a_second_calibration_of_a_calibrated_rig_changes_nothing():
    config, rig = shipped(NAME)
    fixed = board_config.load(with_factor(_text(), 1_023_000))
    weighed = _weigh(fixed, board_config.rig(fixed), 1_023_000, 3000)
    assert abs(factor_ppm(fixed, 3000, weighed) - 1_023_000) <= 1


def test_too_little_to_weigh_and_absurd_factors_are_refused():
    config, rig = shipped(NAME)
    for steps, nl in ((10, MIN_NL - 1), (0, MIN_NL), (2000, 2000 * 1400 * 12 // 10),
                      (2000, 2000 * 1400 * 8 // 10)):
        try:
            factor_ppm(config, steps, nl)
        except CalibrationError:
            continue
        raise AssertionError("accepted %d steps for %d nL" % (steps, nl))


def test_a_factor_the_config_would_refuse_is_never_written():
    try:
        with_factor(_text(), 1_200_000)
    except board_config.ConfigError as err:
        assert err.field == "calibration_ppm"
    else:
        raise AssertionError("a config with a 20 % factor was produced")


def test_the_new_factor_replaces_one_number_and_keeps_the_builders_layout():
    text = _text()
    new = with_factor(text, 1_023_000)
    old_lines, new_lines = text.split("\n"), new.split("\n")
    assert len(old_lines) == len(new_lines)
    changed = [i for i in range(len(old_lines)) if old_lines[i] != new_lines[i]]
    assert len(changed) == 1
    assert new_lines[changed[0]].strip() == '"calibration_ppm": 1023000,'


def test_only_the_key_is_changed_where_its_name_is_also_a_value_before_it():
    import json
    d = json.loads(_text())
    model = d["syringe"]["model"]
    text = _text().replace('"' + model + '"', '"calibration_ppm"')  # a value, before the key
    assert text.index('"calibration_ppm"') < text.rindex('"calibration_ppm"')
    new = board_config.load(with_factor(text, 1_023_000))
    assert new.calibration_ppm == 1_023_000 and new.syringe.model == "calibration_ppm"
