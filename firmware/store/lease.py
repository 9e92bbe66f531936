"""A motor wrapper that keeps on flash a bound on the steps it has issued: before a move
would pass the bound, it commits a new one, `chunk` steps beyond the move, and only then
moves. Whenever the power goes, flash therefore holds a number at least as large as the
steps really issued, and at most `chunk` plus one move larger.

A snapshot is saved now and then; the steps issued after it are unknown after a cut.
Restoring charges them at this bound (reservoir lower, doses in the rolling windows
higher): never more drug than allowed, only an earlier low-reservoir alarm. If the bound
cannot be committed the motor does not move and reports "memory", which the pump latches
as a STOP alarm.

Simulated time that jumps (`sim advance`) reserves the jump's steps in one commit and
releases the rest at its end (reserve(), release()): a cut inside a jump then charges up
to that reservation, more than the truth, never less.

Each commit also holds what the step guard's hour and 24 h counts will be at most when
the bound is reached (the counts the safety channel hands down before each move, plus
the steps up to the bound): a boot that lost the snapshot, where the guard's own counts
live, rebuilds them from these (read_counts), never from nothing. A lease written
before these counts (one number) still reads; its counts are unknown (None)."""
from micropython import const
from store.codec import Writer, Reader, Corrupt
from store.record import StoreError
from store.slots import Slots

MAGIC = b"IPLS"
VERSION = const(1)


def slots(flash):
    return Slots(flash, "lease", MAGIC, VERSION)


def read_bound(payload):
    """The bound in a lease payload, or None if it does not decode."""
    got = _read(payload)
    return None if got is None else got[0]


def read_counts(payload):
    """(hour, day): the guard's counts at most at the bound, or None (an older lease,
    or one that does not decode)."""
    got = _read(payload)
    return None if got is None or got[1] is None else (got[1], got[2])


def _read(payload):
    try:
        r = Reader(payload)
        v = r.int()
        hour = day = None
        if r.pos < len(r.data):
            hour, day = r.int(), r.int()
            if hour < 0 or day < 0:
                return None
        r.end()
    except Corrupt:
        return None
    return (v, hour, day) if v >= 0 else None


class LeaseMotor:
    def __init__(self, motor, lease_slots, chunk):
        self.motor = motor
        self.slots = lease_slots
        self.chunk = chunk
        self.issued = 0  # the pump's steps_issued, kept in step by restore
        self.bound = 0  # the bound on flash
        self.commits = 0
        self.hour = 0  # the guard's counts as the safety channel last handed them down,
        self.day = 0
        self.told_at = 0  # when `issued` was this
        self._fault = None

    def enable(self, on):
        self.motor.enable(on)

    def guard_counts(self, hour, day):
        """The step guard's hour and 24 h counts now (safety/channel.py, before each
        move): written with the next bound. Two ints kept: nothing allocated."""
        self.hour = hour
        self.day = day
        self.told_at = self.issued

    def move(self, n):
        if n > 0 and self.issued + n > self.bound:
            try:
                self._commit(self.issued + n + self.chunk)
            except StoreError:
                self._fault = "memory"
                return 0
        got = self.motor.move(n)
        self.issued += got
        return got

    def reserve(self, n):
        """One commit for the next `n` steps (a simulated jump's, store/persist.py hold()):
        moves within it write nothing. Past it, moves commit as ever, so `n` need not be
        exact, only generous. A failed write is left to the first move that needs one,
        which then reports it."""
        if n > 0 and self.issued + n > self.bound:
            try:
                self._commit(self.issued + n + self.chunk)
            except StoreError:
                pass

    def release(self):
        """The bound back to `chunk` beyond the steps issued, once they are known exactly
        (the end of a jump): a smaller bound is as true, and a cut then charges less."""
        if self.bound > self.issued + self.chunk:
            try:
                self._commit(self.issued + self.chunk)
            except StoreError:
                pass  # the higher bound stands: still true, only further from the truth

    def _commit(self, bound):
        w = Writer()
        w.int(bound)
        # Every step the guard will have counted by the bound: those since the counts were
        # told (a batch split into several moves commits more than once) up to the bound.
        ahead = bound - self.told_at if bound > self.told_at else 0
        w.int(self.hour + ahead)
        w.int(self.day + ahead)
        self.slots.commit(w.result())
        self.bound = bound
        self.commits += 1

    def move_water(self, n):
        """A calibration run's steps: water into a beaker, not drug. The bound is not
        raised for them nor counted with them: after a cut the pump would charge them to
        its reservoir and its dose windows as drug."""
        return self.motor.move(n)

    def retract(self, n):
        """Steps back (an occlusion's relief). The bound on flash bounds forward steps and
        `issued` stays as it is (the pump's steps_issued counts forward only): a cut after
        a relief charges no less than went out, never more back than came back."""
        return self.motor.retract(n)

    def fault(self):
        f = self._fault
        if f is not None:
            self._fault = None
            self.motor.fault()  # drop the driver's own reason: the move never started
            return f
        return self.motor.fault()
