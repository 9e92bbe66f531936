"""pump/dose_units.py: the factors agree with each other and with the table in
docs/architecture.md, so one ng/day, one nL/day and one nL/min reach the same dose by
every route, and rounding goes only the way each name says.
Runs under pytest and MicroPython (plain asserts, integers only)."""
from pump import dose_units as du

STEP_NUM, STEP_DEN = 1_400_000, 1000  # the bench rig: 1400 nL a step
CONC = 1_000_000  # 1 mg/mL in ng/mL


def test_one_ng_is_nl_per_ml_times_a_day_of_ms_in_dose_units():
    assert du.NG_E6_DAY == du.NL_PER_ML * du.DAY_MS == 86_400_000_000_000
    assert du.u_per_ng(STEP_DEN) == du.NG_E6_DAY * STEP_DEN
    assert du.DAY_MS == du.MIN_PER_DAY * 60_000 == du.MIN_PER_DAY * du.MIN_MS


def test_a_basal_rate_for_a_day_is_its_dose():
    rate_ng_d = 700_000
    per_ms = du.basal_e6(rate_ng_d) * STEP_DEN
    assert per_ms * du.DAY_MS == rate_ng_d * du.u_per_ng(STEP_DEN)


def test_the_catheter_open_floor_holds_up_a_lower_rate_and_only_that():
    floor = du.min_flow_e6(48_000, CONC)  # 48 uL/day at 1 mg/mL: 48 ug/day
    assert du.basal_e6(48_000 - 1, floor) == floor
    assert du.basal_e6(48_000, floor) == floor == 48_000 * du.NL_PER_ML
    assert du.basal_e6(48_001, floor) == 48_001 * du.NL_PER_ML
    assert du.basal_e6(5) == 5 * du.NL_PER_ML


def test_a_bolus_speed_for_a_minute_is_the_dose_of_that_volume():
    speed_nl_min = 10_000  # 10 uL/min at 1 mg/mL: 10 ug a minute
    per_ms = du.bolus_u_per_ms(speed_nl_min, CONC, STEP_DEN)
    assert per_ms * 60_000 == 10_000 * du.u_per_ng(STEP_DEN)


def test_a_steps_dose_is_its_volume_times_the_concentration():
    # 1400 nL at 1 mg/mL is 1400 ng
    assert du.step_dose_u(STEP_NUM, CONC) == 1400 * du.u_per_ng(STEP_DEN)
    # a step of 4.5 nL (9/2) at 3 ng/mL is 1.35e-5 ng: exact in U, no rounding
    assert du.step_dose_u(9, 3) * 10_000_000 == 135 * du.u_per_ng(2)


def test_volume_for_a_dose_rounds_up_and_ng_from_volume_rounds_down():
    assert du.vu_for_ng(1400, CONC, STEP_DEN) == STEP_NUM
    assert du.vu_for_ng(1, 3, 1) == 333_334  # 333,333.3 nL, up
    vu_conc = STEP_NUM * CONC  # one step left the tip
    assert du.ng_from_vu_conc(vu_conc, STEP_DEN) == 1400
    assert du.ng_from_vu_conc(vu_conc - 1, STEP_DEN) == 1399


def test_ceil_div_rounds_up_whatever_the_sign_of_the_dividend():
    assert du.ceil_div(10, 5) == 2
    assert du.ceil_div(11, 5) == 3
    assert du.ceil_div(0, 5) == 0
    assert du.ceil_div(-11, 5) == -2
    big = du.NG_E6_DAY * 3 + 1  # a big int on the Pico
    assert du.ceil_div(big, du.NG_E6_DAY) == 4
