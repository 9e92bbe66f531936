"""The device: the one owner of the pump, the safety channel, the journal on flash, the
clinician access, the event log, the prescription being written and a calibration run.

Everything that changes therapy goes through here, in one order per pass:

    line in -> command (console/, through this object) -> journal -> advance (pump or
    calibration -> safety channel -> lease -> motor) -> settle (session, alarms, guard
    limits) -> journal -> events and reply out

Nothing below calls back up: the journal is handed what it saves (the pump and this
device's bytes, app/device_state.py) when a pass saves, never asked for it during a move;
the pump reports through its log hook, which only queues text. A granted bolus is
journaled before the pass that moves its first step (journal() runs before advance()).

    Device(rig, motor, clock, sim=None, pin_store=None, config_store=None, store=None)
        `motor` is the board's; with a `store` (store/persist.py's Persist) the lease sits
        between the channel and the motor, the pump and this device's state are restored
        from flash, and every change is saved before the reply goes out. `config_store` is
        the board config on flash (app/config_file.py), None where there is none.
    tick()          one pass's work at the clock's time: journal, advance, settle.
                    Never raises; a failure becomes an `! error` event.
    advance(now)    the pump and a calibration run to now (the moves happen here)
    catch_up(now)   the pump to now and settled, before a command
    settle(now)     the session, the alarm list and the guard's limits in line with the
                    world, then the journal
    fault(name)     an alarm the loop detects itself; PumpError for an unknown name
    interruptible() True only while nothing can move
    next_due(now)   when a pass next has work by time alone (a simulated jump's stops)
    day_check(now, code=None)   the day's patient activity closed at its end, a press
                    counted (app/activity.py)
    events()        the `! ` lines noted since the last call (one shared empty list
                    when there are none: read it, never change it)
    reboot          set to a reason by a command that changed the rig"""
from micropython import const

from app import device_state, lazy
from app.auth import Auth
from app.draft import Draft, from_rx
from app.events import Events, pump_note
from pump.alarms import row
from pump.errors import PumpError, E_INTERNAL, E_LINE_UNKNOWN
from pump.pump import Pump
from pump.states import REFILLING, UNPROGRAMMED, STOPPED
from store.record import StoreError
from safety.channel import SafetyChannel

# How long the service jumper's access lasts after the boot that found it: long enough
# to set a PIN or deploy, short enough that a jumper left in is not an open door for
# the rest of the day (a patient cannot put one in; the log and whoami show it).
SERVICE_MS = const(15 * 60_000)
_NO_EVENTS = []  # events() when there are none: one list, shared, never changed
_CALIBRATE = (lazy.CALIBRATE,)


class Device:
    def __init__(self, rig, motor, clock, sim=None, pin_store=None, config_store=None,
                 store=None):
        motor.enable(False)
        self.rig = rig
        self.clock = clock
        self.sim = sim
        self.store = store
        self.config_store = config_store
        self.reboot = None
        self.calibration = None  # an app.calibration.Run while one exists
        # `sim` is kept on the simulated board (a host's memory): loaded again for each
        # it was ~9 ms of every `sim advance`. A Pico drops it after its ERR 80.
        self._keep = lazy.loaded(lazy.AFTER_COMMAND + _CALIBRATE) + (
            (lazy.SIM,) if sim is not None else ())
        self.notes = Events(None if store is None else store.log)
        if pin_store is None and store is not None:
            pin_store = store.pin
        self.auth = Auth(pin_store)
        self.pump = None
        # A programmed state was lost at boot (store/persist.py's lost_therapy): the line
        # may still be in a patient, so prime and calibration wait until a clinician
        # declares it detached (`decommission`). Kept in the snapshot until then.
        self.line_unknown = False
        # What app/device_state.py keeps changed other than by a step: set here (the line
        # declared detached), in auth, the safety channel and its limits; a save clears
        # them all. tests/core/test_dirty_flags.py holds them to a full comparison.
        self.changed = False
        self.repl = None  # who asked for the REPL (console/cmd_service.py); the loop ends
        # `echo on`: the loop shows each typed byte back, for a terminal that does not
        # (console/cmd_access.py). A terminal's setting: never saved, off at every boot.
        self.echo = False
        # Until when the service jumper held at boot lets `repl` and `pin` go without a
        # login (service_boot()); None: it was not there.
        self.service_until = None
        # The refill awaiting confirm: (withdrawn nL, the count then, nL out since the
        # fill), for its reconciliation (console/cmd_rx.py); None without one.
        self.refill_check = None
        # The open day of patient activity (app/activity.py, loaded only to change it): its
        # counts as bytes, saved in the snapshot (app/device_state.py), and the pump time
        # it ends at (0: the clock was set, or none is open yet: see at the next check).
        self.day_blob = b""
        self.day_end = 0
        # A change to the prescription staged for review (console/cmd_review.py), a
        # Draft; None without one. Never saved: a reboot drops it.
        self.staged = None
        now = clock.now_ms()
        below = motor if store is None else store.lease_motor(motor)
        self.safety = SafetyChannel(below, rig, clock)
        if store is None:
            self.pump = Pump(rig, self.safety, log=self._note, now_ms=now)
        else:
            self.pump = store.boot(rig, self.safety, now, self._note)
            self.line_unknown = store.lost_therapy
            restored = device_state.load(self, store.extra, now)
            if not restored:
                self.pump.fault("memory", now)
            if store.lost_therapy or not restored:
                self._guard_from_lease(now)
        # The guard's limits follow the restored prescription before anything can move
        # (a drug that resumes basal after a restart is already running).
        self.safety.follow(self.pump, now)
        self.draft = Draft(rig) if self.pump.rx is None else from_rx(self.pump.rx, rig)
        if self.pump.rx is None and self.pump.reservoir.concs is not None:
            self.draft.drugs = self.pump.reservoir.concs  # filled before it was programmed
        if store is not None and store.lost_therapy:
            # The flag on flash first, then the lease rebased: a cut between the two
            # finds the old lease again and raises the flag again.
            if store.save(self.pump, device_state.encode(self, now)):
                try:
                    store.rebase_lease()
                except StoreError:
                    self.pump.fault("memory", now)
        self.alarms_seen = []
        self.day_check(now)  # the day's activity opens (or, restored, goes on)
        # What was restored (or fresh) is the baseline: nothing of ours has changed yet.
        self.auth.changed = self.safety.changed = self.safety.limits.changed = False

    # ----- one pass -----
    def tick(self):
        # The clock read here, not the loop's: a line handled earlier in the same pass
        # may already have brought the pump past the time the loop read.
        now = self.clock.now_ms()
        try:
            self.journal(now)
            self.day_check(now)  # after the journal: it may move the pump to midnight
            self.advance(now)
            self.settle(now)
        except PumpError as err:
            self.emit("error code=%d" % err.code)
        except Exception as exc:  # kept alive for the next pass; reported, never hidden
            self.emit("error code=%d type=%s" % (E_INTERNAL, type(exc).__name__))

    def advance(self, now):
        self.pump.advance(now)
        if self.calibration is not None:
            self.calibration_module().tick(self, now)

    def catch_up(self, now):
        """The pump to now before a command reads or changes it (a calibration run goes on
        at the pass, as the loop runs it)."""
        self.pump.advance(now)
        self.settle(now)

    def settle(self, now):
        """Bring the session, the alarm list and the guard in line with the world, then
        journal what changed."""
        if self.auth.expired(now):
            self.emit("session-ended reason=timeout")
            if self.pump.sm.state == REFILLING:
                self.cancel_refill(now)
        if self.staged is not None and not self.auth.clinician(now):
            self.staged = None  # no one but the clinician who staged it may commit it
            self.emit("staged-dropped reason=session-ended")
        # Every pass: allocates only when the set of alarms has changed.
        active = self.pump.alarms.state
        changed = len(active) != len(self.alarms_seen)
        for name in self.alarms_seen:
            if name not in active:
                self.emit("cleared name=%s" % name)
                changed = True
        if changed:
            self.alarms_seen = list(active)
        self.safety.follow(self.pump, now)
        self.journal(now)

    def journal(self, now):
        """Save what changed (or what is due) with this device's bytes as they are now."""
        store = self.store
        if store is None:
            return
        a, ch = self.auth, self.safety
        if a.changed or ch.changed or ch.limits.changed or self.changed or store.due(self.pump):
            if store.save(self.pump, device_state.encode(self, now)):
                a.changed = ch.changed = ch.limits.changed = self.changed = False

    def _guard_from_lease(self, now):
        """The step guard's counts were lost with the snapshot: rebuilt from what the lease
        last wrote (the most they could be), counted now, so they stay a whole hour and
        day: a lost state is no way to a fresh guard."""
        counts = self.store.lease_counts
        if counts is None:
            return
        g = self.safety.guard
        g.hour.add(now, counts[0])
        g.day.add(now, counts[1])
        self.store.motor.guard_counts(g.hour.total(now), g.day.total(now))

    # ----- what the loop asks -----
    def fault(self, name):
        now = self.clock.now_ms()
        self.pump.fault(name, now)
        self.settle(now)

    def next_due(self, now):
        """When a pass next has work by time alone (ms on the board's clock; `now` for at
        once), or None: the pump's next step or event, the end of the session, a save due
        by time, a change of the guard's limits, a calibration run's steps, the day's end
        (its activity closes). Between two
        such times a pass changes nothing, so a simulated jump (app/controller.py) skips
        it. Reads only."""
        if self.calibration is not None and not self.calibration.done:
            return now  # its steps come every few ms at the prime speed
        pump = self.pump
        best = pump.ms_to_next_event()
        if best is not None:
            best += pump.t
        for t in (self.auth.session_until, self.safety.limits.next_change(now),
                  self.day_end,  # the day's activity closes (app/activity.py)
                  None if self.store is None else self.store.due_at()):
            if t is not None and (best is None or t < best):
                best = t
        return best

    def day_check(self, now, code=None):
        """Once the pump's day has ended (or the clock was set), the day's activity is
        closed and written, once; with `code`, a patient's press is counted too, granted
        (0) or refused with its code (app/activity.py, loaded for it and dropped after).
        Only memory can fail here, and neither a pass nor a press's answer may: the day
        is then tried again a minute later, and such a press goes uncounted."""
        if code is not None or now >= self.day_end:
            try:
                lazy.load("app.activity").tick(self, now, code)
            except MemoryError:
                self.day_end = now + 60_000
            lazy.drop(("app.activity",), self._keep)

    def interruptible(self):
        return self.pump.sm.state in (UNPROGRAMMED, STOPPED) and self.calibration is None

    def events(self):
        e = self.notes
        if not e.pending and not e.dropped:
            return _NO_EVENTS  # asked every pass: nothing allocated when nothing is new
        return e.take()

    def loudest(self):
        """The priority of the loudest active alarm (pump.alarms), 0 for none."""
        active = self.pump.alarms.active()
        return row(active[0])[1] if active else 0

    # ----- for the commands -----
    def now(self):
        return self.clock.now_ms()

    def wall(self, t_ms):
        return t_ms + self.pump.wall_offset_ms

    def emit(self, text_):
        self.notes.emit(text_, self.wall(self.pump.t))

    def service_boot(self, now):
        """The board's service jumper was held through power-up (the physical act of
        issue 15): for SERVICE_MS the REPL and a new PIN need no login, for whoever has
        the board in hand. Logged. Therapy is untouched: the act opens access, not the
        pump's limits."""
        self.service_until = now + SERVICE_MS
        self.record("service jumper=in")

    def in_service(self, now):
        return self.service_until is not None and now < self.service_until

    def record(self, text_):
        self.notes.record(text_, self.wall(self.pump.t))

    def missing(self):
        """What the prescription lacks, as the commands that set it; `time` too while a
        schedule of more than one step waits on a clock that was never set."""
        out = self.draft.missing()
        if self.waits_for_clock(self.draft.schedule, self.draft.sched):
            out.append("time")
        return out

    def waits_for_clock(self, schedule, sched=None):
        """A schedule of more than one step, or scheduled boluses, run by the time of day:
        not on a clock that was never set, where they would fall at the wrong hours
        (issue 16, item 1)."""
        return (bool(sched) or schedule is not None and len(schedule.steps) > 1) \
            and not self.pump.clock_set()

    def cancel_refill(self, now):
        self.pump.cancel(now)
        self.refill_check = None
        self.emit("refill-cancelled")

    def check_line_known(self):
        """Raise unless pushing fluid out of the line is known to reach no patient."""
        if self.line_unknown:
            raise PumpError(E_LINE_UNKNOWN)

    def calibration_module(self):
        """app/calibration.py, loaded while a run exists or a command needs it."""
        return lazy.load(lazy.CALIBRATE)

    def unload(self):
        """Drop the modules commands load (app/lazy.py); never raises."""
        lazy.drop(lazy.AFTER_COMMAND, self._keep)
        if self.calibration is None:
            lazy.drop(_CALIBRATE, self._keep)

    # ----- inside -----
    def _note(self, t, kind, values):
        pump = self.pump if self.pump is not None else (
            self.store.pump if self.store is not None else None)  # notes made while restoring
        offset = pump.wall_offset_ms if pump is not None else 0
        self.notes.emit(pump_note(kind, values), t + offset)
