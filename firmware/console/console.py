"""The serial console's interpreter: one line in, its reply lines out. No I/O, no clock of
its own, no hardware: the control loop (main.py) feeds it lines and reads its events.

Hazards: a bad line must change nothing (a half-applied command can leave the pump with a
prescription nobody wrote), and the console must never die (a pump that stops answering
cannot be stopped). So every command parses and checks everything before it acts, the pump
itself checks before it acts, and any unexpected exception becomes `ERR 82`.

Memory: a command's module is imported when the command runs and dropped once its reply
is built (console/lazy.py), so between commands the heap holds only what every pass, the
bolus button and `status` need (cmd_run and cmd_read, imported here to stay resident)."""
from console import cmd_read, cmd_run, commands as cm, lazy, saved  # noqa: F401
from console.auth import Auth
from console.draft import Draft, from_rx
from console.guard_policy import GuardPolicy
from console.messages import text
from console.notes import Notes, pump_note
from pump.errors import (PumpError, E_INTERNAL, E_LINE_TOO_LONG, E_NOT_ASCII,
                         E_UNKNOWN_COMMAND, E_ROLE, E_REFILL_CANCELLED)
from pump.pump import Pump
from pump.states import REFILLING, UNPROGRAMMED, STOPPED

MAX_LINE = 200  # bytes, without the line ending
_NO_EVENTS = []  # events() when there are none: one list, shared, never changed
_CALIBRATE = (lazy.CALIBRATE,)
_SHOWN = 24  # characters of an unknown word echoed back


class Console:
    """The contract with the control loop.

    Console(rig, motor, guard, clock, sim=None, pin_store=None)
        Builds the Pump at clock.now_ms(). `motor` is a hal.step_guard.GuardedMotor
        around the real motor with `guard` (a StepGuard); the console keeps the guard's
        limits in line with the prescription (console/guard_policy.py: before any
        prescription, one prime of the dead volume). `clock.now_ms()` is the monotonic
        time. `sim` is the simulated world, None on a real board: sim.advance(ms) moves
        the clock on, sim.fault(name) breaks the world (PumpError for an unknown name; a
        returned string is an alarm the pump raises at once, e.g. battery_eri),
        sim.power_cut() asks for power to be cut after this reply is sent.
        `pin_store` has get() -> bytes|None and set(bytes); in RAM by default.
        `store` is the flash (store/persist.py's Persist), None to keep all in RAM: the
        pump is then restored from it rather than built, the PIN, the lockout and the
        guard's counts come back from the snapshot (console/saved.py), the event log is
        its ring, and every change is saved before the reply goes out.
        `config_store` is the board config on flash (app/config_file.py: read() -> str,
        write(str) atomically), None where there is none; a command that changes the rig
        sets `reboot` to a reason, and the loop then restarts the board.
    handle(line) -> [str]
        One line (bytes or str, without its line ending; anything at all). Advances the
        pump to now, runs the command, and returns the `! ` events that happened on the
        way, then data lines, then exactly one final `OK key=value ...` or
        `ERR <code> <text>`. Never raises.
    events() -> [str]
        The `! ` lines noted since the last call or reply (alarms, state changes,
        boluses, refusals, session ends...), for the loop to print between commands.
        When there are none, one shared empty list (the loop asks every pass): read
        the list, never change it.
    tick()
        Call often: delivers what is due by now, ends an idle clinician session, keeps
        the guard's limits current. Never raises; a failure becomes an `! error` event.
    press_bolus() -> [str]
        The physical button: the patient's bolus request, answered as `bolus` would be
        (events, then one final OK/ERR); not a line, so it leaves a pending refill and
        the clinician session alone. Never raises.
    fault(name)
        An alarm the loop detects itself (battery, memory, clock...); raises PumpError
        for a name the alarm table does not know.
    interruptible() -> bool
        True only while nothing can move (no prescription, or stopped by a clinician,
        and no calibration run): then Ctrl-C may drop to the REPL."""

    def __init__(self, rig, motor, guard, clock, sim=None, pin_store=None, config_store=None,
                 store=None):
        self.rig = rig
        self.config_store = config_store
        self.reboot = None
        self.calibration = None  # a calibration run (console/cmd_calibrate.py)
        self.guard = guard
        self.motor = motor  # the guarded motor: a calibration run moves it, past the lease
        self.clock = clock
        self.sim = sim
        self.store = store
        self._keep = lazy.loaded(lazy.AFTER_COMMAND + (lazy.CALIBRATE,))  # not ours to drop
        self.notes = Notes(None if store is None else store.log)
        self.pump = None
        now = clock.now_ms()
        self.auth = Auth(pin_store)
        self.policy = GuardPolicy(guard, rig)
        if store is None:
            self.pump = Pump(rig, motor, log=self._note, now_ms=now)
        else:
            self.pump = store.boot(rig, motor, now, self._note)
            if not saved.load(self, store.extra, now):
                self.pump.fault("memory", now)
            store.extra_of = self._saved
        # The guard's limits follow the restored prescription before anything can move
        # (a drug that resumes basal after a restart is already running).
        self.policy.update(self.pump, now)
        self.draft = Draft(rig) if self.pump.rx is None else from_rx(self.pump.rx, rig)
        self._saved_key = self._console_key()
        self.alarms_seen = []
        self.out = []  # data lines of the reply being built

    # ----- the contract -----
    def handle(self, line):
        try:
            return self._handle(line)
        except Exception as exc:  # a console bug: answer, stay alive, say what it was
            return self._internal(exc)
        finally:
            self._unload()

    def _internal(self, exc):
        try:
            lines = self.notes.take()
        except Exception:  # even the events are unreadable: drop them, keep answering
            lines = []
        lines.append("ERR %d %s" % (E_INTERNAL, text(E_INTERNAL, (type(exc).__name__,))))
        return lines

    def events(self):
        n = self.notes
        if not n.pending and not n.dropped:
            return _NO_EVENTS  # asked every pass: nothing allocated when nothing is new
        return n.take()

    def tick(self):
        now = self.clock.now_ms()
        try:
            self.pump.advance(now)
            self.calibration_tick(now)
            self.after(now)
        except PumpError as err:
            self.emit("error code=%d" % err.code)
        except Exception as exc:  # kept alive for the next tick; reported, never hidden
            self.emit("error code=%d type=%s" % (E_INTERNAL, type(exc).__name__))

    def press_bolus(self):
        """The button: the reply `bolus` would get, but not a console line, so it neither
        cancels a pending refill nor renews a clinician session."""
        try:
            now = self.clock.now_ms()  # self.out is left alone: a press may come mid-reply
            try:
                self.pump.advance(now)
                final = "OK " + cmd_run.do_bolus(self, (), now)
            except PumpError as err:
                final = "ERR %d %s" % (err.code, text(err.code, err.values))
            self.after(self.clock.now_ms())
            return self.notes.take() + [final]
        except Exception as exc:  # as in handle(): answer and stay alive
            return self._internal(exc)
        finally:
            self._unload()  # the words of a refusal, if it loaded them

    def fault(self, name):
        now = self.clock.now_ms()
        self.pump.fault(name, now)
        self.after(now)

    def interruptible(self):
        return self.pump.sm.state in (UNPROGRAMMED, STOPPED) and self.calibration is None

    # ----- for the command modules -----
    def calibration_tick(self, now):
        """A calibration run's steps due by now (console/cmd_calibrate.py, loaded only
        while a run exists)."""
        if self.calibration is not None:
            lazy.load(lazy.CALIBRATE).tick(self, now)

    def now(self):
        return self.clock.now_ms()

    def wall(self, t_ms):
        return t_ms + self.pump.wall_offset_ms

    def emit(self, text_):
        self.notes.emit(text_, self.wall(self.pump.t))

    def record(self, text_):
        self.notes.record(text_, self.wall(self.pump.t))

    def after(self, now):
        """Bring the session, the alarm list and the guard in line with the world."""
        if self.auth.expired(now):
            self.emit("session-ended reason=timeout")
            if self.pump.sm.state == REFILLING:
                self.cancel_refill(now)
        # Called on every tick: allocates only when the set of alarms has changed.
        active = self.pump.alarms.state
        changed = len(active) != len(self.alarms_seen)
        for name in self.alarms_seen:
            if name not in active:
                self.emit("cleared name=%s" % name)
                changed = True
        if changed:
            self.alarms_seen = list(active)
        self.policy.update(self.pump, now)
        if self.store is not None:
            if not self._same_key():
                self._saved_key = self._console_key()
                self.store.save(self.pump)
            else:
                self.store.tick(self.pump)

    def cancel_refill(self, now):
        self.pump.cancel(now)
        self.emit("refill-cancelled")

    # ----- inside -----
    def _saved(self):
        return saved.encode(self, self.clock.now_ms())

    def _console_key(self):
        """What console/saved.py keeps that changes on events (not the guard's counts,
        which change with every step and ride along with the pump's own saves)."""
        a = self.auth
        p = self.policy
        return (a.store.get(), a.wrong, a.lockouts, a.locked_until, self.guard.tripped,
                p.held, p.hold_until)

    def _same_key(self):
        """_console_key() == the saved one, without building a tuple (every pass)."""
        k = self._saved_key
        a = self.auth
        p = self.policy
        return (k[0] == a.store.get() and k[1] == a.wrong and k[2] == a.lockouts
                and k[3] == a.locked_until and k[4] == self.guard.tripped
                and k[5] == p.held and k[6] == p.hold_until)

    def _unload(self):
        """Drop the modules commands load (console/lazy.py); never raises."""
        lazy.drop(lazy.AFTER_COMMAND, self._keep)
        if self.calibration is None:
            lazy.drop(_CALIBRATE, self._keep)

    def _note(self, t, kind, values):
        pump = self.pump if self.pump is not None else (
            self.store.pump if self.store is not None else None)  # notes made while restoring
        offset = pump.wall_offset_ms if pump is not None else 0
        self.notes.emit(pump_note(kind, values), t + offset)

    def _handle(self, line):
        now = self.clock.now_ms()
        self.out = []
        try:
            final = self._run(line, now)
        except PumpError as err:
            final = "ERR %d %s" % (err.code, text(err.code, err.values))
        self.after(self.clock.now_ms())
        out = self.out
        self.out = []
        return self.notes.take() + out + [final]

    def _run(self, line, now):
        self.pump.advance(now)
        self.after(now)
        words, bad = _words(line)
        if not words and bad is None:
            return "OK"  # an empty line: nothing asked, nothing cancelled
        if self.pump.sm.state == REFILLING and (bad is not None or words[0] != "confirm"):
            self.cancel_refill(now)
            raise PumpError(E_REFILL_CANCELLED, words[0][:_SHOWN] if bad is None else "line")
        if bad is not None:
            raise bad
        self.auth.touch(now)  # any command keeps a clinician session open
        entry = cm.find(words[0])
        if entry is None:
            raise PumpError(E_UNKNOWN_COMMAND, words[0][:_SHOWN])
        word, role, lo, hi = entry[0], entry[1], entry[2], entry[3]
        if role == cm.CLINICIAN and not self.auth.clinician(now):
            raise PumpError(E_ROLE, word)
        args = words[1:]
        if not lo <= len(args) <= hi:
            cm.usage(word)
        handler = getattr(lazy.load("console." + entry[4]), entry[5])
        tail = handler(self, args, now)
        return "OK " + tail if tail else "OK"


def _words(line):
    """(words, None) for a line that may be run, or (None, PumpError) for one that may not.
    The command word is lowercased; arguments keep their case (units need it)."""
    if type(line) is str:
        line = line.encode()
    if line[-1:] == b"\r":
        line = line[:-1]
    if len(line) > MAX_LINE:
        return None, PumpError(E_LINE_TOO_LONG, len(line), MAX_LINE)
    for i in range(len(line)):
        b = line[i]
        if b != 9 and not 32 <= b <= 126:
            return None, PumpError(E_NOT_ASCII, i + 1)
    words = line.decode().split()
    if words:
        words[0] = words[0].lower()
    return words, None
