"""Builders for the pump tests: the case reports of docs/clinical_background.md as
prescriptions and as pumps ready to deliver on the bench rig, and the ideal dose worked
out here with plain integer sums, never through the firmware's own schedule code. Not a
test module (no test_ names); integers only, so it runs under pytest and MicroPython
alike."""
from hal.sim.motor import SimMotor
from pump.errors import E_RESERVOIR_EMPTY, PumpError
from pump.prescription import Bolus, Prescription
from pump.pump import Pump
from pump.rig import bench_rig
from pump.schedule import BasalSchedule

MIN_MS = 60_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000
MCG = 1000  # ng
MG = 1_000_000  # ng
ML = 1_000_000  # nL

# Case 1: hydromorphone 1000 mcg/mL + ropivacaine 2500 mcg/mL + clonidine 75 mcg/mL,
# 40 mL reservoir with the low alarm at 2 mL, myPTM 30 mcg, lockout 1 h, at most 7 a day.
CASE1_DRUGS = (("hydromorphone", 1000 * MCG), ("ropivacaine", 2500 * MCG),
               ("clonidine", 75 * MCG))
CASE1_FLAT = ((0, 700 * MCG),)
CASE1_FLEX = ((0, 600 * MCG), (8 * 60, 800 * MCG), (20 * 60, 700 * MCG))
CASE1_CAPACITY_NL = 40 * ML
CASE1_LOW_NL = 2 * ML

# Cases 2 and 3 give no concentration; 10 mg/mL morphine is a common strength.
MORPHINE_CONC = 10 * MG

# Priming the bench rig's 150 uL line at 50 uL/min takes 3 min; start a little after.
START_MS = 5 * MIN_MS


def case1_rx(steps=CASE1_FLAT, drugs=CASE1_DRUGS, rig=None):
    rig = bench_rig() if rig is None else rig
    return Prescription(drugs, BasalSchedule(steps), Bolus(30 * MCG, HOUR_MS, 7),
                        CASE1_CAPACITY_NL, CASE1_LOW_NL, rig)


def case2_rx(rig=None):
    """The trial: morphine, no basal of its own (the catheter-open flow only), no myPTM."""
    rig = bench_rig() if rig is None else rig
    return Prescription((("morphine", MORPHINE_CONC),), BasalSchedule(((0, 0),)), None,
                        20 * ML, 2 * ML, rig)


def case3_rx(rate_ng_d=700 * MCG, dose_ng=100 * MCG, lockout_ms=6 * HOUR_MS, max_per_day=4,
             rig=None):
    """Morphine: 0.7 mg/day with 0.1 mg every 6 h, at most 4 (later 1.0 mg/day, 0.2 mg
    every 4 h, at most 6)."""
    rig = bench_rig() if rig is None else rig
    return Prescription((("morphine", MORPHINE_CONC),), BasalSchedule(((0, rate_ng_d),)),
                        Bolus(dose_ng, lockout_ms, max_per_day), 20 * ML, 2 * ML, rig)


def filled_pump(rx, rig=None, fill_nl=None, log=None):
    """Programmed and filled at t=0, not primed: state stopped."""
    rig = bench_rig() if rig is None else rig
    pump = Pump(rig, SimMotor(), log=log)
    pump.program(rx, 0)
    pump.refill(rx.capacity_nl if fill_nl is None else fill_nl, None, 0)
    pump.confirm(0)
    return pump


def ready_pump(rx, rig=None, fill_nl=None, log=None):
    """Programmed, filled, primed with the whole dead volume, and started at START_MS."""
    rig = bench_rig() if rig is None else rig
    pump = filled_pump(rx, rig, fill_nl, log)
    pump.prime(rig.dead_volume_nl, 0)
    pump.start(START_MS)
    assert pump.sm.state == "running"
    return pump


def case1_pump(steps=CASE1_FLAT, rig=None, fill_nl=None, log=None):
    rig = bench_rig() if rig is None else rig
    return ready_pump(case1_rx(steps, rig=rig), rig, fill_nl, log)


def case3_pump(rig=None, **kw):
    rig = bench_rig() if rig is None else rig
    return ready_pump(case3_rx(rig=rig, **kw), rig)


def prime_steps(rig):
    """Whole steps that fit in the dead volume: what priming issues."""
    return rig.dead_volume_nl * rig.step_den // rig.step_num


def basal_ng_ms(steps, t0_ms, t1_ms):
    """Ideal basal dose over [t0_ms, t1_ms) in ng * DAY_MS (exact), for a schedule given as
    ((start_min, rate_ng_per_day), ...), the wall clock equal to the monotonic one. Sums
    rate * overlap over every step of every day touched, with no help from BasalSchedule."""
    total = 0
    for day in range(t0_ms // DAY_MS, (t1_ms - 1) // DAY_MS + 1):
        for i in range(len(steps)):
            a = day * DAY_MS + steps[i][0] * MIN_MS
            end_min = steps[i + 1][0] if i + 1 < len(steps) else 24 * 60
            b = day * DAY_MS + end_min * MIN_MS
            lo = a if a > t0_ms else t0_ms
            hi = b if b < t1_ms else t1_ms
            if hi > lo:
                total += (hi - lo) * steps[i][1]
    return total


def steps_for_ng_ms(dose_ng_ms, conc_ng_ml, rig):
    """Ideal steps for a dose given in ng * DAY_MS, as the exact fraction (num, den):
    volume = dose / conc, steps = volume / (step_num / step_den)."""
    return (dose_ng_ms * ML * rig.step_den, DAY_MS * conc_ng_ml * rig.step_num)


def eager_patient(pump, name):
    """A patient who presses at every moment the pump allows (lockout, 24 h count, no bolus
    running) until the alarm `name` sounds; refusals other than an emptying reservoir
    would mean the worst case assumed a bolus the pump does not give. Returns when it
    sounded, in pump ms."""
    pressing = True
    while not pump.alarms.is_active(name):
        # Dry and stopped: a level not heard by now never is (and the loop would not end).
        assert name == "empty" or not pump.alarms.is_active("empty"), name
        if not pressing:
            pump.advance(pump.t + DAY_MS)
            continue
        at = pump.t + pump.status()["next_bolus_ms"]
        if pump.bolus_left and pump.bolus_end > at:
            at = pump.bolus_end
        pump.advance(at)
        if pump.alarms.is_active(name) or pump.sm.state != "running":
            continue
        try:
            pump.request_bolus(at)
        except PumpError as e:
            assert e.code == E_RESERVOIR_EMPTY, e.args
            pressing = False
    return pump.alarms.state[name][0]
