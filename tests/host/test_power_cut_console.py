"""Power cuts through the whole console stack (console, pump, guard, PIN, event log), on
the simulated flash: a cut at every write of a clinical session, at the first, second,
middle, last and after the last byte, in each tear mode; the console is then powered up
again on what the flash holds. test_power_cut.py proves the pump's own state cut by cut
at every byte; this proves what the console adds on top:

- the console always comes back and answers;
- a PIN whose `pin` command was answered survives every later cut;
- a bolus that was answered is never forgotten;
- the steps read back are never fewer than the motor really issued, nor more than one
  move beyond it (the lease), so the reservoir is never above the truth; inside a
  `sim advance`, whose lease reserves the jump's steps at once (store/persist.py hold()),
  never more than the guard could have let through in that jump;
- the guard's 24 h count is never below the steps it had really counted;
- the restart alarm is raised once any state had reached the flash."""
from console_fakes import Board, PIN, kv
from store.persist import Persist
from store.sim_flash import SimFlash, PowerCut, MODES, torn

SESSION = ("pin " + PIN, "login " + PIN, "time 2026-01-01T07:00:00",
           "drug hydromorphone 1000ug/mL ropivacaine 2500ug/mL clonidine 75ug/mL",
           "basal 00:00=600ug/d 08:00=800ug/d 20:00=700ug/d", "ptm 30ug lockout=1h max=7",
           "capacity 40mL", "reservoir-alarm 2mL", "refill 40mL", "confirm", "prime 150uL",
           "sim advance 4m", "login " + PIN, "start", "sim advance 2h", "bolus",
           "sim advance 30m", "bolus", "sim advance 40m", "bolus", "sim advance 1h",
           "suspend", "resume", "sim advance 1h")


class CutFlash(SimFlash):
    """Freezes what the flash held at the cut: the console catches every exception to stay
    alive, so after the cut it may go on writing into a flash no board would still have."""

    def __init__(self, cut=None):
        SimFlash.__init__(self)
        self.cut = cut
        self.frozen = None
        self.truth = None
        self.jump_cap = None
        self.board = None
        self.sizes = []
        self.first_state = None  # the number of the first write of a state record

    def write(self, name, data):
        i = self.writes
        self.sizes.append(len(data))
        if self.first_state is None and name.startswith("state."):
            self.first_state = i
        if self.cut is not None and self.cut[0] == i and self.frozen is None:
            b = self.board  # None: the cut came while the console was booting
            self.truth = (0, 0) if b is None else (
                b.motor.total, b.guard.day.total(b.clock.now_ms()))
            # Inside a jump, what the guard could let through in it: the most its lease's
            # reservation may charge.
            self.jump_cap = b.jump_cap if b is not None and b.jumping else None
            self.files[name] = torn(self.files.get(name), bytes(data), self.cut[1],
                                    self.cut[2])
            self.frozen = dict(self.files)
            self.writes += 1
            raise PowerCut(i)
        if self.frozen is not None:
            self.writes += 1
            return
        SimFlash.write(self, name, data)


def session(flash):
    """Runs the session; returns the flash write count at each answered line and the
    largest batch one line moved (a reservation of a jump is checked apart)."""
    marks = []
    biggest = 0
    try:
        b = Board(persist=Persist(flash))
    except PowerCut:
        return marks, biggest
    flash.board = b
    for line in SESSION:
        before = b.motor.total
        try:
            reply = b.send(line)
        except PowerCut:
            break  # the cut came outside the console's own catch (a jump's reservation)
        biggest = max(biggest, b.motor.total - before)
        marks.append((line, flash.writes, reply[-1].startswith("OK")))
        if flash.frozen is not None:
            break
    return marks, biggest


def power_up(files):
    return Board(persist=Persist(SimFlash(files)))


def test_a_cut_at_any_write_of_a_session_loses_nothing_the_console_answered():
    clean = CutFlash()
    marks, biggest = session(clean)
    writes = clean.writes
    sizes = clean.sizes
    pin_at = [w for line, w, _ in marks if line.startswith("pin ")][0]
    granted_at = [w for line, w, ok in marks if line == "bolus" and ok]
    assert len(granted_at) == 2  # the second press falls in the lockout
    assert writes > 40  # every commit of the session; jumps save at their ends and events
    cuts = 0
    jumps = 0  # cuts inside a jump, after its reservation
    for i in range(writes):
        n = sizes[i]
        for k in sorted({0, 1, n // 2, n - 1, n}):
            for mode in MODES:
                flash = CutFlash((i, k, mode))
                done, _ = session(flash)
                assert flash.frozen is not None
                cuts += 1
                b = power_up(flash.frozen)
                status = kv(b.ok("status"))
                if i > clean.first_state:
                    # (until a state record is whole there is nothing to restart from)
                    assert "restart" in status["alarms"].split(","), (i, k, mode, status)
                if i >= pin_at:
                    assert b.dev.auth.has_pin(), (i, k, mode)
                answered = len([w for w in granted_at if w <= i])
                assert b.dev.pump.history.count_24h(b.dev.pump.t) >= answered, (i, k, mode)
                steps_true, guard_true = flash.truth
                issued = b.dev.pump.steps_issued
                top = steps_true + max(biggest, 1)
                if flash.jump_cap is not None:
                    jumps += 1
                    top = max(top, flash.jump_cap)  # moves past it commit as ever
                assert steps_true <= issued <= top, (i, k, mode)
                assert b.guard.day.total(b.clock.now_ms()) >= guard_true, (i, k, mode)
    print("console power cuts: %d writes, %d cuts (%d inside a jump), every one restored "
          "and checked" % (writes, cuts, jumps))
    assert cuts >= 10 * writes
    assert jumps > 0  # a bolus ends inside `sim advance 30m`: its save is a cut there
