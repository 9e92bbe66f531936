"""The shipped board configs as (config, rig) for tests on the simulated board. Not a
test module. No os.path, so it runs under MicroPython too."""
from hal.board_config import load, rig

SHIPPED = ("pico2_drv8825_hamilton250ul.json", "pico_a4988_m5_bd1ml.json",
           "pico_tmc2209_t8_bd3ml.json", "pico_tmc2209_t8_bd60ml.json")
DEFAULT = "pico_tmc2209_t8_bd60ml.json"


def configs_dir():
    here = __file__
    core = here.rsplit("/", 1)[0] if "/" in here else "."
    return core + "/../../board_configs"


def shipped(name=DEFAULT):
    with open(configs_dir() + "/" + name) as f:
        config = load(f.read())
    return config, rig(config)
