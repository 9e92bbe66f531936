"""Board configs: the shipped rigs load and their step volume is the hand-computed exact
fraction; every refusal names its field. Runs under pytest and MicroPython (plain asserts,
integers only, no os.path: the repo root is found from __file__ with string operations)."""
import json
import os

from hal.board_config import ConfigError, load, rig

SHIPPED = ("pico2_drv8825_hamilton250ul.json", "pico_a4988_m5_bd1ml.json",
           "pico_tmc2209_t8_bd3ml.json", "pico_tmc2209_t8_bd60ml.json")


def _configs_dir():
    here = __file__  # ".../tests/core/test_board_config.py" or a relative form of it
    core = here.rsplit("/", 1)[0] if "/" in here else "."
    return core + "/../../board_configs"


def text_of(name):
    with open(_configs_dir() + "/" + name) as f:
        return f.read()


def data_of(name="pico_a4988_m5_bd1ml.json"):
    return json.loads(text_of(name))


def refused(text):
    """load(text) must raise ConfigError; returns it."""
    try:
        load(text)
    except ConfigError as err:
        return err
    raise AssertionError("config accepted, expected ConfigError")


def refused_field(d, field):
    err = refused(json.dumps(d))
    assert err.field == field, "expected field " + field + ", got " + str(err)
    assert isinstance(err, ValueError)
    return err


# Hand computation: pi/4 * D^2 * lead / (200 * microsteps), pi = 355/113, um^3 -> nL / 1e6.
# (file, D um, lead um, microsteps, nL per step * 1000 rounded down, from pi = 3.14159...)
HAND = (
    ("pico_a4988_m5_bd1ml.json", 4780, 800, 16, 4486),  # 17.945 mm^2 * 0.25 um
    ("pico_tmc2209_t8_bd3ml.json", 8660, 8000, 64, 36813),  # 58.902 mm^2 * 0.625 um
    ("pico2_drv8825_hamilton250ul.json", 2300, 2000, 32, 1298),  # 4.155 mm^2 * 0.3125 um
    ("pico_tmc2209_t8_bd60ml.json", 26700, 8000, 16, 1399756),  # 559.90 mm^2 * 2.5 um
)


def test_exactly_the_four_rigs_are_shipped():
    names = sorted(n for n in os.listdir(_configs_dir()) if n.endswith(".json"))
    assert tuple(names) == SHIPPED, names


def test_each_shipped_rig_loads_with_the_hand_computed_exact_step_volume():
    for name, d_um, lead_um, micro, pl in HAND:
        r = rig(load(text_of(name)))
        num = 355 * d_um * d_um * lead_um
        den = 113 * 4 * 200 * micro * 1_000_000
        assert r.step_num * den == num * r.step_den, name
        assert r.step_num * 1000 // r.step_den == pl, name


def test_shipped_step_volumes_are_reduced_fractions():
    expected = {"pico_a4988_m5_bd1ml.json": (4055591, 904000),
                "pico_tmc2209_t8_bd3ml.json": (13311719, 361600),
                "pico2_drv8825_hamilton250ul.json": (37559, 28928),
                "pico_tmc2209_t8_bd60ml.json": (5061519, 3616)}
    for name in SHIPPED:
        r = rig(load(text_of(name)))
        assert (r.step_num, r.step_den) == expected[name], name


def test_calibration_scales_the_step_volume_exactly():
    d = data_of()
    d["calibration_ppm"] = 1_020_000  # the rig delivers 2 % more than the geometry says
    r = rig(load(json.dumps(d)))
    base = rig(load(text_of("pico_a4988_m5_bd1ml.json")))
    assert r.step_num * base.step_den * 100 == base.step_num * r.step_den * 102


def test_rig_volumes_and_speeds_are_the_config_values_in_nl():
    c = load(text_of("pico_tmc2209_t8_bd60ml.json"))
    r = rig(c)
    assert r.capacity_nl == 60_000_000 and r.dead_volume_nl == 150_000
    assert r.bolus_nl_per_min == 10_000 and r.prime_nl_per_min == 50_000
    assert r.min_flow_nl_per_day == 48_000
    assert c.pins.diag == 11 and c.pins.occlusion is None and c.pins.uart_tx == 8
    assert c.active_levels.en == 0 and c.syringe.inner_diameter_um == 26_700


def test_the_60_ml_rig_holds_a_40_ml_reservoir():
    assert rig(load(text_of("pico_tmc2209_t8_bd60ml.json"))).capacity_nl >= 40_000_000


def test_a_30_ul_bolus_finishes_within_10_min_on_every_rig():
    for name in SHIPPED:
        c = load(text_of(name))
        assert c.bolus_ul_per_min * 10 >= 30, name
        r = rig(c)
        steps = -(-30_000 * r.step_den // r.step_num)  # whole steps for 30 uL, rounded up
        assert steps <= c.max_step_hz * 600, name  # and the motor can issue them in 10 min


def test_missing_field_is_refused_with_its_path():
    for path in (("microsteps",), ("pins", "step"), ("syringe", "capacity_ul"),
                 ("active_levels", "button")):
        d = data_of()
        obj = d
        for key in path[:-1]:
            obj = obj[key]
        del obj[path[-1]]
        assert refused_field(d, ".".join(path)).reason == "missing"


def test_typo_key_is_refused_not_ignored():
    d = data_of()
    d["microstep"] = d.pop("microsteps")
    assert refused_field(d, "microstep").reason == "unknown field"
    d = data_of()
    d["pins"]["end_stop_mni"] = 20
    assert refused_field(d, "pins.end_stop_mni").reason == "unknown field"


def test_a_key_given_twice_is_refused():
    text = text_of("pico_a4988_m5_bd1ml.json").replace(
        '"microsteps": 16,', '"microsteps": 16, "microsteps": 2,')
    assert refused(text).field == "microsteps"


def test_wrong_types_are_refused_bool_and_float_included():
    for key, bad in (("microsteps", True), ("microsteps", 16.0), ("microsteps", "16"),
                     ("lead_um", None), ("name", 5), ("pins", [2, 3]), ("board", 1)):
        d = data_of()
        d[key] = bad
        refused_field(d, key)
    assert refused('{"microsteps": 1e1}').field == "name"  # first missing, before types
    d = data_of()
    d["active_levels"]["en"] = False
    refused_field(d, "active_levels.en")


def test_text_that_is_not_a_json_object_is_refused():
    for text in ("", "{", "[1, 2]", "null", '{"a": "\\u0041"}', "{\"name\": \"\xe9\"}"):
        assert refused(text).field == "text", text
    assert refused(b"{}").field == "text"
    assert refused(" " * 5000).field == "text"


def test_deeply_nested_text_is_refused_not_a_stack_overflow():
    for text in ("[" * 2000 + "]" * 2000, '{"name": ' + "[" * 2000 + "]" * 2000 + "}",
                 '{"pins": {"step": [[[[[[[[[1]]]]]]]]]}}'):
        assert refused(text).field == "text"


def test_a_pin_used_twice_is_refused():
    d = data_of()
    d["pins"]["buzzer"] = d["pins"]["step"]
    err = refused_field(d, "pins.buzzer")
    assert "pins.step" in err.reason


def test_a_pin_the_board_does_not_have_is_refused():
    for gp in (23, 24, 25, 29):  # on the Pico's PCB, not on its header
        d = data_of()
        d["pins"]["led"] = gp
        refused_field(d, "pins.led")
    d = data_of()
    d["pins"]["led"] = 30
    refused_field(d, "pins.led")


def test_battery_must_be_on_an_adc_pin():
    d = data_of()
    d["pins"]["battery_adc"] = 22
    refused_field(d, "pins.battery_adc")


def test_uart_pins_belong_only_to_the_tmc2209():
    d = data_of()
    d["pins"]["uart_tx"] = 8
    assert refused_field(d, "pins.uart_tx").reason == "not used by this driver"
    d = data_of("pico_tmc2209_t8_bd3ml.json")
    del d["pins"]["uart_rx"]
    refused_field(d, "pins.uart_rx")
    d = data_of("pico_tmc2209_t8_bd3ml.json")
    d["pins"]["uart_rx"] = 1  # UART0 RX with a UART1 TX
    refused_field(d, "pins.uart_rx")
    d = data_of("pico_tmc2209_t8_bd3ml.json")
    d["pins"]["occlusion"] = 12
    refused_field(d, "pins.occlusion")


def test_microsteps_the_driver_cannot_do_are_refused():
    for name, micro in (("pico_a4988_m5_bd1ml.json", 32), ("pico_a4988_m5_bd1ml.json", 3),
                        ("pico2_drv8825_hamilton250ul.json", 64),
                        ("pico_tmc2209_t8_bd3ml.json", 100)):
        d = data_of(name)
        d["microsteps"] = micro
        refused_field(d, "microsteps")
    d = data_of("pico_tmc2209_t8_bd3ml.json")
    d["microsteps"] = 256
    d["max_step_hz"] = 200_000
    load(json.dumps(d))  # the TMC2209 does 1/256


def test_step_rate_beyond_the_driver_is_refused():
    for name, hz in (("pico_a4988_m5_bd1ml.json", 100_001),
                     ("pico2_drv8825_hamilton250ul.json", 50_001),
                     ("pico_tmc2209_t8_bd3ml.json", 200_001)):
        d = data_of(name)
        d["max_step_hz"] = hz
        refused_field(d, "max_step_hz")


def test_enable_active_high_is_refused_on_an_active_low_driver():
    d = data_of()
    d["active_levels"]["en"] = 1  # the motor would be enabled while we think it is off
    refused_field(d, "active_levels.en")


def test_bolus_and_prime_faster_than_the_motor_can_go_are_refused():
    d = data_of()  # 4.486 nL a step at 2000 Hz: 538 uL/min at most
    d["max_step_hz"] = 37  # 37 Hz: 9.96 uL/min, just under the 10 uL/min bolus
    refused_field(d, "bolus_ul_per_min")
    d["max_step_hz"] = 38  # 10.2 uL/min: the bolus fits, the 100 uL/min prime does not
    refused_field(d, "prime_ul_per_min")
    d["max_step_hz"] = 372  # 100.1 uL/min
    load(json.dumps(d))


def test_capacity_not_above_the_dead_volume_is_refused():
    d = data_of()
    d["dead_volume_ul"] = 1000
    refused_field(d, "dead_volume_ul")
    d["dead_volume_ul"] = 999
    load(json.dumps(d))


def test_calibration_outside_ten_percent_is_refused():
    for ppm in (899_999, 1_100_001, 0):
        d = data_of()
        d["calibration_ppm"] = ppm
        refused_field(d, "calibration_ppm")
    for ppm in (900_000, 1_100_000):
        d = data_of()
        d["calibration_ppm"] = ppm
        load(json.dumps(d))


def test_unknown_board_driver_or_motor_is_refused():
    for key, bad in (("board", "pico_w2"), ("driver", "tmc2208"),
                     ("motor_steps_per_rev", 48)):
        d = data_of()
        d[key] = bad
        refused_field(d, key)


def test_the_occlusion_trap_is_the_measured_compliance_times_the_trip_pressure():
    r = rig(load(text_of("pico_tmc2209_t8_bd60ml.json")))
    assert r.occlusion_nl == 6169 * 30
    assert r.relief_steps() == 6169 * 30 * r.step_den // r.step_num  # within it, never past


def test_an_occlusion_trap_of_a_tenth_of_the_syringe_is_refused():
    d = data_of()  # 1 mL
    d["line_nl_per_kpa"], d["occlusion_kpa"] = 5_000, 20  # 100 uL
    refused_field(d, "occlusion_kpa")
    d["occlusion_kpa"] = 0
    refused_field(d, "occlusion_kpa")
    d = data_of()
    d["line_nl_per_kpa"] = 0
    refused_field(d, "line_nl_per_kpa")


def test_no_shipped_rig_claims_more_compliance_than_the_simulated_line_has():
    # Relief draws back compliance x trip: a config above the truth would suck from the
    # patient. The simulated rig's physics is the truth the shipped configs were measured on.
    from hal.sim import physics
    for name in SHIPPED:
        c = load(text_of(name))
        truth = physics.compliance_nl_per_kpa(c.syringe.model, c.syringe.inner_diameter_um)
        assert 0 < c.line_nl_per_kpa <= truth, (name, c.line_nl_per_kpa, truth)
