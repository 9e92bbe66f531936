"""Scheduled boluses (issue 16, item 7): `bolus-schedule 08:00=100ug ...` gives each dose
at its time of day, within every limit, as part of the prescription: refused over a row,
counted in the day and the hour, staged for review once therapy runs, kept over a power
cut, and shown by `status` as the rate that runs. Runs under pytest and MicroPython."""
from console_fakes import Board, kv, running
from pump.errors import (E_BOLUS_OVER, E_DAILY_LIMIT, E_HOURLY_LIMIT, E_PRECISION,
                         E_SCHED_BOLUS_LIMIT, E_USAGE, E_DOSE_WINDOW,
                         E_NOTHING_STAGED)
from store import snapshot
from hal.sim.motor import SimMotor

MIN_MS = 60_000
HOUR_MS = 3_600_000


def case1_scheduled(line="bolus-schedule 08:00=100ug 20:00=50ug"):
    b = running()  # case 1 on a clock at midnight, started at 00:04
    b.ok(line)
    reply = b.ok("commit")
    assert kv(reply)["committed"] == "bolus-schedule", reply
    return b


def ng(b):
    return b.dev.pump.delivered_ng("hydromorphone")


def test_each_scheduled_bolus_is_given_at_its_time_on_top_of_the_basal():
    b = case1_scheduled()
    b.ok("sim advance 7h55m")  # to 07:59
    before = ng(b)
    st = kv(b.ok("status"))
    assert st["basal_ng_d"] == "600000", st  # the night's step, no bolus yet
    b.ok("sim advance 6m")
    # 100 ug at the rig's 10 uL/min of 1 mg/mL: 10 minutes, at 14.4 mg/day on the basal
    assert kv(b.ok("status"))["basal_ng_d"] == "15200000"
    b.ok("sim advance 6m")  # to 08:11
    got = ng(b) - before
    want = 100_000 + (600_000 + 800_000 * 11) // 1440
    step_ng = 1000  # the bench rig's step of 1 uL at 1 mg/mL, the most the motor trails
    assert want - step_ng <= got <= want + step_ng, (got, want)
    assert kv(b.ok("status"))["basal_ng_d"] == "800000"


def test_a_day_holds_the_basal_and_every_scheduled_dose_to_a_step():
    b = case1_scheduled()
    b.ok("sim advance 23h56m")  # 00:04 to 00:00 the next day
    start = ng(b)
    b.ok("sim advance 24h")
    day = (600_000 * 8 + 800_000 * 12 + 700_000 * 4) // 24 + 150_000
    assert abs(ng(b) - start - day) <= 1000, (ng(b) - start, day)


def test_a_scheduled_dose_over_the_clinician_bolus_row_is_refused_and_changes_nothing():
    b = running()
    reply = b.err("bolus-schedule 08:00=5mg", E_SCHED_BOLUS_LIMIT)
    assert "08:00" in reply[-1] and "at most" in reply[-1], reply
    assert kv(b.ok("rx"))["staged"] == "-"


def morphine(basal="12mg/d"):
    """Morphine 10 mg/mL on a clock at midnight: rows of 15 mg a day, 2.375 mg an hour
    and a 500 ug clinician bolus; 500 ug takes 5 minutes at the rig's 10 uL/min."""
    b = Board()
    b.login()
    b.ok("time 2026-01-01T00:00:00")
    b.ok("drug morphine 10mg/mL")
    b.ok("basal " + basal)
    return b


def test_scheduled_doses_count_in_the_day_and_the_hour():
    b = morphine()
    # 12 mg/day and 8 x 500 ug: 16 mg, over the daily row...
    times = " ".join("%02d:00=500ug" % h for h in range(0, 24, 3))
    b.err("bolus-schedule " + times, E_DAILY_LIMIT)
    # ...and five in 25 minutes, 2.5 mg, over the hourly one.
    b.err("bolus-schedule 08:00=500ug 08:05=500ug 08:10=500ug 08:15=500ug 08:20=500ug",
          E_HOURLY_LIMIT)
    assert kv(b.ok("rx"))["programmed"] == "1"
    assert b.dev.pump.rx.sched is None
    b.ok("bolus-schedule 08:00=500ug 14:00=500ug 20:00=500ug")  # 13.5 mg a day: fits


def test_a_clinician_bolus_that_would_crowd_a_scheduled_hour_is_refused():
    b = morphine("2mg/d")
    b.ok("bolus-schedule 08:00=500ug 08:10=500ug 08:20=500ug over=10m")
    b.ok("refill 20mL")
    b.ok("confirm")
    b.ok("prime")
    b.ok("sim advance 20m")
    b.login()
    b.ok("start")
    b.ok("sim advance 7h10m")  # 07:40
    b.login()
    b.ok("bolus 500ug")  # its hour to 08:40 holds 2.08 mg of 2.375
    b.ok("sim advance 10m")
    b.login()
    reply = b.err("bolus 500ug", E_DOSE_WINDOW)  # 2.58 mg: the schedule is counted ahead
    assert "an hour" in reply[-1], reply


def test_bad_lines_get_their_reason():
    b = running()
    b.err("bolus-schedule 08:00=100ug over=90s", E_PRECISION)
    b.err("bolus-schedule 08:00=100ug over=1m", E_BOLUS_OVER)  # 10 min at the rig's speed
    b.err("bolus-schedule 08:00=100ug 08:00=50ug", E_USAGE)
    b.err("bolus-schedule over=30m", E_USAGE)
    b.err("bolus-schedule 08:00", E_USAGE)


def test_a_change_to_a_running_pump_is_staged_and_rx_shows_the_daily_dose_change():
    b = running()
    reply = b.ok("bolus-schedule 08:00=100ug over=30m")
    assert "rx=staged" in reply[-1], reply
    shown = b.ok("rx")
    assert "staged bolus-schedule old=- new=08:00=100000/30" in shown, shown
    dose = [line for line in shown if line.startswith("dose hydromorphone")][0]
    # 716,667 ng/day on average, plus the 100 ug: +14 %
    assert "old_basal_ng_d=716667 new_basal_ng_d=816667 basal_pct=+14" in dose, dose
    b.ok("sim advance 9h")  # nothing given while only staged
    assert b.dev.pump.rx.sched is None
    assert "rx=staged" not in b.send("status")[-1]
    # The session ended while it waited (app/device.py), and the staged change with it.
    b.login()
    b.err("discard", E_NOTHING_STAGED)


def test_off_takes_them_away():
    b = case1_scheduled()
    b.ok("bolus-schedule off")
    b.ok("commit")
    assert b.dev.pump.rx.sched is None
    assert len(b.dev.pump.rx.schedule.steps) == 3


def test_an_unset_clock_is_missing_for_a_schedule_of_boluses():
    b = Board()
    b.login()
    b.ok("drug morphine 1mg/mL")
    b.ok("basal 500ug/d")
    reply = b.ok("bolus-schedule 08:00=100ug")
    assert "time" in kv(reply)["missing"].split(","), reply


def test_scheduled_boluses_survive_a_power_cut():
    b = case1_scheduled("bolus-schedule 08:00=100ug 20:00=50ug over=20m")
    pump = b.dev.pump
    new, _ = snapshot.restore(snapshot.save(pump), pump.rig, SimMotor(), 0)
    assert new.rx.sched == ((480, 100_000, 20), (1200, 50_000, 20))
    assert new.rx.schedule.steps == pump.rx.schedule.steps
    assert new.rx.basal.steps == pump.rx.basal.steps


def test_a_snapshot_without_scheduled_boluses_reads_as_before():
    b = running()
    pump = b.dev.pump
    new, _ = snapshot.restore(snapshot.save(pump), pump.rig, SimMotor(), 0)
    assert new.rx.sched is None and new.rx.schedule.steps == pump.rx.schedule.steps
