"""A calibration run: a known number of steps into a balance, the weighed volume entered,
the factor stored in the board config, then a restart so the rig is built from it. The
device owns the run; console/cmd_calibrate.py only parses and formats.

Hazards first:
- Only while the pump is unprogrammed: no prescription, so nothing is attached to a
  patient (on the bench the syringe's outlet is over a beaker on the balance). A run ends
  at once if a prescription appears or a STOP alarm is raised meanwhile.
- The run never blocks the loop: tick() issues, at the rig's prime speed, the steps due
  by now, through the safety channel (the one path to the motor), the driver enabled only
  for each batch. The step guard allows the run's steps on top of its limits while it
  lasts, and no more (safety/limits.py), so a runaway is still stopped.
- A fault (end stop, stall, occlusion, guard) ends the run with `! calibrate-failed` and
  no factor. A factor beyond +-10 %, a board config that is missing, unreadable or not the
  one the rig was built from, or a write that fails: ERR, and nothing is stored.
- The factor is computed from the steps really issued, never the steps asked.
- The steps are water, not drug: the channel's move_water() counts them in the guard and
  never in the pump's accounting nor in the store's lease (a lease charged with them
  would count them as dose after a power cut).

Loaded only while a run exists (app/lazy.py): Run instances hold this module's code."""
from pump.alarms import STOP
from pump.dose_units import MIN_MS, ceil_div
from pump.errors import (PumpError, E_CAL_BUSY, E_CAL_CONFIG, E_CAL_NONE, E_CAL_SMALL,
                         E_CAL_STATE, E_CRITICAL, E_RANGE)
from pump.states import UNPROGRAMMED

REBOOT = "calibrated"


class Run:
    """Steps asked, steps really issued, when it started, and whether it is over."""

    def __init__(self, steps, now_ms):
        self.steps = steps
        self.issued = 0
        self.t0 = now_ms
        self.done = False


def _may_move(dev):
    """Why nothing may be pushed now (a PumpError), or None."""
    pump = dev.pump
    if pump.sm.state != UNPROGRAMMED:
        return PumpError(E_CAL_STATE, pump.sm.state)
    if pump.reservoir.concs is not None:
        # Filled before it was programmed (issue 16, item 1): drug is in the syringe, and
        # the line may be on a patient. `decommission confirm` empties the count.
        return PumpError(E_CAL_STATE, "filled with drug")
    stop = pump.alarms.first_with(STOP)
    if stop:
        return PumpError(E_CRITICAL, stop)
    if dev.safety.tripped:
        return PumpError(E_CRITICAL, "guard")
    return None


def start(dev, steps, now):
    """Begin a run of `steps`; returns (volume_nl, ms it will take)."""
    from hal.calibration import MIN_NL
    dev.check_line_known()
    why = _may_move(dev)
    if why is not None:
        raise why
    run = dev.calibration
    if run is not None and not run.done:
        raise PumpError(E_CAL_BUSY, run.issued, run.steps)
    if dev.config_store is None:
        raise PumpError(E_CAL_CONFIG, "none")  # a factor that cannot be stored: no run
    rig = dev.rig
    volume = steps * rig.step_num // rig.step_den
    if volume < MIN_NL:
        raise PumpError(E_CAL_SMALL, volume, MIN_NL)
    if volume > rig.capacity_nl:
        raise PumpError(E_RANGE, steps)  # more than the syringe holds
    ms = ceil_div(steps * rig.step_num * MIN_MS, rig.prime_nl_per_min * rig.step_den)
    dev.calibration = Run(steps, now)
    dev.safety.limits.run_left(steps, now)
    dev.record("calibrate run steps=%d volume_nl=%d" % (steps, volume))
    return volume, ms


def tick(dev, now):
    """Issues the steps of the run due by now; called by Device.advance()."""
    run = dev.calibration
    if run is None or run.done:
        return
    safety = dev.safety
    if safety.tripped and not dev.pump.alarms.is_active("guard"):
        dev.pump.fault("guard", now)  # a trip outside the run's own moves: latch it too
    why = _may_move(dev)
    if why is not None:
        what = "state" if why.code == E_CAL_STATE else "alarm"
        _end(dev, now, "calibrate-failed %s=%s steps=%d" % (what, why.values[0], run.issued))
        return
    rig = dev.rig
    due = (now - run.t0) * rig.prime_nl_per_min * rig.step_den // (MIN_MS * rig.step_num)
    n = (due if due < run.steps else run.steps) - run.issued
    if n <= 0:
        return
    safety.limits.run_left(run.steps - run.issued, now)
    safety.enable(True)
    try:
        issued = safety.move_water(n)
    finally:
        safety.enable(False)
    run.issued += issued
    if issued < n:
        fault = safety.fault() or "stall"
        if fault == "guard":
            dev.pump.fault("guard", now)  # latched; `ack guard` lifts it, as in delivery
        _end(dev, now, "calibrate-failed fault=%s steps=%d" % (fault, run.issued))
    elif run.issued == run.steps:
        run.done = True
        safety.limits.end_run(now)
        dev.emit("calibrate-done steps=%d" % run.issued)


def _end(dev, now, event):
    dev.calibration = None
    dev.safety.limits.end_run(now)
    dev.emit(event)


def cancel(dev, now):
    """Ends the run; returns the steps it issued."""
    run = dev.calibration
    if run is None:
        raise PumpError(E_CAL_NONE)
    dev.calibration = None
    dev.safety.limits.end_run(now)
    dev.record("calibrate cancel steps=%d" % run.issued)
    return run.issued


def weighed(dev, weighed_nl, now):
    """Stores the factor from a finished run; returns (old_ppm, new_ppm, steps, new rig)
    and sets dev.reboot."""
    from hal import board_config
    from hal.calibration import CalibrationError, factor_ppm, with_factor
    pump = dev.pump
    if pump.sm.state != UNPROGRAMMED:
        raise PumpError(E_CAL_STATE, pump.sm.state)
    run = dev.calibration
    if run is None:
        raise PumpError(E_CAL_NONE)
    if not run.done:
        raise PumpError(E_CAL_BUSY, run.issued, run.steps)
    store = dev.config_store
    if store is None:
        raise PumpError(E_CAL_CONFIG, "none")
    try:
        text = store.read()
        config = board_config.load(text)
    except (OSError, board_config.ConfigError):
        raise PumpError(E_CAL_CONFIG, "unreadable")
    rig = dev.rig
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
    dev.calibration = None
    dev.record("calibrate old_ppm=%d new_ppm=%d steps=%d weighed_nl=%d"
               % (config.calibration_ppm, ppm, run.issued, weighed_nl))
    dev.reboot = REBOOT
    return config.calibration_ppm, ppm, run.issued, new
