"""Model-based test of the delivery core, CPython only: a hypothesis state machine drives one
firmware Pump (bench rig, simulated motor) with random prescriptions, patient presses,
clinician boluses, time jumps, refills, suspends and resumes, clock changes, motor and
board faults, acknowledgements and resets (snapshot.save, then restore into a fresh
Pump, as a reboot does), and after every step checks the invariants below against
models that share no code with the pump:

- steps: the steps issued (plus those a blocked motor failed to make, which are dropped,
  never owed) are floor(ideal / step volume): never ahead of the ideal, never a whole
  step behind. The ideal is tests/host/reference.py's exact-fraction integral;
- boluses: in the list of patient grants kept here, no rolling 24 h holds more than the
  prescription's maximum and no two are closer than the lockout; status() counts them
  the same way;
- dose windows: no rolling hour or 24 h of the ideal plus one step holds more than the
  drug table allows, for every drug of the mix;
- reservoir: what was last filled less every step the motor made since, to the nL;
- state: every state change the firmware makes is a row of the state table, replayed on
  the `transitions` reference machine built from that table (host/pumpctl/state_model.py),
  and the two machines are in the same state after every step; a command the firmware
  calls invalid is one the reference has no row for. A reset is not a row of the table:
  the reference is set to the state the snapshot policy predicts (docs/persistence.md);
- alarms: every STOP alarm leaves the pump in `alarm` with the driver disabled and no step
  made while it is active; a LIMIT alarm cuts a running bolus and refuses presses while
  basal goes on; INFORM changes no state.

Resets here lose no time (the restore is at the same monotonic instant): power cuts with
lost time and torn flash are test_power_cut.py's."""
import math
from bisect import bisect_right
from fractions import Fraction

from hypothesis import event, settings, strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, rule,
                                 run_state_machine_as_test)

import tally
from hal.sim.motor import SimMotor
from pump import drugs as dt
from store import snapshot
from pump.alarms import LIMIT, STOP, TABLE as ALARM_TABLE, row as alarm_row
from pump.errors import E_CRITICAL, E_INVALID_EVENT, PumpError
from pump.prescription import Bolus, Prescription
from pump.pump import Pump
from pump.rig import bench_rig
from pump.schedule import BasalSchedule
from pumpctl.state_model import build_machine
from reference import DAY_MS, HOUR_MS, MIN_MS, Ideal

RIG = bench_rig()
STEPS = 50  # rules per example: days of therapy with faults and resets between them
DELIVERING = ("running", "bolusing")
MCG = 1000
MG = 1_000_000
ML = 1_000_000

# The cases of docs/clinical_background.md as mixes: case 1 (clonidine in it, so a reset
# resumes basal) and case 3 at both of its myPTM settings (morphine alone: a reset leaves
# it stopped).
SETUPS = (
    dict(drugs=(("hydromorphone", 1000 * MCG), ("ropivacaine", 2500 * MCG),
                ("clonidine", 75 * MCG)),
         bolus=(30 * MCG, HOUR_MS, 7), capacity=40 * ML, low=2 * ML),
    dict(drugs=(("morphine", 10 * MG),), bolus=(100 * MCG, 6 * HOUR_MS, 4),
         capacity=20 * ML, low=2 * ML),
    dict(drugs=(("morphine", 10 * MG),), bolus=(200 * MCG, 4 * HOUR_MS, 6),
         capacity=20 * ML, low=2 * ML),
)
RESUME_DRUGS = ("baclofen", "clonidine")  # docs/persistence.md's restart policy
MOTOR_FAULTS = ("stall", "occlusion", "end_stop")
BOARD_FAULTS = ("battery_eos", "memory", "guard", "battery_eri", "clock", "dose_limit",
                "restart")
ALARM_NAMES = tuple(r[0] for r in ALARM_TABLE)
COMMANDS = {"start": "start", "stop": "stop", "suspend": "suspend", "resume": "resume",
            "confirm": "confirm", "cancel": "cancel"}


def table_limit(drugs, field):
    """A drug-table field as primary-drug ng: the tightest over the mix (from the table
    itself, not from Prescription.limit_ng)."""
    cp = drugs[0][1]
    return min(dt.lookup(name)[field] * cp // c for name, c in drugs)


def schedules(budget_ng_d, top_ng_d):
    """1..4 basal steps from 00:00, each rate up to the day's budget (some are refused by
    the prescription's own check, which the test then skips), or one flat rate within
    0.2 % of `top_ng_d`, the highest the check accepts: with the patient's boluses the day
    is then at its limit, so a clinician bolus on top must be refused by the windows."""
    rate = st.integers(0, budget_ng_d) | st.integers(budget_ng_d // 2, budget_ng_d)
    full = st.integers(0, 2000).map(lambda ppm: ((0, top_ng_d - top_ng_d * ppm // 10**6),))

    @st.composite
    def build(draw):
        n = draw(st.integers(1, 4))
        starts = sorted(draw(st.sets(st.integers(1, 1439), min_size=n - 1, max_size=n - 1)))
        return tuple((s, draw(rate)) for s in [0] + starts)
    return full | build()


def max_window_since(ideal, window_ms, since_ms):
    """Largest ideal volume in any window (w, w + window_ms] ending after since_ms (and by
    now): the windows that ended earlier were checked at an earlier step. The volume is
    piecewise linear in w with kinks where w or w + window_ms meets a point of the record,
    so the maximum over whole milliseconds sits next to a kink or at an end of the range
    (as in Ideal.max_window_nl, which looks at every window and grows quadratic)."""
    now = ideal.t
    lo = max(since_ms - window_ms, ideal.times[0] - window_ms)
    first = max(bisect_right(ideal.times, lo) - 1, 0)
    cands = {lo, now - window_ms}
    for b in ideal.times[first:] + [now]:
        for k in (b, b - window_ms):
            for w in (math.floor(k), math.ceil(k)):
                if lo <= w <= now:
                    cands.add(w)
    best = Fraction(0)
    for w in cands:
        v = ideal.vol_at(min(w + window_ms, now)) - ideal.vol_at(max(w, ideal.times[0]))
        best = v if v > best else best
    return best


class WatchedMotor(SimMotor):
    """The simulated motor, watched: every move is checked against the alarm table (no step
    while a STOP alarm is active) and sorted into priming and delivery; every enable()
    (the pump's end of a segment) tells the reference whether delivery is on."""

    def __init__(self, machine):
        SimMotor.__init__(self)
        self.machine = machine
        self.reason = None  # what a blocked motor reports: stall, occlusion, end_stop

    def move(self, n):
        pump = self.machine.pump
        stop = pump.alarms.first_with(STOP)
        assert stop is None, "a step asked for while the STOP alarm %s is active" % stop
        state = pump.sm.state
        assert state in DELIVERING or state == "priming", state
        issued = SimMotor.move(self, n)
        if state != "priming":
            self.machine.delivery_steps += issued
            self.machine.missed_steps += n - issued
        return issued

    def fault(self):
        f = SimMotor.fault(self)
        return self.reason if f and self.reason else f

    def enable(self, on):
        SimMotor.enable(self, on)
        self.machine.segment_end()


class PumpMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.pump = None
        self.quiet = True  # no reference bookkeeping while a pump is being built
        self.motor = WatchedMotor(self)
        self.delivery_steps = 0
        self.missed_steps = 0
        self.fired = []
        self.grants = []
        self.t = 0
        self.windows_checked_to = 0
        self.checks = 0

    # ----- set-up -----
    @initialize(setup=st.sampled_from(SETUPS), data=st.data(),
                wall=st.integers(0, 7 * DAY_MS))
    def program_fill_prime_start(self, setup, data, wall):
        self.setup = setup
        self.drugs = setup["drugs"]
        self.conc = self.drugs[0][1]
        self.bolus = setup["bolus"]
        self.daily = table_limit(self.drugs, dt.F_MAX_DAILY)
        lo, hi = 0, self.daily  # the highest flat rate the prescription check accepts
        while lo < hi:
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if self.build_rx(((0, mid),)) else (lo, mid - 1)
        self.schedule = schedules(self.daily - self.bolus[0] * self.bolus[2], lo)
        steps = None
        for _ in range(20):  # a first schedule the prescription's own check accepts
            candidate = data.draw(self.schedule)
            if self.build_rx(candidate) is not None:
                steps = candidate
                break
        if steps is None:
            steps = ((0, 0),)  # the catheter-open flow alone always fits
        self.reference = build_machine()  # every guard passes: it replays what happened
        self.model = self.reference.model
        self.pump = Pump(RIG, self.motor, now_ms=0)
        self.watch(self.pump)
        self.ref = Ideal(0, self.conc, RIG.min_flow_nl_per_day, steps, wall)
        self.quiet = False
        self.pump.set_time(wall, 0)
        self.pump.program(self.build_rx(steps), 0)
        self.pump.refill(setup["capacity"], None, 0)
        self.pump.confirm(0)
        self.fill_nl, self.total_at_fill = setup["capacity"], self.motor.total
        self.pump.prime(RIG.dead_volume_nl, 0)
        self.t = 4 * MIN_MS  # 150 uL at 50 uL/min: three minutes
        self.pump.advance(self.t)
        self.pump.start(self.t)
        self.sync_reference()

    def build_rx(self, steps):
        try:
            return Prescription(self.drugs, BasalSchedule(steps), Bolus(*self.bolus),
                                self.setup["capacity"], self.setup["low"], RIG)
        except PumpError:
            return None

    def watch(self, pump):
        """Every trigger the firmware takes, in order, for the reference to replay. take()
        is the one place the machine changes state (fire() goes through it)."""
        take = pump.sm.take

        def recorded(trigger, *args):
            verdict = take(trigger, *args)
            if verdict == 0:
                self.fired.append(trigger)
            return verdict
        pump.sm.take = recorded

    def segment_end(self):
        if self.quiet:
            return
        on = self.pump.sm.state in DELIVERING
        if on != self.ref.delivering:
            self.ref.advance(self.pump.t)
            self.ref.set_delivering(on)

    def sync_reference(self):
        for trigger in self.fired:
            assert trigger in self.reference.get_triggers(self.model.state), (
                "the firmware fired %r from %r: no such row in the table"
                % (trigger, self.model.state))
            assert self.model.trigger(trigger)
        self.fired = []
        assert self.model.state == self.pump.sm.state, (self.model.state,
                                                        self.pump.sm.state)

    def send(self, trigger, fn, *args):
        """Run a command at self.t; True if accepted. A refusal as invalid must be one the
        reference has no row for; any refusal leaves the state as it was."""
        self.pump.advance(self.t)
        self.sync_reference()
        before = self.pump.sm.state
        try:
            fn(*args)
        except PumpError as err:
            assert self.pump.sm.state == before and not self.fired, (trigger, err.code)
            if err.code == E_INVALID_EVENT:
                assert trigger not in self.reference.get_triggers(self.model.state), (
                    trigger, self.model.state)
            event("refused %s: %d" % (trigger, err.code))
            return False
        return True

    # ----- rules -----
    @rule(ms=st.integers(0, 1000) | st.integers(1, 10 * MIN_MS) | st.integers(1, 36 * HOUR_MS))
    def wait(self, ms):
        self.t += ms
        self.pump.advance(self.t)

    @rule()
    def press(self):
        limiting = self.pump.alarms.first_with(LIMIT)
        if self.send("bolus", self.pump.request_bolus, self.t):
            assert limiting is None, "a bolus granted while %s limits delivery" % limiting
            self.grants.append(self.t)
            self.granted(self.bolus[0])

    @rule(early=st.lists(st.sampled_from((0, 0, 1)), min_size=1, max_size=9))
    def eager_presses(self, early):
        """The patient who presses the moment status() says a bolus is allowed (or 1 ms
        before), again and again: the lockout and the 24 h maximum at their very edges."""
        for e in early:
            self.pump.advance(self.t)
            wait = self.pump.status()["next_bolus_ms"]
            self.t += max(wait - e, 0)
            self.pump.advance(self.t)
            self.press()

    @rule(extra=st.integers(0, 10 * MIN_MS) | st.integers(0, 3 * HOUR_MS),
          n=st.integers(1, 9))
    def steady_presses(self, extra, n):
        """Presses at a steady pace just past the lockout: enough of them reach the 24 h
        maximum by the count, not by what status() says."""
        for _ in range(n):
            self.wait(self.bolus[1] + extra)
            self.press()

    @rule(ms=st.integers(DAY_MS, 2 * DAY_MS))
    def a_full_day_then_every_bolus(self, ms):
        """A day of basal, every patient bolus the count allows, then a clinician bolus at
        the table's cap: a day at its limit, where only the rolling windows can refuse."""
        self.wait(ms)
        self.eager_presses([0] * self.bolus[2])
        self.wait(10 * MIN_MS)  # the last bolus has run its course
        self.clinician_bolus(1_000_000)

    @rule(ms=st.integers(1, 6 * HOUR_MS))
    def wait_then_press(self, ms):
        self.wait(ms)
        self.press()

    @rule(ppm=st.just(1_000_000) | st.integers(1, 1_000_000))
    def clinician_bolus(self, ppm):
        cap = table_limit(self.drugs, dt.F_MAX_CLINICIAN_BOLUS)
        dose = max(1, cap * ppm // 1_000_000)
        if self.send("bolus", self.pump.clinician_bolus, dose, self.t):
            self.granted(dose)

    def granted(self, dose_ng):
        self.ref.advance(self.t)
        self.ref.grant_bolus(Fraction(dose_ng * 1_000_000, self.conc), RIG.bolus_nl_per_min)

    @rule(name=st.sampled_from(sorted(COMMANDS)))
    def command(self, name):
        ok = self.send(COMMANDS[name], getattr(self.pump, name), self.t)
        if ok and name == "confirm":
            self.fill_nl, self.total_at_fill = self.staged, self.motor.total

    staged = None

    @rule(volume=st.integers(1, 2 * ML) | st.integers(1, 20 * ML) | st.integers(19 * ML, 41 * ML))
    def refill(self, volume):
        if self.send("refill", self.pump.refill, volume, None, self.t):
            self.staged = volume

    @rule(data=st.data())
    def program(self, data):
        steps = data.draw(self.schedule)
        rx = self.build_rx(steps)
        if rx is None:
            event("schedule refused when built")
            return
        if self.send("program", self.pump.program, rx, self.t):
            self.ref.advance(self.t)
            self.ref.set_schedule(steps)

    @rule(wall=st.integers(0, 30 * DAY_MS))
    def set_time(self, wall):
        if self.send("set_time", self.pump.set_time, wall, self.t):
            self.ref.advance(self.t)
            self.ref.set_offset(wall - self.t)

    @rule(reason=st.sampled_from(MOTOR_FAULTS), after=st.integers(0, 3) | st.integers(0, 500))
    def motor_blocks(self, reason, after):
        self.motor.reason = reason
        self.motor.stall_after = after

    @rule()
    def motor_mended(self):
        self.motor.reason = None
        self.motor.stall_after = None

    @rule(name=st.sampled_from(BOARD_FAULTS))
    def board_fault(self, name):
        self.pump.advance(self.t)
        before = self.pump.sm.state
        was_active = self.pump.alarms.is_active(name)
        self.send("fault", self.pump.fault, name, self.t)
        effect = alarm_row(name)[2]
        after = self.pump.sm.state
        if effect == STOP:
            assert after == "alarm", (name, before, after)
        elif effect == LIMIT:
            # An abrupt stop is a hazard too: basal goes on, only a bolus is cut.
            expected = "running" if before == "bolusing" else before
            assert after == expected, (name, before, after)
            if self.ref.bolus_running():
                self.ref.advance(self.t)
                self.ref.bolus = None  # cut where it stands, as the pump does
                self.ref.set_delivering(self.ref.delivering)
        else:
            assert after == before, (name, before, after)
        event("fault %s (%s)" % (name, "again" if was_active else "new"))

    @rule(name=st.sampled_from(("battery_eri", "battery_eos", "dose_limit")))
    def cause_gone(self, name):
        self.send("cause_gone", self.pump.cause_gone, name, self.t)

    @rule(i=st.integers(0, 40))
    def ack(self, i):
        self.pump.advance(self.t)
        active = self.pump.alarms.active()
        names = active + [n for n in ALARM_NAMES if n not in active]
        self.send("ack", self.pump.ack, names[i % len(names)], self.t)

    @rule()
    def next_step(self):
        """What a clinician would do to get the pump delivering again."""
        self.pump.advance(self.t)
        state = self.pump.sm.state
        active = self.pump.alarms.active()
        if state == "alarm" or "clock" in active:
            self.motor_mended()
            if "clock" in active:
                self.confirm_time()
            for name in active:
                self.send("ack", self.pump.ack, name, self.t)
        elif state == "refilling":
            self.command("confirm")
        elif state == "suspended":
            self.command("resume")
        elif state == "stopped":
            if self.pump.reservoir.steps_left() < 100:
                self.refill(self.setup["capacity"])
                self.command("confirm")
            self.command("start")
        else:
            self.press()

    @rule()
    def reset(self):
        """A reboot that loses no time: save, then restore into a fresh pump."""
        old = self.pump
        old.advance(self.t)
        self.sync_reference()
        payload = snapshot.save(old)
        had_stop = old.alarms.first_with(STOP) is not None
        was = old.sm.state
        self.quiet = True
        new, _ = snapshot.restore(payload, RIG, self.motor, self.t)
        self.quiet = False
        self.pump = new
        self.watch(new)
        self.staged = None
        # The restore policy, predicted here: a bolus is never resumed; basal resumes only
        # for a drug whose abrupt stop is a hazard, and only if a start is allowed.
        if was == "suspended":
            expected = "suspended"
        elif had_stop:
            expected = "alarm"
        else:
            expected = "stopped"
        resumes = any(name in RESUME_DRUGS for name, _ in self.drugs)
        self.reference.set_state(expected, model=self.model)
        if new.sm.state != expected:
            assert was in DELIVERING and resumes and new.sm.state == "running", (
                was, expected, new.sm.state)
            self.fired.append("start")
        self.ref.advance(self.t)
        self.ref.set_delivering(False)
        self.ref.set_delivering(new.sm.state in DELIVERING)
        assert new.alarms.is_active("restart") and new.alarms.is_active("clock")
        event("reset from %s" % was)

    @rule()
    def confirm_time(self):
        wall = self.t + self.ref.offset
        self.send("confirm_time", self.pump.confirm_time, wall, self.t)

    # ----- invariants -----
    @invariant()
    def invariants_hold(self):
        if self.pump is None:
            return
        pump = self.pump
        pump.advance(self.t)
        self.ref.advance(self.t)
        self.sync_reference()
        s = pump.status()

        # steps: floor(ideal), counting what a blocked motor failed to make as made
        ideal = self.ref.volume * RIG.step_den / RIG.step_num
        made = self.delivery_steps + self.missed_steps
        assert ideal - 1 < made <= ideal, (self.t, made, float(ideal))
        assert (s["state"] == "bolusing") == self.ref.bolus_running(), (self.t, s["state"])

        # patient boluses: lockout and rolling 24 h maximum, from the grant times alone
        dose, lockout, most = self.bolus
        g = self.grants
        for i in range(len(g)):
            assert i == 0 or g[i] - g[i - 1] >= lockout, (g[i - 1], g[i])
            assert sum(1 for h in g[:i + 1] if h > g[i] - DAY_MS) <= most, g
        assert s["boluses_24h"] == sum(1 for h in g if h > self.t - DAY_MS), (s, g)

        # dose windows: the ideal plus one step, against the table, for every drug
        step_nl = Fraction(RIG.step_num, RIG.step_den)
        for window, field in ((HOUR_MS, dt.F_MAX_HOURLY), (DAY_MS, dt.F_MAX_DAILY)):
            vol = max_window_since(self.ref, window, self.windows_checked_to) + step_nl
            for name, c in self.drugs:
                assert vol * c / 1_000_000 <= dt.lookup(name)[field], (name, window)
        self.windows_checked_to = self.t

        # reservoir: the last fill less every step made since, to the nL
        since = self.motor.total - self.total_at_fill
        expected = (self.fill_nl * RIG.step_den - since * RIG.step_num) // RIG.step_den
        assert s["reservoir_nl"] == expected, (s["reservoir_nl"], expected)

        # alarms, as the alarm table says
        active = s["alarms"]
        effects = [alarm_row(a)[2] for a in active]
        if STOP in effects:
            assert s["state"] == "alarm" and not self.motor.enabled, (s["state"], active)
        if s["state"] == "alarm":
            assert STOP in effects, active
        if LIMIT in effects:
            assert s["state"] != "bolusing", active
            if s["state"] == "running":
                verdict = pump.bolus_allowed(dose)
                assert verdict and verdict[0] == E_CRITICAL, verdict
        assert self.motor.enabled == (s["state"] in DELIVERING or s["state"] == "priming")
        self.checks += 1
        tally.add("model_based.invariant_checks", 9)  # the nine groups above, each time
        tally.add("model_based.steps")

    def teardown(self):
        tally.add("model_based.examples")
        if self.pump is not None:
            event("states seen at the end: %s" % self.pump.sm.state)


def test_model_based_pump_keeps_every_invariant_under_random_commands_faults_and_resets():
    # Steps per example: enough for days of therapy with resets and faults between them;
    # the number of examples comes from the loaded hypothesis profile (tests/conftest.py).
    run_state_machine_as_test(PumpMachine, settings=settings(stateful_step_count=STEPS))
