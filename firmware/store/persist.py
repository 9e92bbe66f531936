"""The pump's state on flash: the snapshot in A/B slots, the step lease, the event log.

    p = Persist(flash)                     flash: DirFlash(board.flash_dir) on a board
    lease = p.lease_motor(board.motor)     the lease, to sit between the safety channel
                                           and the motor (safety/__init__.py)
    pump = p.boot(rig, channel, now, log)  before anything else; the driver stays off
    p.due(pump) -> bool                    a save is due (every pass asks; reads only)
    p.due_at() -> ms                       when one falls due by time alone
    p.save(pump, extra)                    with the caller's bytes as they are now
    p.tick(pump, extra)                    save if due
    p.log.last(n)                          the event log, for `log`

boot() restores the last committed snapshot, charges the steps the lease allows beyond
it, raises `restart` and `clock`, resumes basal by the drug's policy (pump/restart.py),
and raises `memory` if a record was damaged, foreign or from the future, or if nothing
could be restored from files that were there. It never raises on bad content.

tick() saves when something a snapshot holds has changed (state, alarms, prescription,
boluses, refill, clock: the pump's dirty flags, which a save clears) or when `every`
steps have been issued since the last save; the
lease bounds what a cut can lose in between. A bolus granted and not yet saved must be
saved before its first step: the device (app/device.py) journals before every advance,
so no bolus can be delivered and then forgotten. Nothing here calls back up into the
device: what a save holds is handed down with it.

A save that fails raises `memory` in the pump and returns False; a power cut (the
simulated flash's PowerCut) is not caught here."""
from micropython import const
from pump.pump import Pump
from store import lease, snapshot
from store.pin_record import PinRecord
from store.record import StoreError
from store.ring import EventLog, event_text
from store.slots import Slots, ALARM_REPORTS, FRESH, REPORT_NAMES

MAGIC = b"IPST"
# docs/persistence.md: a lease committed before every move keeps the reservoir read back
# within the move of the truth (one step on a board, whose passes are ms apart), for
# ~650 writes of 18 bytes a day in case 1; a snapshot every 100 steps (140 uL on the
# bench rig) keeps the totals in it fresh.
LEASE_STEPS = const(0)
# A rig with small steps issues many a day, and a lease per move wears the flash: the 1 mL
# syringe's 4.5 nL steps made ~1,400 erases a day on the emulated RP2040 at 0.1 mL/day
# (docs/persistence.md). So a board's lease runs LEASE_NL ahead (lease_chunk): after a
# cut the reservoir then reads at most 1 uL plus a step low, never high, and the rolling
# windows hold that much more, never less.
LEASE_NL = const(1000)
EVERY_STEPS = const(100)
# A snapshot at least every 10 min of pump time keeps the wall clock and the ages of
# past doses read back after a cut close to the truth: 144 writes a day.
EVERY_MS = const(600_000)


def lease_chunk(step_nl):
    """Steps a board's lease runs ahead of the motor: as many whole steps as fit in
    LEASE_NL beyond the first, so one lease write covers about a microlitre (0 for steps
    of a microlitre or more: then every move commits, as before)."""
    if type(step_nl) is not int or step_nl < 1:
        raise ValueError("step_nl must be an int >= 1")
    n = LEASE_NL // step_nl - 1
    return n if n > 0 else 0


class Persist:
    def __init__(self, flash, chunk=LEASE_STEPS, every=EVERY_STEPS, every_ms=EVERY_MS):
        self.slots = Slots(flash, "state", MAGIC, snapshot.VERSION)
        self.lease_slots = lease.slots(flash)
        self.log = EventLog(flash)
        self.pin = PinRecord(flash)  # the PIN apart from therapy state (store/pin_record.py)
        self.chunk = chunk
        self.every = every
        self.every_ms = every_ms
        self.pump = None
        self.motor = None
        self.extra = b""
        self.reports = None  # (state report, lease report) from boot, for status and tests
        self.lost_therapy = False  # boot found no state where the lease or log shows one
        self.lease_counts = None  # (hour, day) the guard had at most, from the lease
        self.failures = 0
        self.log_failures = 0
        self.holding = False  # inside a simulated jump (hold())
        self._saved = False
        self._steps = 0
        self._t = 0

    def lease_motor(self, motor):
        """The lease around the board's motor (store/lease.py); made once."""
        if self.motor is None:
            self.motor = lease.LeaseMotor(motor, self.lease_slots, self.chunk)
        return self.motor

    def boot(self, rig, motor, now_ms, log=None):
        """The pump to run: restored, or fresh. `motor` is what the pump moves through:
        the safety channel above lease_motor(), or, if no lease was made, a motor the
        lease is put around here. `log` (t, kind, values) receives the pump's notes,
        those made while restoring included; by default the event log."""
        payload, rep = self.slots.load()
        lpay, lrep = self.lease_slots.load()
        self.reports = (rep, lrep)
        bound = 0 if lpay is None else lease.read_bound(lpay)
        # The guard's counts as the lease last wrote them, for a boot whose snapshot (where
        # the guard's own counts live) is lost or unreadable (app/device.py).
        self.lease_counts = None if lpay is None else lease.read_counts(lpay)
        memory = rep in ALARM_REPORTS or lrep in ALARM_REPORTS or bound is None
        if self.motor is None:
            motor = self.lease_motor(motor)
        pump = None
        early = []  # notes made while restoring, logged once the wall clock is known

        def hold(t, kind, values):
            early.append((t, kind, values))
        if payload is not None:
            try:
                pump, self.extra = snapshot.restore(payload, rig, motor, now_ms, bound,
                                                    hold)
            except snapshot.SnapshotError:
                memory = True
        if pump is None:
            pump = Pump(rig, motor, log=hold, now_ms=now_ms)
            if rep != FRESH:
                pump.fault("restart", now_ms)
            # Steps were issued (the lease) or a prescription programmed (the log): this
            # pump had a line that may still be in a patient, whatever state was lost.
            self.lost_therapy = bool(bound) or self._log_shows_program()
        self.pump = pump
        log = self.note if log is None else log
        pump.set_log(log)
        for t, kind, values in early:
            log(t, kind, values)
        self.motor.issued = pump.steps_issued
        self.motor.bound = bound or 0
        if memory:
            pump.fault("memory", now_ms)
        log(now_ms, "boot", ("state=" + REPORT_NAMES[rep], "lease=" + REPORT_NAMES[lrep]))
        if rep != FRESH or pump.rx is not None:
            self.save(pump)  # the charged state: a second cut must not charge it twice
        return pump

    def rebase_lease(self):
        """After a boot that lost the state (lost_therapy), once the caller has saved
        what it must keep of that: the lease counts from the fresh pump's steps, so the
        next boot does not charge the lost pump's steps to this one."""
        m = self.motor
        m.issued = self.pump.steps_issued
        m.told_at = m.issued
        m._commit(m.issued)  # with the guard's counts the device handed down

    def _log_shows_program(self):
        for _, payload in self.log.last(self.log.size):
            if b" program drug=" in payload:
                return True
        return False

    def due(self, pump):
        """Something a snapshot holds has changed, or enough steps or time have passed
        (not counted while holding: a jump's end saves)."""
        if pump.dirty or pump.alarms.changed:
            return True
        return not self.holding and (pump.steps_issued - self._steps >= self.every
                                     or pump.t - self._t >= self.every_ms)

    def due_at(self):
        """When a save falls due by time alone (pump ms), if nothing changes before: the
        last save's time plus `every_ms`; 0 (at once) while no save has been made; None
        while holding. Reads only: a simulated jump (app/controller.py) passes there."""
        if self.holding:
            return None
        return 0 if not self._saved else self._t + self.every_ms

    def hold(self, steps):
        """A simulated jump begins (`sim advance`, app/controller.py) that may issue up to
        `steps`: one lease commit covers them, and saves come only with events (a state, an
        alarm, a bolus), not every `every` steps or `every_ms`. A month of case 1 is then
        a few dozen writes instead of ~20,000: the time a board spends on its flash is not
        the simulation's to spend. A cut inside the jump charges the whole reservation
        (store/lease.py): more than the truth, never less."""
        self.holding = True
        if self.motor is not None:
            self.motor.reserve(steps)

    def release(self, pump, extra):
        """The jump has ended: save, then the lease back to the steps really issued."""
        self.holding = False
        saved = self.save(pump, extra)
        if saved and self.motor is not None:
            self.motor.release()
        return saved

    def tick(self, pump, extra=None):
        """Save if due; True if it saved."""
        if extra is not None and extra != self.extra:
            return self.save(pump, extra)
        if self.due(pump):
            return self.save(pump)
        return False

    def save(self, pump, extra=None):
        if extra is not None:
            self.extra = extra
        try:
            self._commit(pump)
        except StoreError:
            self.failures += 1
            pump.fault("memory", pump.t)
            return False
        return True

    def note(self, t, kind, values):
        """The pump's log hook: each note becomes one record of the event log."""
        p = self.pump
        wall = t + (p.wall_offset_ms if p is not None else 0)
        try:
            self.log.append(event_text(wall, kind, values))
        except OSError:
            self.log_failures += 1  # the log informs; losing a line must not stop a dose

    def _commit(self, pump):
        self.slots.commit(snapshot.save(pump, self.extra))
        pump.dirty = False
        pump.alarms.changed = False
        self._saved = True
        self._steps = pump.steps_issued
        self._t = pump.t
