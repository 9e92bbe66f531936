"""The step guard's limits, kept in line with the prescription the pump holds.

The guard (safety/step_guard.py) counts raw steps against limits fixed from outside; this
module fixes them, never looser than the drug table allows for what can be in the line:
- before any prescription: one prime of the dead volume per hour and per day. Nothing
  may move before a prescription (the pump refuses it), so a step past a prime is a
  runaway by definition;
- with a prescription: step_guard.limits_for() over the tightest hourly and daily
  limit of the mix (Prescription.limit_ng), at the primary drug's concentration;
- after the mix changes (a refill at another concentration, another drug): the tighter of
  the old and the new limits, until the old mix has left the line and a day and an hour
  more have passed (steps of the old mix stay in the guard's 24 h window that long);
- during a calibration run (app/calibration.py, only before any prescription):
  what the guard has counted so far plus the steps the run may still issue, and nothing
  else, set again before each batch, so a runaway is stopped at the run's end;
- after a calibration run: the limits above, plus exactly the steps it issued for as
  long as the guard still counts them. They are kept in a counter with the guard's own
  buckets (`cal`), so the allowance leaves each window when those very steps do, and
  water pushed into a beaker is never charged to a prescription programmed after it.
  (`cal` must outlive a reset as the guard's counts do: cal.dump()/cal.load().)
Reads the pump, changes only the guard's limits."""
from micropython import const
from safety.step_guard import StepGuard, limits_for
from pump import drugs as dt
from pump.dose_units import MIN_MS, ceil_div

_HOLD_MS = const(90_000_000)  # 25 h: the 24 h window plus its edge buckets, with room


def prime_only(rig):
    steps = ceil_div(rig.dead_volume_nl * rig.step_den, rig.step_num) + 1
    return steps, steps


def for_rx(rx, rig):
    return limits_for(rx.limit_ng(dt.F_MAX_HOURLY), rx.limit_ng(dt.F_MAX_DAILY),
                      rx.drugs[0][1], rig)


def _tighter(a, b):
    return (a[0] if a[0] < b[0] else b[0], a[1] if a[1] < b[1] else b[1])


class GuardLimits:
    def __init__(self, guard, rig):
        self.guard = guard
        self.rig = rig
        self.rx = None  # the prescription the limits were last set from
        self.drugs = None  # the mix the limits follow
        self.held = None  # limits of an older mix, kept while its steps may be counted
        self.hold_until = None
        self.limits = prime_only(rig)
        self.cal = None  # a StepGuard used as a counter of calibration steps, once needed
        self.cal_left = 0  # steps the calibration run in progress may still issue
        self.cal_minute = -1  # the minute the allowance was last set for
        self.changed = False  # held or hold_until changed, not yet saved (app/device.py)
        guard.set_limits(*self.limits)

    # ----- calibration -----
    def run_left(self, steps, now_ms):
        """A calibration run may issue `steps` more from now, and nothing else may move.
        Called when it starts and before each batch (old steps leave the windows)."""
        if self.cal is None:
            self.cal = StepGuard(0, 0)  # ~1.4 kB of buckets, only on a rig that calibrates
        self.cal_left = steps
        self._apply(now_ms)

    def ran(self, now_ms, issued):
        """Steps a calibration batch issued, counted as the guard counted them."""
        self.cal.record(now_ms, issued)
        self.cal_left = self.cal_left - issued if issued < self.cal_left else 0

    def end_run(self, now_ms):
        self.cal_left = 0
        self._apply(now_ms)

    def _apply(self, now_ms):
        g = self.guard
        self.cal_minute = now_ms // MIN_MS  # the guard's finest bucket: steps leave no faster
        if self.cal_left and self.rx is None:
            g.set_limits(g.hour.total(now_ms) + self.cal_left,
                         g.day.total(now_ms) + self.cal_left)
            return
        hour, day = self.limits
        if self.cal is not None:
            hour += self.cal.hour.total(now_ms)
            day += self.cal.day.total(now_ms)
        g.set_limits(hour, day)

    def next_change(self, now_ms):
        """When the limits next change by time alone (ms), or None: an old mix's hold
        ends, or calibration steps leave a window (while a run goes on, every pass sets
        them anyway). A simulated jump (app/controller.py) passes there, so the limits a
        move meets are the ones a pass every minute would have set. Reads only."""
        best = self.hold_until if self.held is not None else None
        if self.cal is not None:
            t = self.cal.next_exit_ms(now_ms)
            if t is not None and (best is None or t < best):
                best = t
        return best

    def update(self, pump, now_ms):
        if self.cal is not None and now_ms // MIN_MS != self.cal_minute:
            self._apply(now_ms)  # calibration steps may have left a window
        rx = pump.rx
        if rx is None or (rx is self.rx and self.held is None):
            return  # nothing new: called after every command and every tick
        self.rx = rx
        if self.drugs is not None and rx.drugs != self.drugs:
            self.held = self.limits  # already the tighter of the last mix and any hold
            self.hold_until = None
            self.changed = True
        self.drugs = rx.drugs
        if self.held is not None and self.hold_until is None and _flushed(pump):
            self.hold_until = now_ms + _HOLD_MS
            self.changed = True
        if self.hold_until is not None and now_ms >= self.hold_until:
            self.held = None
            self.hold_until = None
            self.changed = True
        new = for_rx(rx, self.rig)
        self.limits = new if self.held is None else _tighter(new, self.held)
        self._apply(now_ms)


def _flushed(pump):
    """The fluid in the line is all the mix now prescribed."""
    t = pump.tubing
    return t.is_full() and t.vu_until_change() is None and t.head_concs(None) == pump.rx.drugs
