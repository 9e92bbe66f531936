"""Silent stops (issue 14, items 7-10): a programmed pump that is not delivering says so,
louder for a drug whose abrupt stop is a hazard; a reset that leaves it stopped says so at
once; `next_bolus_s` does not promise a bolus that is blocked. Through the whole console,
on a simulated flash. Runs under pytest and MicroPython."""
from console_fakes import Board, kv, events
from pump.errors import E_BAD_UNIT, E_RANGE
from store.persist import Persist
from store.sim_flash import SimFlash

MIN_MS = 60_000
HOUR_MS = 60 * MIN_MS

BACLOFEN = ("drug baclofen 500ug/mL", "basal 200ug/d", "ptm off", "reservoir-alarm 2mL",
            "capacity 40mL")
HYDROMORPHONE = ("drug hydromorphone 1000ug/mL", "basal 700ug/d", "ptm 30ug lockout=1h max=7",
                 "reservoir-alarm 2mL", "capacity 40mL")


def board(flash=None):
    return Board(persist=None if flash is None else Persist(flash))


def reboot(flash):
    return board(SimFlash(flash.files))


def running(lines, flash=None):
    b = board(flash)
    b.login()
    b.ok("time 2026-01-01T07:00:00")
    for line in lines + ("refill 40mL", "confirm", "prime 150uL", "sim advance 4m"):
        b.ok(line)
    b.login()
    b.ok("start")
    return b


def alarm_row(b, name):
    for line in b.ok("alarms")[:-1]:
        if ("name=%s " % name) in line:
            return dict(w.split("=", 1) for w in line.split()[1:])
    return None


def names(b):
    a = kv(b.ok("status"))["alarms"]
    return [] if a == "-" else a.split(",")


# ----- item 7: programmed and not delivering -----
def test_baclofen_suspended_raises_a_critical_reminder_after_the_default_hour():
    b = running(BACLOFEN)
    b.ok("suspend")
    b.ok("sim advance 59m")
    assert names(b) == []
    reply = b.ok("sim advance 1m")
    assert "alarm name=withdrawal_risk time=2026-01-01T08:04:00" in events(reply)
    row = alarm_row(b, "withdrawal_risk")
    assert (row["priority"], row["effect"]) == ("critical", "inform")
    assert b.dev.pump.sm.state == "suspended"  # a reminder: it moves nothing
    b.login()
    reply = b.ok("resume")
    assert "cleared name=withdrawal_risk" in [e.split(" time=")[0] for e in events(reply)]
    assert names(b) == []


def test_a_three_day_jump_dates_the_reminder_at_the_hour_not_at_the_jump_end():
    b = running(BACLOFEN)
    b.ok("suspend")  # at 07:04
    b.ok("sim advance 3d")
    row = alarm_row(b, "withdrawal_risk")
    assert row is not None and row["since"] == "2026-01-01T08:04:00"


def test_an_opioid_left_stopped_raises_a_high_reminder_of_its_own():
    b = running(HYDROMORPHONE)
    b.ok("stop")
    b.ok("sim advance 1h")
    row = alarm_row(b, "not_delivering")
    assert (row["priority"], row["effect"]) == ("high", "inform")
    assert alarm_row(b, "withdrawal_risk") is None


def test_a_programmed_pump_never_started_is_reminded_too():
    b = board()
    b.login()
    for line in HYDROMORPHONE:
        b.ok(line)
    b.ok("sim advance 1h")
    assert "not_delivering" in names(b)  # beside low_reservoir: nothing filled yet


def test_a_clinician_may_suspend_for_a_set_length():
    b = running(BACLOFEN)
    assert kv(b.ok("suspend 2h"))["new"] == "suspended"
    b.ok("sim advance 119m")
    assert names(b) == []
    b.ok("sim advance 1m")
    assert names(b) == ["withdrawal_risk"]


def test_a_suspension_length_out_of_range_or_badly_typed_is_refused_and_changes_nothing():
    b = running(BACLOFEN)
    b.err("suspend 0s", E_RANGE)
    b.err("suspend 8d", E_RANGE)  # at most a week: longer pauses are confirmed again
    b.err("suspend 2", E_BAD_UNIT)
    assert b.dev.pump.sm.state == "running"
    b.ok("suspend 1d")
    b.ok("sim advance 23h")
    assert names(b) == []


def test_acknowledging_the_reminder_does_not_silence_a_stop_that_lasts():
    b = running(BACLOFEN)
    b.ok("stop")
    b.ok("sim advance 1h")
    b.login()
    b.ok("ack withdrawal_risk")
    assert names(b) == ["withdrawal_risk"]
    assert alarm_row(b, "withdrawal_risk")["acked"] == "1"


# ----- item 8: a reset that leaves a programmed pump stopped -----
def test_an_opioid_mix_stopped_by_a_reset_is_not_only_informed():
    flash = SimFlash()
    b = running(HYDROMORPHONE, flash)
    b.ok("sim advance 1h")
    b = reboot(flash)
    s = kv(b.ok("status"))
    assert s["state"] == "stopped"
    assert "not_delivering" in s["alarms"].split(",")
    assert alarm_row(b, "not_delivering")["priority"] == "high"
    assert (s["next_bolus_s"], s["next_bolus_why"]) == ("-", "stopped")
