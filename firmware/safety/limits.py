"""The step guard's limits, kept in line with the prescription the pump holds.

The guard (safety/step_guard.py) counts steps against limits fixed from outside; this
module fixes them, never looser than the drug table allows for what can be in the line:
- before any prescription: one prime of the dead volume per hour and per day. Nothing
  may move before a prescription (the pump refuses it), so a step past a prime is a
  runaway by definition;
- with a prescription: step_guard.limits_for() over pump.limits.guard_ng(): the tightest
  hourly limit of the mix plus one clinician bolus, the tightest daily limit plus one
  hour's, as dose at the primary drug's concentration. The slack is dose, not volume: a
  volume slack at a high concentration was many hourly limits (issue 14, item 3);
- a prime: one line's fill, once, each time the pump enters priming (a clinician's
  `prime`), never counted against the limits, as it fills the line or flushes it to
  waste (the catheter off) and gives the patient nothing. A second fill asks for a new
  `prime`; a prime step past the fill trips the guard;
- after the mix changes (a refill at another concentration, another drug): the counts so
  far become the new mix's steps (each window's count times new limit / old limit: the
  same share of the allowance), and the next line's worth of steps, which push the old
  mix out of the line (to the patient, or to waste while flushing), count at the old
  mix's share too (`held`, `wash_left`). So every step weighs what it delivers, and
  neither a weaker nor a stronger refill can trip the guard on therapy or widen it;
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
from pump.dose_units import MIN_MS, ceil_div
from pump.limits import guard_ng
from pump.states import PRIMING


def prime_only(rig):
    steps = ceil_div(rig.dead_volume_nl * rig.step_den, rig.step_num) + 1
    return steps, steps


def for_rx(rx, rig):
    hour_ng, day_ng = guard_ng(rx)
    return limits_for(hour_ng, day_ng, rx.drugs[0][1], rig)


def _tighter(a, b):
    return (a[0] if a[0] < b[0] else b[0], a[1] if a[1] < b[1] else b[1])


def wash_steps(rig, old, new):
    """Steps that push an old mix out of a full line: whole steps rounded up (one more)
    where the old mix weighs more than the new in either window, so it is never counted
    light; rounded down where it weighs less in both, so the new one is never."""
    if old[0] >= new[0] and old[1] >= new[1]:
        return rig.dead_volume_nl * rig.step_den // rig.step_num
    return prime_only(rig)[0]


class GuardLimits:
    def __init__(self, guard, rig):
        self.guard = guard
        self.rig = rig
        self.rx = None  # the prescription the limits were last set from
        self.drugs = None  # the mix the limits follow
        self.held = None  # limits of the old mix still in the line, or None
        self.wash_left = 0  # steps of it still in the line
        self._washed = (0, 0, 0)  # (its steps so far, hour and day counts they made)
        self.limits = prime_only(rig)
        self.cal = None  # a StepGuard used as a counter of calibration steps, once needed
        self.cal_left = 0  # steps the calibration run in progress may still issue
        self.cal_minute = -1  # the minute the allowance was last set for
        self.prime_left = 0  # prime steps this prime may still issue
        self.priming = False
        self.changed = False  # held changed, not yet saved (app/device.py)
        guard.set_limits(*self.limits)

    # ----- what a batch counts -----
    def weigh(self, n):
        """(hour count, day count) for `n` steps issued now. Reads only."""
        if self.held is None:
            return n, n
        k = n if n < self.wash_left else self.wash_left
        done, h, d = self._share(self._washed[0] + k)
        return h - self._washed[1] + n - k, d - self._washed[2] + n - k

    def _share(self, old_steps):
        """old_steps of the old mix as counts of the new, rounded up over the whole wash
        (never batch by batch: a pass every 100 ms would add a step each time)."""
        (oh, od), (nh, nd) = self.held, self.limits
        return (old_steps, ceil_div(old_steps * nh, oh if oh > 0 else 1),
                ceil_div(old_steps * nd, od if od > 0 else 1))

    def moved(self, n):
        """`n` steps really moved (drug or prime): the old mix leaves the line."""
        if self.held is None or n <= 0:
            return
        k = n if n < self.wash_left else self.wash_left
        self._washed = self._share(self._washed[0] + k)
        self.wash_left -= k
        if not self.wash_left:
            self.held = None
            self._washed = (0, 0, 0)
            self.changed = True

    # ----- priming -----
    def _follow_prime(self, pump):
        priming = pump.sm.state == PRIMING
        if priming and not self.priming:
            self.prime_left = prime_only(self.rig)[0]  # one line's fill, once
        elif not priming:
            self.prime_left = 0
        self.priming = priming

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
        """When the limits next change by time alone (ms), or None: calibration steps
        leave a window (while a run goes on, every pass sets them anyway). A simulated
        jump (app/controller.py) passes there, so the limits a move meets are the ones a
        pass every minute would have set. Reads only."""
        return self.cal.next_exit_ms(now_ms) if self.cal is not None else None

    def refresh(self, now_ms):
        """Calibration steps may have left a window since the limits were set: set them
        again (the channel asks before every batch; cheap within a minute)."""
        if self.cal is not None and now_ms // MIN_MS != self.cal_minute:
            self._apply(now_ms)

    def update(self, pump, now_ms):
        self._follow_prime(pump)
        self.refresh(now_ms)
        rx = pump.rx
        if rx is None and self.rx is not None:
            # Decommissioned (pump.decommission): back to no prescription, so a calibration
            # gets its allowance (_apply). The mix is kept: a new one programmed later
            # rescales the counts as any change of mix does.
            self.rx = None
            self._apply(now_ms)
            return
        if rx is None or rx is self.rx:
            return  # nothing new: called after every command and every tick
        self.rx = rx
        new = for_rx(rx, self.rig)
        if self.drugs is not None and rx.drugs != self.drugs and new != self.limits:
            self._new_mix(self.limits, new, now_ms)
        self.drugs = rx.drugs
        self.limits = new
        self._apply(now_ms)

    def _new_mix(self, old, new, now_ms):
        """The counts so far into the new mix's steps; the line's old mix to weigh."""
        hour = (new[0], old[0] if old[0] > 0 else 1)
        day = (new[1], old[1] if old[1] > 0 else 1)
        for g in (self.guard, self.cal):
            if g is not None:
                g.scale(now_ms, hour, day)
        if self.held is not None:
            # A second change before the first's old mix left: the line holds some of
            # each, all counted at the heavier share (at worst the guard trips early).
            old = _tighter(old, self.held)
        self.held = old
        self.wash_left = wash_steps(self.rig, old, new)
        self._washed = (0, 0, 0)
        self.changed = True
