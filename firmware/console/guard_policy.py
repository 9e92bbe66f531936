"""The step guard's limits, kept in line with the prescription the pump holds.

The guard (hal/step_guard.py) counts raw steps against limits fixed from outside; this
module fixes them, never looser than the drug table allows for what can be in the line:
- before any prescription: one prime of the dead volume per hour and per day. Nothing
  may move before a prescription (the pump refuses it), so a step past a prime is a
  runaway by definition;
- with a prescription: hal.step_guard.limits_for() over the tightest hourly and daily
  limit of the mix (Prescription.limit_ng), at the primary drug's concentration;
- after the mix changes (a refill at another concentration, another drug): the tighter of
  the old and the new limits, until the old mix has left the line and a day and an hour
  more have passed (steps of the old mix stay in the guard's 24 h window that long).
Reads the pump, changes only the guard's limits."""
from micropython import const
from hal.step_guard import limits_for
from pump import drugs as dt

_HOLD_MS = const(90_000_000)  # 25 h: the 24 h window plus its edge buckets, with room


def prime_only(rig):
    steps = -(-rig.dead_volume_nl * rig.step_den // rig.step_num) + 1
    return steps, steps


def for_rx(rx, rig):
    return limits_for(rx.limit_ng(dt.F_MAX_HOURLY), rx.limit_ng(dt.F_MAX_DAILY),
                      rx.drugs[0][1], rig)


def _tighter(a, b):
    return (a[0] if a[0] < b[0] else b[0], a[1] if a[1] < b[1] else b[1])


class GuardPolicy:
    def __init__(self, guard, rig):
        self.guard = guard
        self.rig = rig
        self.rx = None  # the prescription the limits were last set from
        self.drugs = None  # the mix the limits follow
        self.held = None  # limits of an older mix, kept while its steps may be counted
        self.hold_until = None
        self.limits = prime_only(rig)
        guard.set_limits(*self.limits)

    def update(self, pump, now_ms):
        rx = pump.rx
        if rx is None or (rx is self.rx and self.held is None):
            return  # nothing new: called after every command and every tick
        self.rx = rx
        if self.drugs is not None and rx.drugs != self.drugs:
            self.held = self.limits  # already the tighter of the last mix and any hold
            self.hold_until = None
        self.drugs = rx.drugs
        if self.held is not None and self.hold_until is None and _flushed(pump):
            self.hold_until = now_ms + _HOLD_MS
        if self.hold_until is not None and now_ms >= self.hold_until:
            self.held = None
            self.hold_until = None
        new = for_rx(rx, self.rig)
        self.limits = new if self.held is None else _tighter(new, self.held)
        self.guard.set_limits(*self.limits)


def _flushed(pump):
    """The fluid in the line is all the mix now prescribed."""
    t = pump.tubing
    return t.is_full() and t.vu_until_change() is None and t.head_concs(None) == pump.rx.drugs
