"""`calibrate`: run a known number of steps into a balance, enter the weighed volume, store
the factor in the board config, and restart so the rig is built from it.

Hazards first:
- Only while the pump is unprogrammed: no prescription, so nothing is attached to a
  patient (on the bench the syringe's outlet is over a beaker on the balance). A run ends
  at once if a prescription appears or a STOP alarm is raised meanwhile.
- The run never blocks the loop: tick() issues, at the rig's prime speed, the steps due
  by now, through the guarded motor, the driver enabled only for each batch. The step
  guard allows the run's steps on top of its limits while it lasts, and no more
  (console/guard_policy.py), so a runaway is still stopped.
- A fault (end stop, stall, occlusion, guard) ends the run with `! calibrate-failed` and
  no factor. A factor beyond +-10 %, a board config that is missing, unreadable or not the
  one the rig was built from, or a write that fails: ERR, and nothing is stored.
- The factor is computed from the steps really issued, never the steps asked.
- The steps are water, not drug: they go to the guard, never to the pump's accounting or
  to the store's lease (a lease charged with them would count them as dose after a
  power cut)."""
from micropython import const

from hal import board_config
from hal.calibration import MIN_NL, CalibrationError, factor_ppm, with_factor
from pump.alarms import STOP
from pump.errors import (PumpError, E_CAL_BUSY, E_CAL_CONFIG, E_CAL_NONE, E_CAL_SMALL,
                         E_CAL_STATE, E_CRITICAL, E_RANGE, E_USAGE)
from pump.states import UNPROGRAMMED
from pump.units import parse_count, parse_volume_nl

_MS_PER_MIN = const(60_000)
_MAX_STEPS = const(100_000_000)  # a bound for the parser; the rig's capacity is the limit
REBOOT = "calibrated"


class Run:
    """Steps asked, steps really issued, when it started, and whether it is over."""

    def __init__(self, steps, now_ms):
        self.steps = steps
        self.issued = 0
        self.t0 = now_ms
        self.done = False


def do_calibrate(con, args, now):
    what = args[0].lower()
    if what == "run" and len(args) == 2:
        return _start(con, parse_count(args[1], 1, _MAX_STEPS), now)
    if what == "weighed" and len(args) == 2:
        return _weighed(con, parse_volume_nl(args[1]), now)
    if what == "cancel" and len(args) == 1:
        return _cancel(con, now)
    raise PumpError(E_USAGE, "calibrate")


def _may_move(con):
    """Why nothing may be pushed now (a PumpError), or None."""
    pump = con.pump
    if pump.sm.state != UNPROGRAMMED:
        return PumpError(E_CAL_STATE, pump.sm.state)
    stop = pump.alarms.first_with(STOP)
    if stop:
        return PumpError(E_CRITICAL, stop)
    if con.guard.tripped:
        return PumpError(E_CRITICAL, "guard")
    return None


def _start(con, steps, now):
    why = _may_move(con)
    if why is not None:
        raise why
    run = con.calibration
    if run is not None and not run.done:
        raise PumpError(E_CAL_BUSY, run.issued, run.steps)
    if con.config_store is None:
        raise PumpError(E_CAL_CONFIG, "none")  # a factor that cannot be stored: no run
    rig = con.rig
    volume = steps * rig.step_num // rig.step_den
    if volume < MIN_NL:
        raise PumpError(E_CAL_SMALL, volume, MIN_NL)
    if volume > rig.capacity_nl:
        raise PumpError(E_RANGE, steps)  # more than the syringe holds
    ms = -(-steps * rig.step_num * _MS_PER_MIN // (rig.prime_nl_per_min * rig.step_den))
    con.calibration = Run(steps, now)
    con.policy.run_left(steps, now)
    con.record("calibrate run steps=%d volume_nl=%d" % (steps, volume))
    return "steps=%d volume_nl=%d ms=%d" % (steps, volume, ms)


def tick(con, now):
    """Issues the steps of a calibration run due by now; called by Console.tick()."""
    run = con.calibration
    if run is None or run.done:
        return
    if con.guard.tripped and not con.pump.alarms.is_active("guard"):
        con.pump.fault("guard", now)  # a trip outside the run's own moves: latch it too
    why = _may_move(con)
    if why is not None:
        what = "state" if why.code == E_CAL_STATE else "alarm"
        _end(con, now, "calibrate-failed %s=%s steps=%d" % (what, why.values[0], run.issued))
        return
    rig = con.rig
    due = (now - run.t0) * rig.prime_nl_per_min * rig.step_den // (_MS_PER_MIN * rig.step_num)
    n = (due if due < run.steps else run.steps) - run.issued
    if n <= 0:
        return
    con.policy.run_left(run.steps - run.issued, now)
    # The guarded motor the console was given: the guard counts and may refuse these.
    # Not the pump's (on a board with a store, the lease's), which counts steps of drug.
    motor = con.motor
    motor.enable(True)
    try:
        issued = motor.move(n)
    finally:
        motor.enable(False)
    run.issued += issued
    con.policy.ran(now, issued)
    if issued < n:
        fault = motor.fault() or "stall"
        if fault == "guard":
            con.pump.fault("guard", now)  # latched; `ack guard` lifts it, as in delivery
        _end(con, now, "calibrate-failed fault=%s steps=%d" % (fault, run.issued))
    elif run.issued == run.steps:
        run.done = True
        con.policy.end_run(now)
        con.emit("calibrate-done steps=%d" % run.issued)


def _end(con, now, event):
    con.calibration = None
    con.policy.end_run(now)
    con.emit(event)


def _cancel(con, now):
    run = con.calibration
    if run is None:
        raise PumpError(E_CAL_NONE)
    con.calibration = None
    con.policy.end_run(now)
    con.record("calibrate cancel steps=%d" % run.issued)
    return "steps=%d cancelled=1" % run.issued


def _weighed(con, weighed_nl, now):
    pump = con.pump
    if pump.sm.state != UNPROGRAMMED:
        raise PumpError(E_CAL_STATE, pump.sm.state)
    run = con.calibration
    if run is None:
        raise PumpError(E_CAL_NONE)
    if not run.done:
        raise PumpError(E_CAL_BUSY, run.issued, run.steps)
    store = con.config_store
    if store is None:
        raise PumpError(E_CAL_CONFIG, "none")
    try:
        text = store.read()
        config = board_config.load(text)
    except (OSError, board_config.ConfigError):
        raise PumpError(E_CAL_CONFIG, "unreadable")
    rig = con.rig
    old = board_config.rig(config)
    if (old.step_num, old.step_den) != (rig.step_num, rig.step_den):
        # The file is not what this rig was built from: a factor over it would be wrong.
        raise PumpError(E_CAL_CONFIG, "changed since boot")
    try:
        ppm = factor_ppm(config, run.issued, weighed_nl)
        new_text = with_factor(text, ppm)
    except CalibrationError as err:
        raise PumpError(err.code, *err.values)
    except board_config.ConfigError:
        raise PumpError(E_CAL_CONFIG, "refused by the loader")
    new = board_config.rig(board_config.load(new_text))
    try:
        store.write(new_text)
    except OSError:
        raise PumpError(E_CAL_CONFIG, "write failed")
    con.calibration = None
    con.record("calibrate old_ppm=%d new_ppm=%d steps=%d weighed_nl=%d"
               % (config.calibration_ppm, ppm, run.issued, weighed_nl))
    con.reboot = REBOOT
    return "old_ppm=%d new_ppm=%d steps=%d weighed_nl=%d step_nl=%d step_pl=%d reboot=%s" % (
        config.calibration_ppm, ppm, run.issued, weighed_nl, new.step_nl_ceil(),
        _pl(new), REBOOT)


def _pl(rig):
    """Volume of one step in pL, rounded to the nearest (the 250 uL rig's is ~1298)."""
    return (2000 * rig.step_num + rig.step_den) // (2 * rig.step_den)
