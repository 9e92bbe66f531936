"""`sim` commands: they act on the simulated world (its clock, its rig and its power),
never on the pump directly, and need no login. A real board has no world to change: ERR 80.

`sim advance` only asks for the time: the controller walks it once this reply is built,
before the reply's final line goes out, so the events on the way come first, as the
board would have printed them (app/controller.py, jump()). The reply says where the jump
ends. The clinician session counts this time like any other: a long advance ends it.

`sim fill` and `sim balance` are the bench around a calibration: water in the syringe, and
a balance under the outlet that weighs what left the line since it was tared."""
from console.iso_time import format_iso
from pump.errors import PumpError, E_NO_SIM, E_USAGE
from pump.units import parse_duration_ms, parse_volume_nl


def do_sim(dev, out, args, now):
    sim = dev.sim
    if sim is None:
        raise PumpError(E_NO_SIM)
    what = args[0].lower()
    if what == "advance" and len(args) == 2:
        return _advance(dev, sim, parse_duration_ms(args[1]))
    if what == "fault" and len(args) == 2:
        alarm = sim.fault(args[1].lower())
        if alarm:
            dev.pump.fault(alarm, dev.clock.now_ms())  # a fault the pump cannot see move
        dev.record("sim fault name=%s" % args[1])
        return "fault=%s" % args[1].lower()
    if what == "clear" and len(args) == 2 and hasattr(sim, "clear"):
        sim.clear(args[1].lower())  # the world is mended; the pump's alarms need an ack
        dev.record("sim clear name=%s" % args[1])
        return "clear=%s" % args[1].lower()
    if what == "press" and len(args) == 1 and hasattr(sim, "press"):
        sim.press()  # the loop reads the button on its next pass: the answer is an event
        return "button=pressed"
    if what == "fill" and len(args) == 2 and hasattr(sim, "fill"):
        volume = parse_volume_nl(args[1])
        sim.fill(volume)  # the syringe as the operator filled it; the pump is not told
        dev.record("sim fill volume_nl=%d" % volume)
        return "fill_nl=%d" % volume
    if what == "balance" and hasattr(sim, "balance"):
        if len(args) == 2 and args[1].lower() == "tare":
            sim.tare(dev.clock.now_ms())
            return "balance_nl=0 tare=1"
        if len(args) == 1:
            return "balance_nl=%d" % sim.balance(dev.clock.now_ms())
    if what == "power-cut" and len(args) == 1:
        dev.record("sim power-cut")
        sim.power_cut()  # the loop cuts the power once this reply is out
        return "power=cut"
    raise PumpError(E_USAGE, "sim")


def _advance(dev, sim, ms):
    if ms <= 0:
        raise PumpError(E_USAGE, "sim")
    sim.ask(ms)
    return "advanced_ms=%d time=%s" % (ms, format_iso(dev.wall(dev.clock.now_ms() + ms)))
