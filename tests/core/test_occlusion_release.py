"""What a cleared occlusion may release, held to the drug's bolus limit at `drug` (issue 14,
item 4): the rig's trap less its relief, plus the step the trip may overshoot, at the
drug's concentration. Runs under pytest and MicroPython."""
from pump import drugs as dt
from pump.errors import PumpError, E_FLOOR_OVER_LIMIT, E_RELEASE_OVER_BOLUS
from pump.prescription import Prescription
from pump.rig import Rig
from pump.schedule import BasalSchedule
from rigs import SHIPPED, shipped


def build(rig, name, conc):
    return Prescription(((name, conc),), BasalSchedule(((0, 0),)), None, rig.capacity_nl, 0,
                        rig)


def limit_of(name):
    row = dt.lookup(name)
    return row[dt.F_MAX_BOLUS] or row[dt.F_MAX_CLINICIAN_BOLUS] // 2


def test_every_drug_at_its_top_strength_on_every_shipped_rig_releases_within_its_bolus():
    for file in SHIPPED:
        _, rig = shipped(file)
        for row in dt.DRUGS:
            name, top = row[dt.F_NAME], row[dt.F_MAX_CONC]
            try:
                rx = build(rig, name, top)
            except PumpError as err:
                assert err.code in (E_FLOOR_OVER_LIMIT, E_RELEASE_OVER_BOLUS), err.args
                rx = build(rig, name, err.values[-1])  # the most it names runs
            conc = rx.drugs[0][1]
            ng = conc * rx.release_vd() // (1_000_000 * rig.step_den)
            assert ng <= limit_of(name), (file, name, ng)


def coarse_rig():
    # A 60 mL syringe at full steps: 22.4 uL a step, so the trip may overshoot by that much.
    return Rig(22_400_000, 1000, 60_000_000, 150_000, 10_000, 50_000, 48_000, 2000,
               6169 * 30)


def test_a_rig_too_coarse_for_the_drug_is_refused_at_drug_with_the_most_it_can_hold():
    rig = coarse_rig()
    try:
        build(rig, "hydromorphone", 15_000_000)
    except PumpError as err:
        assert err.code == E_RELEASE_OVER_BOLUS
        name, conc, ng, limit, most = err.values
        assert (name, conc, limit) == ("hydromorphone", 15_000_000, 50_000)
        assert ng > limit
        rx = build(rig, name, most)  # what the error names is accepted...
        assert most * rx.release_vd() // (1_000_000 * rig.step_den) <= limit
        try:
            build(rig, name, most + 1)  # ...and no more
        except PumpError as err2:
            assert err2.code == E_RELEASE_OVER_BOLUS
        else:
            raise AssertionError("most + 1 accepted")
    else:
        raise AssertionError("accepted")


def test_a_rig_that_does_not_say_what_it_traps_claims_no_bound():
    _, rig = shipped()
    bare = Rig(rig.step_num, rig.step_den, rig.capacity_nl, rig.dead_volume_nl,
               rig.bolus_nl_per_min, rig.prime_nl_per_min, rig.min_flow_nl_per_day)
    assert build(bare, "morphine", 20_000_000).release_vd() is None
    assert bare.relief_steps() == 0
