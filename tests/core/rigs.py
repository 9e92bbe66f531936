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


def occlusion_trial(name, basal_ng_d=700_000, conc_ng_ml=1_000_000, chunk_ms=60_000):
    """Hydromorphone at `basal_ng_d` on a shipped rig: fill, prime, run ten minutes, block the
    line, and run until the pump's occlusion alarm. Returns (pushed but undelivered nL at
    the alarm, ms from the blockage to the alarm, nL released once the line opens)."""
    from hal.sim.board import SimBoard
    from pump.prescription import Prescription
    from pump.pump import Pump
    from pump.schedule import BasalSchedule

    config, r = shipped(name)
    board = SimBoard(config, r, ".")
    rx = Prescription((("hydromorphone", conc_ng_ml),), BasalSchedule(((0, basal_ng_d),)),
                      None, r.capacity_nl, r.capacity_nl // 10, r)
    pump = Pump(r, board.motor)
    pump.program(rx, 0)
    pump.refill(r.capacity_nl, None, 0)
    pump.confirm(0)
    board.world.fill(r.capacity_nl)
    pump.prime(r.dead_volume_nl, 0)
    clock = board.clock  # the world reads it: the line drains only as time passes

    def run(ms):
        clock.jump(ms)
        board.world.tick(clock.now_ms())
        pump.advance(clock.now_ms())
        return clock.now_ms()

    t = 0
    while pump.sm.state == "priming":
        t = run(chunk_ms)
    pump.start(t)
    for _ in range(10):  # ten minutes of steady delivery before the blockage
        t = run(chunk_ms)
    w = board.world
    w.occluded = True
    blocked_at = t
    delivered_then = w.delivered_nl + w.trapped_nl  # what was already on its way out
    while pump.sm.state != "alarm":
        t = run(chunk_ms)
        if t - blocked_at > 30 * 86_400_000:
            raise AssertionError("no occlusion alarm in 30 days on " + name)
    assert pump.alarms.is_active("occlusion"), (name, pump.alarms.active())
    missed = w.trapped_nl
    w.clear("occlusion")
    before = w.delivered_nl
    w.tick(t + 3_600_000)
    released = w.delivered_nl - before
    assert w.delivered_nl >= delivered_then
    return missed, t - blocked_at, released
