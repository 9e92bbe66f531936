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


def occlusion_trial(name, basal_ng_d=700_000, conc_ng_ml=1_000_000, chunk_ms=60_000,
                    drug="hydromorphone", after_ms=3_600_000):
    """`drug` at `basal_ng_d` on a shipped rig, through the safety channel as on a board:
    fill, prime, run ten minutes, block the line, run until the pump's occlusion alarm (and
    its relief), then open the line. Returns (nL pushed but undelivered when the alarm
    tripped, ms from the blockage to the alarm, nL that left the tip in the `after_ms`
    after the line opened). The pump stays in its alarm meanwhile: nothing basal."""
    from hal.sim.board import SimBoard
    from pump.prescription import Prescription
    from pump.pump import Pump
    from pump.schedule import BasalSchedule
    from safety.channel import SafetyChannel

    config, r = shipped(name)
    board = SimBoard(config, r, ".")
    clock = board.clock  # the world reads it: the line drains only as time passes
    channel = SafetyChannel(board.motor, r, clock)
    rx = Prescription(((drug, conc_ng_ml),), BasalSchedule(((0, basal_ng_d),)),
                      None, r.capacity_nl, r.capacity_nl // 10, r)
    pump = Pump(r, channel)
    pump.program(rx, 0)
    pump.refill(r.capacity_nl, None, 0)
    pump.confirm(0)
    channel.follow(pump, 0)
    board.world.fill(r.capacity_nl)
    pump.prime(r.dead_volume_nl, 0)
    channel.follow(pump, 0)  # as the console settles after a command: the prime's fill

    def run(ms):
        clock.jump(ms)
        board.world.tick(clock.now_ms())
        pump.advance(clock.now_ms())
        channel.follow(pump, clock.now_ms())
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
    back_nl = pump.steps_back * w.step_num // w.step_den  # what the relief drew back
    missed = w.trapped_nl + back_nl
    assert w.trapped_nl >= 0, (name, w.trapped_nl)  # never under suction
    w.clear("occlusion")
    before = w.delivered_nl
    w.tick(t + after_ms)
    released = w.delivered_nl - before
    assert w.delivered_nl + back_nl >= delivered_then
    return missed, t - blocked_at, released


def strength(r, name):
    """The strongest ng/mL of `name` rig `r` accepts: its table maximum, or the most the
    rig's refusal names (ERR 16 floor over the limit, ERR 96 release over the bolus limit)
    where the maximum is refused."""
    from pump import drugs as dt
    from pump.errors import PumpError
    from pump.prescription import Prescription
    from pump.schedule import BasalSchedule
    top = dt.lookup(name)[dt.F_MAX_CONC]
    try:
        Prescription(((name, top),), BasalSchedule(((0, 0),)), None, r.capacity_nl, 0, r)
    except PumpError as err:
        return err.values[-1]
    return top
