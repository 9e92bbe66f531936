"""The reservoir forecast is the pump's own future, to the ms (issue 14, item 5), CPython only.

Over random shipped rigs, schedules, mixes and refills at a new strength (one or two, so
the line holds one or two boundaries), bolus settings and fills, when nothing else
changes:
1. basal alone: the low-reservoir alarm and running dry come at the ms `eta_ms` gave;
2. with every bolus allowed: a patient who presses at every moment the lockout and the
   24 h count allow hears them at the ms `eta_ms(..., with_boluses=True)` gave;
3. a low level under the part of a step the reservoir keeps (low None) is never heard.
The pump is the judge: it is run to the forecast, and each alarm is silent 1 ms before."""
from hypothesis import assume, given
from hypothesis import strategies as st

from hal.sim.motor import SimMotor
from pump.errors import PumpError
from pump.forecast import eta_ms
from pump.prescription import Bolus, Prescription
from pump.pump import Pump
from pump.schedule import BasalSchedule
from builders import eager_patient
from rigs import SHIPPED, shipped

MIN_MS = 60_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000
UG = 1000
RIGS = {name: shipped(name)[1] for name in SHIPPED}


@st.composite
def scenarios(draw):
    rig = RIGS[draw(st.sampled_from(SHIPPED))]
    concs = [draw(st.sampled_from((200, 500, 1000, 2000, 5000, 10_000))) * UG
             for _ in range(draw(st.integers(2, 3)))]
    n = draw(st.integers(1, 4))
    starts = sorted(draw(st.sets(st.integers(1, 1439), min_size=n - 1, max_size=n - 1)))
    steps = tuple((s, draw(st.sampled_from((0, 100, 300, 700, 1500, 3000))) * UG)
                  for s in [0] + starts)
    bolus = (draw(st.sampled_from((5, 10, 30, 50))) * UG,
             draw(st.sampled_from((1, 2, 3, 5, 7))) * HOUR_MS, draw(st.integers(1, 8)))
    cap = rig.capacity_nl
    fills = [draw(st.integers(cap // 20, cap // 3)) for _ in concs]
    runs = [draw(st.integers(10 * MIN_MS, 2 * DAY_MS)) for _ in concs[1:]]
    low = draw(st.integers(0, cap // 20))
    return rig, concs, steps, bolus, fills, runs, low


def _built(scenario):
    """The pump after its refills, started on the last mix; None if the drug table or the
    rig refuses any of it."""
    rig, concs, steps, bolus, fills, runs, low = scenario
    try:
        rx = Prescription((("hydromorphone", concs[0]),), BasalSchedule(steps),
                          Bolus(*bolus), rig.capacity_nl, low, rig)
        pump = Pump(rig, SimMotor())
        pump.program(rx, 0)
        pump.refill(fills[0], None, 0)
        pump.confirm(0)
        pump.prime(rig.dead_volume_nl, 0)
        t = HOUR_MS
        pump.start(t)
        for conc, fill, run in zip(concs[1:], fills[1:], runs):
            t += run
            pump.advance(t)
            if pump.sm.state != "running":
                return None  # ran dry before the refill: not this property's case
            pump.stop(t)
            pump.refill(fill, (("hydromorphone", conc),), t)
            pump.confirm(t)
            pump.start(t)
    except PumpError:
        return None
    return pump


def _sounds_at(pump, at, name):
    pump.advance(at - 1)
    assert not pump.alarms.is_active(name), (name, at)
    pump.advance(at)
    assert pump.alarms.is_active(name), (name, at)


@given(scenarios())
def test_basal_forecast_is_when_the_alarms_sound_to_the_ms(scenario):
    pump = _built(scenario)
    assume(pump is not None)
    low, dry = eta_ms(pump)
    assume(dry is not None)
    t0 = pump.t
    if low:
        _sounds_at(pump, t0 + low, "low_reservoir")
    if low is None or dry > low:  # the level and dry can come with one step: checked above
        _sounds_at(pump, t0 + dry, "empty")
    assert pump.alarms.is_active("empty")
    # None: the level is under the part of a step the reservoir keeps; it never sounds.
    assert pump.alarms.is_active("low_reservoir") == (low is not None)


@given(scenarios())
def test_worst_case_is_when_a_patient_pressing_at_every_chance_hears_the_alarms(scenario):
    pump = _built(scenario)
    assume(pump is not None)
    low, dry = eta_ms(pump, with_boluses=True)
    assume(dry is not None)
    t0 = pump.t
    if low:
        assert eager_patient(pump, "low_reservoir") - t0 == low
    assert eager_patient(pump, "empty") - t0 == dry
    assert pump.alarms.is_active("low_reservoir") == (low is not None)
