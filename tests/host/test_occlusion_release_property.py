"""Issue 14, item 4, as a property: on every shipped rig, for every drug at its top
strength (or the most the rig accepts), after an occlusion trips and the line opens, the
volume that leaves the tip in the next 30 minutes is within the drug's bolus limit (the
pump stays in its alarm: no basal runs meanwhile). Before the relief it was the whole
trap: 186 uL on the 60 mL rig."""
from hypothesis import given, strategies as st

from pump import drugs as dt
from rigs import SHIPPED, occlusion_trial, shipped, strength


@given(st.sampled_from(SHIPPED), st.sampled_from([row[dt.F_NAME] for row in dt.DRUGS]),
       st.integers(1, 20))
def test_a_cleared_occlusion_releases_at_most_the_drugs_bolus_limit(file, name, days_x10):
    _, rig = shipped(file)
    conc = strength(rig, name)
    row = dt.lookup(name)
    # A basal from the least flow up to a few times it: the dose rate at this strength.
    flow_nl_d = rig.min_flow_nl_per_day * days_x10 // 4 + rig.min_flow_nl_per_day
    basal = conc * flow_nl_d // 1_000_000
    daily = row[dt.F_MAX_DAILY] // 2
    basal = basal if basal < daily else daily
    if basal * 1_000_000 < conc * rig.min_flow_nl_per_day:
        basal = 0  # the least flow, said on purpose: the lowest rate the rig accepts
    missed, _, released = occlusion_trial(file, basal, conc, 3_600_000, name, 1_800_000)
    limit = row[dt.F_MAX_BOLUS] or row[dt.F_MAX_CLINICIAN_BOLUS] // 2
    assert released * conc <= limit * 1_000_000, (file, name, conc, released, missed)
