"""The independent step guard's bound, on every shipped rig at every drug's strongest
concentration (issue 14, item 3). CPython only (hypothesis).

Each drug is at the strongest concentration the rig accepts: the table's maximum, or the
most the rig's refusal names where it refuses that (sufentanil, ERR 16: its least flow
would be over its daily row), so no drug is assumed away.

1. A scheduler that runs away (it believes a step 100 to 1000 times smaller than it is, or
   a rate 100 to 1000 times the prescription's) is stopped by the guard alone before any
   rolling hour holds more than the drug's hourly limit plus one bolus (the table's
   largest, the clinician's), for every drug in the reservoir. (One that believes a
   smaller step from the prime on is stopped at its prime already: its first batch is
   past the line's fill, the one allowance a prime has; one that comes to believe it
   after a true prime, or whose rate runs away, while it delivers.) Every rig and drug
   with the 100x smaller step, as the issue states it, is checked exhaustively too.
2. Legitimate therapy never trips it: a prime of the whole line, then basal near the
   daily limit, every patient bolus the pump grants and clinician boluses at random
   minutes, passes once a minute (a board passes every 100 ms at most; a simulated jump
   visits the minute marks).

Delivered dose is counted from what the motor really moved, at the time it moved, less
the first line's worth (the prime, which fills the line and gives the patient nothing)."""
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hal.sim.motor import SimMotor
from pump import drugs as dt
from pump.errors import PumpError
from pump.prescription import Bolus, Prescription
from pump.pump import Pump
from pump.rig import Rig
from pump.schedule import BasalSchedule
from reference import HOUR_MS, MIN_MS
from rigs import SHIPPED, shipped, strength
from safety.channel import SafetyChannel

RIGS = {name: shipped(name)[1] for name in SHIPPED}
NAMES = tuple(r[dt.F_NAME] for r in dt.DRUGS)


class _Clock:
    def __init__(self):
        self.t = 0

    def now_ms(self):
        return self.t


class _Recorder(SimMotor):
    """The rig's motor: every step that really moved, with the time it moved."""

    def __init__(self, clock):
        super().__init__()
        self.clock = clock
        self.log = []

    def move(self, n):
        got = super().move(n)
        if got:
            self.log.append((self.clock.t, got))
        return got


def _rx(name, conc, frac_ppm, rig, bolus=True):
    """A day rate at `frac_ppm` of the drug's daily row (less four boluses), half of it
    from 10:00. A step under the rig's least flow at `conc` is the least flow said on
    purpose (rate 0, `basal min`): the pump refuses a rate under it (ERR 14)."""
    row = dt.lookup(name)
    b = None
    if bolus and row[dt.F_MAX_BOLUS]:
        b = Bolus(row[dt.F_MAX_BOLUS], row[dt.F_MIN_LOCKOUT], 4)
    daily = row[dt.F_MAX_DAILY] - (4 * row[dt.F_MAX_BOLUS] if b else 0)
    rate = daily * frac_ppm // 1_000_000
    floor = conc * rig.min_flow_nl_per_day
    day, night = [r if r * 1_000_000 >= floor else 0 for r in (rate, rate // 2)]
    steps = ((0, day), (600, night)) if day != night else ((0, day),)
    return Prescription(((name, conc),), BasalSchedule(steps), b, rig.capacity_nl, 0, rig)


def _guarded(rig_name, name, frac_ppm, believed=None, bolus=True):
    """A programmed, filled pump behind a safety channel on the true rig, the drug at the
    strongest concentration the rig accepts (rigs.strength: the table's maximum, or the
    most its ERR 16 or 96 names). Without a patient bolus where the rig refuses one at
    that strength (sufentanil: its least flow alone is about its daily row)."""
    rig = RIGS[rig_name]
    conc = strength(rig, name)
    try:
        rx = _rx(name, conc, frac_ppm, rig, bolus)
    except PumpError:
        rx = _rx(name, conc, frac_ppm, rig, False)
    clock = _Clock()
    motor = _Recorder(clock)
    channel = SafetyChannel(motor, rig, clock)
    pump = Pump(believed or rig, channel)
    pump.program(rx, 0)
    pump.refill(rx.capacity_nl, None, 0)
    pump.confirm(0)
    channel.follow(pump, 0)
    return rig, conc, clock, motor, channel, pump


def _pass(pump, channel, clock, t):
    clock.t = t
    pump.advance(t)
    channel.follow(pump, t)


def _prime_and_start(rig, clock, pump, channel):
    pump.prime(rig.dead_volume_nl, 0)
    channel.follow(pump, 0)
    t = 0
    while pump.sm.state == "priming":
        t += MIN_MS
        _pass(pump, channel, clock, t)
    if pump.sm.state == "stopped":
        pump.start(t)
        channel.follow(pump, t)
    return t


def _worst_hour_steps(rig, motor):
    """Most steps delivered in any rolling hour (w, w + 1 h], the line's fill left out."""
    fill = rig.dead_volume_nl * rig.step_den // rig.step_num
    moves = []
    for t, n in motor.log:
        used = n if n < fill else fill
        fill -= used
        if n > used:
            moves.append((t, n - used))
    best = 0
    for i, (t_end, _) in enumerate(moves):
        total = 0
        for t, n in moves[:i + 1]:
            if t > t_end - HOUR_MS:
                total += n
        best = total if total > best else best
    return best


def _bound_steps(name, conc, rig):
    """The hourly limit plus one bolus, in whole steps of the true rig (rounded up: a
    delivery of exactly this many steps may still be under the dose)."""
    row = dt.lookup(name)
    ng = row[dt.F_MAX_HOURLY] + max(row[dt.F_MAX_BOLUS], row[dt.F_MAX_CLINICIAN_BOLUS])
    return ng * 1_000_000 * rig.step_den // (conc * rig.step_num)


def _runaway(rig_name, name, frac_ppm, how, factor):
    """The pump at `name`'s strength on the rig, its scheduler run away `factor` times,
    passes once a minute for six hours or until it stops. how="step": each step believed
    that much smaller than it is, from the prime on; "step_later": the same belief from
    the start of delivery, after a true prime (the pump's rig swapped, its step dose set
    again as a pass that changes rates sets it); "rate": the schedule's rates that many
    times the prescription's, the least flow's included. Returns (rig, conc, motor,
    channel, pump)."""
    rig = RIGS[rig_name]
    believed = Rig(rig.step_num, rig.step_den * factor, rig.capacity_nl, rig.dead_volume_nl,
                   rig.bolus_nl_per_min, rig.prime_nl_per_min, rig.min_flow_nl_per_day)
    rig, conc, clock, motor, channel, pump = _guarded(rig_name, name, frac_ppm,
                                                      believed if how == "step" else None)
    t = _prime_and_start(rig, clock, pump, channel)
    if how == "step_later":
        pump.rig = believed
        pump._apply_rates()
    if how == "rate":
        sched = pump.rx.schedule
        floor = -(-conc * rig.min_flow_nl_per_day // 1_000_000)  # a rate 0 runs the floor
        sched.rates = tuple(factor * (r or floor) for r in sched.rates)
    for _ in range(6 * 60):
        if pump.sm.state == "alarm":
            break
        t += MIN_MS
        _pass(pump, channel, clock, t)
    return rig, conc, motor, channel, pump


def _assert_stopped_within_the_bound(rig_name, name, how, factor, made):
    rig, conc, motor, channel, pump = made
    row = dt.lookup(name)
    floor = -(-conc * rig.min_flow_nl_per_day // 1_000_000)
    ran_ng_d = factor * max(max(pump.rx.schedule.rates) // (factor if how == "rate" else 1),
                            floor)
    if ran_ng_d > 24 * (row[dt.F_MAX_HOURLY] + max(row[dt.F_MAX_BOLUS],
                                                   row[dt.F_MAX_CLINICIAN_BOLUS])):
        # Stopped: by the guard, or by a reservoir the runaway emptied first (a small
        # rig). A runaway slower than the bound (100x the least flow of a drug whose row
        # is wide) need not be: the bound below holds all the same.
        assert channel.tripped or pump.alarms.is_active("empty"), (rig_name, name, how,
                                                                   factor)
        assert pump.sm.state == "alarm"
    worst = _worst_hour_steps(rig, motor)
    assert worst <= _bound_steps(name, conc, rig), (rig_name, name, conc, how, worst,
                                                    _bound_steps(name, conc, rig))


@given(st.sampled_from(SHIPPED), st.sampled_from(NAMES), st.integers(50_000, 950_000),
       st.sampled_from(["step", "step_later", "rate"]), st.integers(100, 1000))
# 100 steps over: the prime's allowance was set after each pass's batch, so in the pass
# where the prime's steps left the guard's hour the limit still held them (safety/
# channel.py now sets the limits before every batch; a prime is no longer counted).
@example("pico_a4988_m5_bd1ml.json", "ropivacaine", 131038, "rate", 126)
def test_a_runaway_is_stopped_before_the_hourly_limit_plus_one_bolus(
        rig_name, name, frac_ppm, how, factor):
    made = _runaway(rig_name, name, frac_ppm, how, factor)
    _assert_stopped_within_the_bound(rig_name, name, how, factor, made)


def test_every_drug_at_its_strength_on_every_rig_believing_a_100x_smaller_step_is_stopped():
    # Issue 14, item 3's property as the issue states it, every case of it: each shipped
    # rig, each drug at the strongest concentration the rig accepts (the table's maximum,
    # or the most ERR 16/96 names: before, hypothesis assumed fentanyl and sufentanil away
    # on every rig), a scheduler believing a 100x smaller step. Near the daily row, so the
    # runaway has the most to push. Believed from the prime on, the guard stops it in the
    # prime (its first batch is past the line's fill); believed from the start of
    # delivery, while it delivers: sufentanil on the 60 mL rig at 11 of the 11 steps the
    # bound allows.
    for rig_name in SHIPPED:
        for name in NAMES:
            for how in ("step", "step_later"):
                made = _runaway(rig_name, name, 950_000, how, 100)
                _assert_stopped_within_the_bound(rig_name, name, how, 100, made)


# At most 250 examples (the soak asks 1000): each is three days of passes a minute, ~0.13 s
# here, and 1000 of them were two of the soak's ~15 minutes.
@settings(max_examples=min(settings().max_examples, 250))
@given(st.sampled_from(SHIPPED), st.sampled_from(NAMES), st.integers(50_000, 950_000),
       st.lists(st.integers(0, 3 * 24 * 60 - 1), max_size=12))
def test_legitimate_therapy_at_any_concentration_never_trips_the_guard(
        rig_name, name, frac_ppm, clinician_minutes):
    rig, conc, clock, motor, channel, pump = _guarded(rig_name, name, frac_ppm)
    t = _prime_and_start(rig, clock, pump, channel)
    assert pump.sm.state == "running", pump.alarms.active()
    cap = pump.rx.limit_ng(dt.F_MAX_CLINICIAN_BOLUS)
    clinician = set(clinician_minutes)
    for minute in range(3 * 24 * 60):
        t += MIN_MS
        _pass(pump, channel, clock, t)
        for ask in ((lambda: pump.request_bolus(t)) if pump.rx.bolus else None,
                    (lambda: pump.clinician_bolus(cap, t)) if minute in clinician else None):
            if ask is None:
                continue
            try:
                ask()
            except PumpError:
                pass  # refusals are the pump's business; the guard must stay quiet
            channel.follow(pump, t)
        assert not channel.tripped, (rig_name, name, minute)
        if pump.alarms.is_active("empty"):
            break  # a small rig emptied by the therapy: the guard had nothing to do with it
    assert pump.sm.state in ("running", "bolusing") or pump.alarms.active() == ["empty"]
