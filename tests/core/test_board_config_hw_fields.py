"""The per-rig hardware settings in a board config: the TMC2209's node, currents and
StallGuard threshold, the occlusion switch's level, the battery divider. Each is loaded
as written, belongs only to the drivers that have it, and a bad value is refused with its
field's path. Runs under pytest and MicroPython."""
import json

from hal.board_config import load
from test_board_config import data_of, refused_field

TMC = "pico_tmc2209_t8_bd60ml.json"
A4988 = "pico_a4988_m5_bd1ml.json"


def test_the_shipped_values_are_loaded_as_written():
    c = load(json.dumps(data_of(TMC)))
    t = c.tmc2209
    assert (t.node, t.irun, t.ihold, t.sgthrs) == (0, 16, 8, 0)
    assert c.battery_divider_x1000 == 3000 and c.active_levels.occlusion is None
    c = load(json.dumps(data_of(A4988)))
    assert c.tmc2209 is None and c.active_levels.occlusion == 1


def test_bad_tmc2209_values_are_refused_with_their_path():
    for key, bad in (("node", 4), ("node", -1), ("irun", 32), ("ihold", 32), ("irun", 16.0),
                     ("sgthrs", 256), ("sgthrs", True), ("sgthrs", "40")):
        d = data_of(TMC)
        d["tmc2209"][key] = bad
        refused_field(d, "tmc2209." + key)


def test_a_hold_current_above_the_run_current_is_refused():
    d = data_of(TMC)
    d["tmc2209"]["irun"], d["tmc2209"]["ihold"] = 10, 11
    assert "above the run current" in refused_field(d, "tmc2209.ihold").reason
    d["tmc2209"]["ihold"] = 10
    assert load(json.dumps(d)).tmc2209.ihold == 10


def test_the_tmc2209_section_is_required_there_and_refused_elsewhere():
    d = data_of(TMC)
    del d["tmc2209"]
    refused_field(d, "tmc2209")
    d = data_of(TMC)
    d["tmc2209"]["irun_ma"] = 800
    refused_field(d, "tmc2209.irun_ma")
    d = data_of(A4988)
    d["tmc2209"] = {"node": 0, "irun": 16, "ihold": 8, "sgthrs": 0}
    assert refused_field(d, "tmc2209").reason == "not used by this driver"
    d["driver"] = "tmc2208"  # the driver decides which sections exist: judged first
    refused_field(d, "driver")


def test_the_occlusion_level_belongs_to_rigs_with_an_occlusion_switch():
    d = data_of(A4988)
    del d["active_levels"]["occlusion"]
    refused_field(d, "active_levels.occlusion")
    for bad in (2, -1, True, 1.0):
        d = data_of(A4988)
        d["active_levels"]["occlusion"] = bad
        refused_field(d, "active_levels.occlusion")
    d = data_of(TMC)
    d["active_levels"]["occlusion"] = 1
    assert refused_field(d, "active_levels.occlusion").reason == "not used by this driver"
    d = data_of(A4988)
    d["active_levels"]["occlusion"] = 0  # a comparator that pulls low on a blockage
    assert load(json.dumps(d)).active_levels.occlusion == 0


def test_the_battery_divider_is_a_whole_ratio_in_range():
    for bad in (999, 20_001, 3.0, "3000", None):
        d = data_of(A4988)
        d["battery_divider_x1000"] = bad
        refused_field(d, "battery_divider_x1000")
    d = data_of(A4988)
    del d["battery_divider_x1000"]
    refused_field(d, "battery_divider_x1000")
    d["battery_divider_x1000"] = 4_030  # measured: 330k over 100k, with resistor errors
    assert load(json.dumps(d)).battery_divider_x1000 == 4_030
