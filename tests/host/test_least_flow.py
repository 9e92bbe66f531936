"""The rig's least flow (issue 14, item 1): a pump cannot run slower than its
catheter-open flow, so a basal step under it is refused (never silently raised, which gave
ziconotide 4.7 ug/day where 1.2 was programmed), `min` runs at it on purpose, `status`
shows the rate that really runs, and a drug whose least flow alone is over its table row
is refused whatever the schedule. Over every shipped rig and every drug in the table;
expectations from exact fractions, not from the firmware. CPython only (hypothesis)."""
from fractions import Fraction

from hypothesis import assume, given
from hypothesis import strategies as st

from hal.sim.motor import SimMotor
from pump import drugs as dt
from pump.errors import PumpError, E_BELOW_FLOOR, E_FLOOR_OVER_LIMIT
from pump.prescription import Prescription
from pump.pump import Pump
from pump.schedule import BasalSchedule
from rigs import SHIPPED, shipped

RIGS = [shipped(name)[1] for name in SHIPPED]
DRUGS = [r[0] for r in dt.DRUGS]
DAY_MS = 86_400_000


def floor_ng_d(rig, conc):
    return Fraction(rig.min_flow_nl_per_day * conc, 1_000_000)


def step_ng(rig, conc):
    return Fraction(rig.step_num * conc, rig.step_den * 1_000_000)


def fits_at_floor(rig, name, conc):
    """The least flow plus one step, in a day and in an hour, within the drug's row."""
    row = dt.lookup(name)
    day = floor_ng_d(rig, conc) + step_ng(rig, conc)
    hour = floor_ng_d(rig, conc) / 24 + step_ng(rig, conc)
    return day <= row[dt.F_MAX_DAILY] and hour <= row[dt.F_MAX_HOURLY]


def build(rig, name, conc, rate):
    return Prescription(((name, conc),), BasalSchedule(((0, rate),)), None,
                        rig.capacity_nl, rig.capacity_nl // 10, rig)


def test_every_drug_at_its_top_strength_on_every_rig_runs_at_min_or_is_refused_at_drug():
    refused = []
    for rig in RIGS:
        for name in DRUGS:
            top = dt.lookup(name)[dt.F_MAX_CONC]
            try:
                build(rig, name, top, 0)
            except PumpError as err:
                assert err.code == E_FLOOR_OVER_LIMIT, (rig.capacity_nl, name, err.args)
                assert not fits_at_floor(rig, name, top), (rig.capacity_nl, name)
                most = err.values[-1]
                assert fits_at_floor(rig, name, most) and not fits_at_floor(rig, name, most + 1)
                build(rig, name, most, 0)  # what the error names is accepted
                refused.append((rig.capacity_nl, name))
                continue
            assert fits_at_floor(rig, name, top), (rig.capacity_nl, name)
    # Sufentanil at 5 mg/mL on the 60 mL rig is the case the issue names.
    assert (60_000_000, "sufentanil") in refused


def run_a_day(rig, rx):
    motor = SimMotor()
    pump = Pump(rig, motor)
    pump.program(rx, 0)
    pump.refill(rig.capacity_nl, None, 0)
    pump.confirm(0)
    pump.prime(rig.dead_volume_nl, 0)
    t = 0
    while pump.sm.state == "priming":
        t += 60_000
        pump.advance(t)
    pump.start(t)
    shown = pump.status()["basal_ng_d"]
    before = pump.steps_issued
    pump.advance(t + DAY_MS)
    return shown, pump.steps_issued - before


@given(st.sampled_from(range(len(RIGS))), st.sampled_from(DRUGS),
       st.integers(1, 1000), st.one_of(st.just(0), st.integers(1, 20_000_000)))
def test_a_rate_is_refused_under_the_floor_and_what_runs_is_what_status_shows(i, name, per_mille,
                                                                             rate):
    rig = RIGS[i]
    conc = max(1, dt.lookup(name)[dt.F_MAX_CONC] * per_mille // 1000)
    try:
        rx = build(rig, name, conc, rate)
    except PumpError as err:
        if err.code == E_BELOW_FLOOR:
            assert 0 < rate < floor_ng_d(rig, conc)
            most = err.values[-1]  # the dilution named allows the rate
            assert floor_ng_d(rig, most) <= rate < floor_ng_d(rig, most + 1)
        return  # any other refusal is the table's (tested elsewhere)
    assert rate == 0 or rate >= floor_ng_d(rig, conc)
    runs = max(Fraction(rate), floor_ng_d(rig, conc))
    # a day's volume must fit in the syringe after the prime, or the day is cut short
    assume(runs * 1_000_000 / conc + rig.dead_volume_nl < rig.capacity_nl * 9 // 10)
    shown, steps = run_a_day(rig, rx)
    assert shown == -(-runs.numerator // runs.denominator)  # rounded up, never under
    given_ng = steps * step_ng(rig, conc)
    # A day's steps carry the rate that runs, within one step (the motor trails).
    assert runs - step_ng(rig, conc) <= given_ng <= runs + step_ng(rig, conc), (
        given_ng, runs)
