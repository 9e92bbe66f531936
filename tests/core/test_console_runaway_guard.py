"""A runaway scheduler at the top of the table, over the console (issue 14, item 3):
hydromorphone 15 mg/mL on the default 60 mL rig, the schedule corrupted to 100 times the
prescription once delivering (as test_step_guard.py corrupts it: the pump's own dose
record and plan check believe it). The step guard alone stops it before any rolling hour
holds more than the drug's hourly limit plus one bolus, and `status` shows the alarm.
Before the guard's allowance was a dose, it let this pump run 5.5 times the hourly limit.
Runs under pytest and MicroPython."""
from console_fakes import Board, kv
from pump import drugs as dt
from rigs import shipped

CONC_NG_ML = 15_000_000
LINES = ("time 2026-01-01T07:00:00", "drug hydromorphone 15mg/mL", "basal 3mg/d",
         "ptm 50ug lockout=1h max=4", "capacity 20mL", "reservoir-alarm 2mL", "refill 20mL",
         "confirm", "prime")


def test_a_runaway_at_15mg_per_ml_on_the_60ml_rig_is_stopped_under_the_hourly_limit_plus_a_bolus():
    b = Board(rig=shipped()[1])
    b.login()
    for line in LINES:
        b.ok(line)
    b.ok("sim advance 4m")  # the line's 150 uL at 50 uL/min
    b.login()
    b.ok("start")
    before = b.motor.total  # the prime filled the line: it gave the patient nothing
    sched = b.dev.pump.rx.schedule
    sched.rates = tuple(100 * r for r in sched.rates)  # 300 mg a day, 12.5 mg an hour
    moved = [0]  # steps since the start, a minute apart
    for _ in range(3 * 60):
        b.ok("sim advance 1m")
        moved.append(b.motor.total - before)
        if b.dev.pump.sm.state == "alarm":
            break
    s = kv(b.ok("status"))
    assert s["state"] == "alarm" and "guard" in s["alarms"].split(","), s
    assert b.guard.tripped and not b.motor.enabled
    # Every rolling hour of what really moved, in ng at the rig's true step (1.4 uL).
    r = b.rig
    worst = 0
    for i in range(len(moved)):
        hour = moved[i] - moved[i - 60 if i >= 60 else 0]
        worst = hour if hour > worst else worst
    worst_ng = worst * r.step_num * CONC_NG_ML // (r.step_den * 1_000_000)
    row = dt.lookup("hydromorphone")
    bound_ng = row[dt.F_MAX_HOURLY] + max(row[dt.F_MAX_BOLUS], row[dt.F_MAX_CLINICIAN_BOLUS])
    # 69 steps (1.449 mg) in the 9 minutes before it tripped, of the 1.45 mg allowed.
    assert 0 < worst_ng <= bound_ng, (worst, worst_ng, bound_ng)
    stopped = b.motor.total
    b.ok("sim advance 1h")
    assert b.motor.total == stopped  # nothing more moves
    assert "guard" in kv(b.ok("status"))["alarms"].split(",")
