"""The one path to the motor (safety/__init__.py): the step guard asked before every batch,
the steps really issued counted after it, drug and calibration water alike.

    ch = SafetyChannel(motor, rig, clock)   motor: the lease (a board with a store) or the
                                            board's motor; the driver is left disabled
    ch.move(n) -> issued        drug: the pump's steps
    ch.move_water(n) -> issued  a calibration run's steps: counted by the guard like drug,
                                and by the limits as water (never charged to a prescription
                                programmed later); the lease below does not bound them, as
                                they are not drug a power cut could have given
    ch.retract(n) -> back       steps back, an occlusion's relief: not delivery, so the guard
                                does not count it, but bounded: at most the forward steps
                                since the last retract and the rig's occlusion trap
    ch.enable(on)               a tripped guard keeps the driver off whatever is asked
    ch.fault() -> name|None     why the last move fell short ("guard", or the motor's reason)
    ch.follow(pump, now)        the guard's limits in line with the pump's prescription

Past a limit it refuses the whole batch, disables the driver and says "guard", which the
pump latches as a STOP alarm; only a clinician's `ack guard` (reset()) lifts it.

A move blocks the loop (hal/pico's motor waits for its PIO) and the watchdog is fed only
between passes, so one move carries at most `max_move` steps, MOVE_MS at the rig's step
rate (move_cap): a larger batch, once the guard has allowed it whole, goes down as
several moves and stops at the first that falls short. On a board a batch is what came
due since the last pass, at a speed the config holds at or under the step rate, so it
passes the cap only after a pass that itself took longer than MOVE_MS; simulated time,
which jumps, is where big batches come from. A rig that names no step rate (one built
for the logic alone, with no board) is not split."""
from micropython import const
from pump.dose_units import DAY_MS
from safety.limits import GuardLimits
from safety.step_guard import StepGuard

# The longest one move may last: a fifth of the Pico's 5 s watchdog (hal/pico/board.py
# WATCHDOG_MS), leaving the pass its lease write, its journal and its console line.
MOVE_MS = const(1000)
_HOUR_MS = const(3_600_000)


def move_cap(rig):
    """Most steps one move may carry: MOVE_MS at the rig's `max_step_hz` (at least one), or
    None if the rig names no step rate."""
    hz = rig.max_step_hz
    if hz is None:
        return None
    cap = hz * MOVE_MS // 1000
    return cap if cap > 0 else 1


class SafetyChannel:
    def __init__(self, motor, rig, clock):
        self.motor = motor
        self.clock = clock  # any object with now_ms()
        self.guard = StepGuard(0, 0)  # nothing may move until the limits are set
        self.limits = GuardLimits(self.guard, rig)
        self.max_move = move_cap(rig)
        self._water = getattr(motor, "move_water", motor.move)
        # The lease below writes the guard's counts with its bound (store/lease.py), for
        # a boot that loses the snapshot they live in.
        self._tell = getattr(motor, "guard_counts", None)
        self._fault = None
        self.changed = False  # a trip or its reset, not yet saved (app/device.py clears it)
        # Steps a retract may still take back: what went forward since the last one, at
        # most what the rig says an occlusion traps. Drawing back more than was pushed into
        # a blocked line would suck from the patient once it opens.
        self.back_room = 0
        self._back_max = rig.relief_steps() if hasattr(rig, "relief_steps") else 0
        motor.enable(False)

    def enable(self, on):
        self.motor.enable(bool(on) and not self.guard.tripped)

    def move(self, n):
        return self._move(n, self.motor.move)

    def move_water(self, n):
        now = self.clock.now_ms()
        issued = self._move(n, self._water)
        self.limits.ran(now, issued)
        return issued

    def _move(self, n, move):
        now = self.clock.now_ms()
        if not self.guard.allows(now, n):  # the whole batch, before any of it moves
            self.guard.tripped = True
            self.changed = True
            self.motor.enable(False)
            self._fault = "guard"
            return 0
        if self._tell is not None:
            self._tell(self.guard.hour.sum, self.guard.day.sum)  # rolled by allows()
        cap = self.max_move
        if cap is None or n <= cap:
            issued = move(n)
        else:
            issued = 0
            while issued < n:
                k = n - issued
                k = k if k < cap else cap
                got = move(k)
                issued += got
                if got < k:
                    break  # a fault: the motor keeps its reason for fault()
        self.guard.record(now, issued)
        room = self.back_room + issued
        self.back_room = room if room < self._back_max else self._back_max
        return issued

    def retract(self, n):
        """Up to n steps back, cut to back_room (no error: the pump counts what came back);
        none while the guard is tripped. Moves of at most max_move, as forward ones."""
        n = n if n < self.back_room else self.back_room
        if n <= 0 or self.guard.tripped:
            return 0
        cap = self.max_move if self.max_move is not None else n
        back = 0
        while back < n:
            k = n - back if n - back < cap else cap
            got = self.motor.retract(k)
            back += got
            if got < k:
                break  # the motor keeps its reason for fault()
        self.back_room -= back
        return back

    def fault(self):
        f = self._fault or self.motor.fault()
        self._fault = None
        return f

    def most_steps(self, span_ms):
        """The most steps the guard can let through in `span_ms` from now at its present
        limits: each rolling hour and each rolling 24 h holds at most its limit (a jump
        reserves this much on the lease, store/persist.py hold())."""
        g = self.guard
        if g.tripped:
            return 0
        by_hour = g.max_hour * (span_ms // _HOUR_MS + 1)
        by_day = g.max_day * (span_ms // DAY_MS + 1)
        return by_hour if by_hour < by_day else by_day

    def follow(self, pump, now_ms):
        self.limits.update(pump, now_ms)

    def reset(self):
        """A clinician's acknowledgement of a trip; the counts stay, so the windows hold."""
        self.guard.reset()
        self.changed = True

    @property
    def tripped(self):
        return self.guard.tripped
