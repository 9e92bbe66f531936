"""Prescriptions are checked in full when built, against the drug table and the rig: each
refusal with its code and numbers, every drug of the mix at its own concentration, and the
case reports of docs/clinical_background.md accepted. Runs under pytest and MicroPython
(integers only)."""
from builders import (CASE1_DRUGS, CASE1_FLEX, HOUR_MS, MCG, MG, MORPHINE_CONC, case1_rx,
                      case2_rx, case3_rx)
from check import raises
from pump.errors import (E_BOLUS_COUNT_LIMIT, E_BOLUS_LIMIT, E_CONC_LIMIT, E_DAILY_LIMIT,
                         E_DUPLICATE_DRUG, E_HOURLY_LIMIT, E_LOCKOUT_RANGE, E_RANGE,
                         E_RESERVOIR, E_TOO_MANY_DRUGS, E_UNKNOWN_DRUG, E_BELOW_FLOOR,
                         E_FLOOR_OVER_LIMIT)
from pump import drugs as dt
from pump.prescription import Bolus, Prescription
from pump.rig import bench_rig
from pump.schedule import BasalSchedule

RIG = bench_rig()
FLAT_07 = BasalSchedule(((0, 700 * MCG),))
MORPHINE = (("morphine", MORPHINE_CONC),)
# Morphine's row: 15 mg/day, 2.375 mg in any hour, patient bolus 250 ug, 24 a day.
M_DAILY = 15 * MG
M_HOURLY = 500 * MCG + 15 * MG // 8
# One step of the bench rig (1400 nL) at 10 mg/mL: the motor may trail the ideal by up to
# this much, so a window may hold one step more than its ideal, and the ideal must leave it.
STEP_NG = 14 * MCG


def _args(drugs=MORPHINE, schedule=FLAT_07, bolus=None, capacity_nl=20_000_000,
          low_nl=2_000_000):
    return (drugs, schedule, bolus, capacity_nl, low_nl, RIG)


def rx(**kw):
    return Prescription(*_args(**kw))


def refused(code, **kw):
    """Building it raises `code`; returns the error for its values."""
    return raises(code, Prescription, *_args(**kw))


def test_case1_prescriptions_accepted_at_each_daily_dose():
    for rate in (400 * MCG, 600 * MCG, 700 * MCG):
        p = case1_rx(((0, rate),))
        assert p.primary() == "hydromorphone"
        assert p.drugs == CASE1_DRUGS
        assert p.bolus.max_per_day == 7
    assert case1_rx(CASE1_FLEX).schedule.rates == (600 * MCG, 800 * MCG, 700 * MCG)


def test_case2_and_case3_prescriptions_accepted():
    assert case2_rx().bolus is None
    assert case3_rx().bolus.lockout_ms == 6 * HOUR_MS
    p = case3_rx(rate_ng_d=1 * MG, dose_ng=200 * MCG, lockout_ms=4 * HOUR_MS, max_per_day=6)
    assert p.bolus.per_hour() == 1


def test_unknown_drug_refused_by_name():
    err = refused(E_UNKNOWN_DRUG, drugs=(("morphine", MG), ("ketamine", MG)))
    assert err.values == ("ketamine",)


def test_more_than_three_secondary_drugs_refused():
    five = MORPHINE + (("clonidine", 75 * MCG), ("bupivacaine", MG), ("ropivacaine", MG),
                       ("baclofen", 500 * MCG))
    err = refused(E_TOO_MANY_DRUGS, drugs=five)
    assert err.values == (5,)
    assert rx(drugs=five[:4]).drugs == five[:4]  # three secondary drugs are fine
    err = refused(E_TOO_MANY_DRUGS, drugs=())
    assert err.values == (0,)


def test_duplicate_drug_refused():
    err = refused(E_DUPLICATE_DRUG, drugs=(("morphine", MG), ("clonidine", 75 * MCG),
                                           ("morphine", 2 * MG)))
    assert err.values == ("morphine",)


def test_concentration_over_the_table_refused_with_the_limit():
    err = refused(E_CONC_LIMIT, drugs=(("morphine", 20 * MG + 1),))
    assert err.values == ("morphine", 20 * MG + 1, 20 * MG)
    # (at 20 mg/mL the rig's least flow is 0.96 mg/day: 0.7 would be under it)
    one_mg = BasalSchedule(((0, MG),))
    assert rx(drugs=(("morphine", 20 * MG),), schedule=one_mg).drugs[0][1] == 20 * MG


def test_secondary_concentration_over_the_table_refused():
    err = refused(E_CONC_LIMIT, drugs=MORPHINE + (("clonidine", 1000 * MCG + 1),))
    assert err.values == ("clonidine", 1000 * MCG + 1, 1000 * MCG)


def test_concentration_must_be_a_positive_int():
    for bad in (0, -1, True, "10000000"):
        err = refused(E_RANGE, drugs=(("morphine", bad),))
        assert err.values == (bad,)


def test_daily_dose_over_from_basal_alone():
    err = refused(E_DAILY_LIMIT, schedule=BasalSchedule(((0, M_DAILY + 1),)))
    assert err.values == ("morphine", M_DAILY + 1, M_DAILY)
    ok = M_DAILY - STEP_NG
    assert rx(schedule=BasalSchedule(((0, ok),))).schedule.rates == (ok,)


def test_a_basal_exactly_at_the_daily_limit_is_refused_for_the_step_in_hand():
    err = refused(E_DAILY_LIMIT, schedule=BasalSchedule(((0, M_DAILY),)))
    assert err.values == ("morphine", M_DAILY, M_DAILY)
    refused(E_DAILY_LIMIT, schedule=BasalSchedule(((0, M_DAILY - STEP_NG + 1),)))


def test_daily_dose_over_from_basal_plus_every_bolus_allowed():
    basal = 14 * MG - STEP_NG
    ok = Bolus(250 * MCG, HOUR_MS, 4)  # 14 + 1 = 15 mg less one step: at the limit
    assert rx(schedule=BasalSchedule(((0, basal),)), bolus=ok).bolus is ok
    err = refused(E_DAILY_LIMIT, schedule=BasalSchedule(((0, basal),)),
                  bolus=Bolus(250 * MCG, HOUR_MS, 5))
    assert err.values == ("morphine", basal + 5 * 250 * MCG, M_DAILY)


def test_daily_dose_counts_the_catheter_open_floor():
    # 48 uL/day of 20 mg/mL is 960 ug/day whatever the schedule says: an hour of "0" here
    # carries 40 ug, enough to push 23 h at 15.652 mg/day over the 15 mg limit.
    strong = (("morphine", 20 * MG),)
    floor = RIG.min_flow_nl_per_day * 20 * MG // 1_000_000
    assert floor == 960 * MCG
    high = 15_652 * MCG
    assert high * 23 <= M_DAILY * 24  # without the floor it would fit
    err = refused(E_DAILY_LIMIT, drugs=strong, schedule=BasalSchedule(((0, 0), (60, high))))
    assert err.values == ("morphine", -(-(floor + high * 23) // 24), M_DAILY)


def test_hourly_dose_over_from_a_basal_spike():
    spike = BasalSchedule(((0, 1 * MG), (60, 60 * MG), (120, 1 * MG)))  # 2.5 mg in 1 h
    err = refused(E_HOURLY_LIMIT, schedule=spike)
    assert err.values == ("morphine", 2500 * MCG, M_HOURLY)


def test_hourly_dose_counts_the_bolus_the_lockout_allows_in_an_hour():
    fits = BasalSchedule(((0, 1 * MG), (60, 50_400 * MCG), (120, 1 * MG)))  # 2.1 mg hour
    assert rx(schedule=fits, bolus=Bolus(250 * MCG, HOUR_MS, 4)).bolus.per_hour() == 1
    over = BasalSchedule(((0, 1 * MG), (60, 51_600 * MCG), (120, 1 * MG)))  # 2.15 mg hour
    assert rx(schedule=over).schedule.rates[1] == 51_600 * MCG  # fits without the bolus
    err = refused(E_HOURLY_LIMIT, schedule=over, bolus=Bolus(250 * MCG, HOUR_MS, 4))
    assert err.values == ("morphine", 2150 * MCG + 250 * MCG, M_HOURLY)


def test_bolus_dose_over_the_table_refused():
    err = refused(E_BOLUS_LIMIT, bolus=Bolus(250 * MCG + 1, HOUR_MS, 4))
    assert err.values == ("morphine", 250 * MCG + 1, 250 * MCG)
    assert rx(bolus=Bolus(250 * MCG, HOUR_MS, 4)).bolus.dose_ng == 250 * MCG


def test_bolus_count_over_the_table_refused():
    err = refused(E_BOLUS_COUNT_LIMIT, bolus=Bolus(10 * MCG, HOUR_MS, 25))
    assert err.values == ("morphine", 25, 24)


def test_lockout_shorter_than_the_table_refused():
    err = refused(E_LOCKOUT_RANGE, bolus=Bolus(100 * MCG, HOUR_MS - 1, 4))
    assert err.values == ("morphine", HOUR_MS - 1, HOUR_MS)


def test_bolus_settings_must_be_positive_ints():
    for args in ((0, HOUR_MS, 4), (100, 0, 4), (100, HOUR_MS, 0), (100, HOUR_MS, True)):
        raises(E_RANGE, Bolus, *args)


def test_patient_bolus_refused_for_a_drug_the_table_gives_none():
    baclofen = (("baclofen", 500 * MCG),)
    err = refused(E_BOLUS_LIMIT, drugs=baclofen, schedule=BasalSchedule(((0, 100 * MCG),)),
                  bolus=Bolus(1, HOUR_MS, 1))
    assert err.values == ("baclofen", 1, 0)


def test_capacity_beyond_the_rig_or_zero_refused():
    err = refused(E_RESERVOIR, capacity_nl=RIG.capacity_nl + 1)
    assert err.values == (RIG.capacity_nl + 1, RIG.capacity_nl)
    err = refused(E_RESERVOIR, capacity_nl=0, low_nl=0)
    assert err.values == (0, RIG.capacity_nl)
    assert rx(capacity_nl=RIG.capacity_nl).capacity_nl == RIG.capacity_nl


def test_low_threshold_must_be_below_capacity():
    err = refused(E_RESERVOIR, capacity_nl=20_000_000, low_nl=20_000_000)
    assert err.values == (20_000_000, 20_000_000)
    err = refused(E_RESERVOIR, low_nl=-1)
    assert err.values == (-1, 20_000_000)
    assert rx(low_nl=0).low_nl == 0


def test_secondary_drug_daily_dose_checked_at_its_own_concentration():
    # Hydromorphone 1 mg/mL at 700 ug/day is fine; clonidine 1 mg/mL in the same flow is
    # 700 ug/day, over its 600.
    mix = (("hydromorphone", 1000 * MCG), ("clonidine", 1000 * MCG))
    err = refused(E_DAILY_LIMIT, drugs=mix)
    assert err.values == ("clonidine", 700 * MCG, 600 * MCG)
    ok = (("hydromorphone", 1000 * MCG), ("clonidine", 800 * MCG))  # 560 ug/day
    assert rx(drugs=ok).drugs == ok


def test_secondary_drug_bolus_checked_at_its_own_concentration():
    # Case 1's 30 ug hydromorphone bolus carries 2.25 ug clonidine at 75 ug/mL; at
    # 500 ug/mL it would carry 15 ug, over clonidine's 10 ug.
    mix = CASE1_DRUGS[:2] + (("clonidine", 500 * MCG),)
    err = raises(E_BOLUS_LIMIT, case1_rx, ((0, 700 * MCG),), mix)
    assert err.values == ("clonidine", 15 * MCG, 10 * MCG)


def test_secondary_drug_hourly_dose_checked_at_its_own_concentration():
    # Morphine 2 mg/mL with ropivacaine 10 mg/mL: the 1 mg morphine hour, well under
    # morphine's 2.375 mg, carries 5 mg ropivacaine, over its 4.375 mg.
    mix = (("morphine", 2 * MG), ("ropivacaine", 10 * MG))
    spike = BasalSchedule(((0, 100 * MCG), (60, 24 * MG), (120, 100 * MCG)))  # 1 mg hour
    err = refused(E_HOURLY_LIMIT, drugs=mix, schedule=spike)
    assert err.values == ("ropivacaine", 5 * MG, 2500 * MCG + 15 * MG // 8)


def test_tightest_limit_over_the_mix_in_primary_drug_terms():
    p = case1_rx()
    assert p.limit_ng(dt.F_MAX_CLINICIAN_BOLUS) == 100 * MCG
    # Clonidine 600 ug/day at 75 ug/mL allows 8 mg of hydromorphone; ropivacaine 15 mg at
    # 2.5 mg/mL allows 6 mg; hydromorphone's own 10 mg is looser than both.
    assert p.limit_ng(dt.F_MAX_DAILY) == 6 * MG


# ----- the rig's least flow (issue 14, item 1) -----
# The bench rig's least flow is 48 uL/day: ziconotide 100 ug/mL runs at least 4.8 ug/day.
FLOOR_NL = RIG.min_flow_nl_per_day


def test_a_step_under_the_least_flow_is_refused_with_the_floor_and_the_dilution():
    sched = BasalSchedule(((0, 600 * MCG), (8 * 60, 1200)))  # 1.2 ug/day at 08:00
    err = refused(E_BELOW_FLOOR, drugs=(("ziconotide", 100 * MCG),), schedule=sched)
    # at 08:00, 1200 ng/d, floor 4800 ng/d, at most 25 ug/mL would allow 1.2 ug/day
    assert err.values == (480, 1200, 4800, "ziconotide", 100 * MCG, 25 * MCG)
    assert FLOOR_NL * 25 * MCG // 1_000_000 == 1200  # the dilution: 1.2 ug/day exactly
    # Morphine 10 mg/mL at 0.1 mg/day: under 0.48 mg/day.
    err = refused(E_BELOW_FLOOR, schedule=BasalSchedule(((0, 100 * MCG),)))
    assert err.values[1:3] == (100 * MCG, 480 * MCG)


def test_the_least_flow_said_on_purpose_is_a_step_of_zero_and_runs_at_the_floor():
    sched = BasalSchedule(((0, 0), (8 * 60, 600 * MCG)))
    p = rx(schedule=sched)
    assert p.basal_ng_d(0) == 480 * MCG  # what really runs at night: the floor
    assert p.basal_ng_d(9 * HOUR_MS) == 600 * MCG


def test_a_drug_whose_least_flow_alone_is_over_its_row_is_refused_at_any_schedule():
    # Sufentanil 5 mg/mL: 48 uL/day is 240 ug/day against its 200 ug/day limit.
    row = dt.lookup("sufentanil")
    top = row[dt.F_MAX_CONC]
    err = refused(E_FLOOR_OVER_LIMIT, drugs=(("sufentanil", top),),
                  schedule=BasalSchedule(((0, 0),)))
    name, conc, dose, window, limit, most = err.values
    assert (name, conc) == ("sufentanil", top)
    assert window == 0 and dose > limit == row[dt.F_MAX_DAILY]
    assert dose >= (FLOOR_NL + RIG.step_num) * top // 1_000_000
    # The concentration it names is the most the rig can run: accepted at the floor, and
    # one ng/mL more is refused.
    assert rx(drugs=(("sufentanil", most),), schedule=BasalSchedule(((0, 0),)))
    refused(E_FLOOR_OVER_LIMIT, drugs=(("sufentanil", most + 1),),
            schedule=BasalSchedule(((0, 0),)))


def test_a_refill_at_a_stronger_mix_that_puts_a_step_under_the_floor_is_refused():
    p = rx(schedule=BasalSchedule(((0, 400 * MCG),)), drugs=(("morphine", 5 * MG),))
    raises(E_BELOW_FLOOR, p.with_concs, (("morphine", 10 * MG),))
