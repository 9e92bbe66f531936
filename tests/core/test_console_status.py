"""What the console reads out: status with its exact keys, the low-reservoir forecast
judged by running the pump to it, help, log and whoami. Runs under pytest and MicroPython."""
from console_fakes import Board, events, kv, programmed, running
from pump.errors import E_RANGE, E_UNKNOWN_COMMAND

STATUS_KEYS = ["time", "state", "reservoir_nl", "delivered_ng", "basal_ng_d", "boluses_24h",
               "next_bolus_s", "next_bolus_why", "step_nl", "low_alarm_at", "low_alarm_worst_at",
               "empty_at", "empty_worst_at", "alarms"]


def test_status_has_exactly_the_keys_of_the_issue_in_order():
    for b in (Board(), running()):
        final = b.ok("status")[-1]
        assert [w.split("=")[0] for w in final.split()[1:]] == STATUS_KEYS


def test_status_of_a_bare_board():
    s = kv(Board().ok("status"))
    assert s == {"time": "1970-01-01T00:00:00", "state": "unprogrammed", "reservoir_nl": "0",
                 "delivered_ng": "0", "basal_ng_d": "0", "boluses_24h": "0",
                 "next_bolus_s": "-", "next_bolus_why": "unprogrammed", "step_nl": "1400",
                 "low_alarm_at": "-", "low_alarm_worst_at": "-", "empty_at": "-",
                 "empty_worst_at": "-", "alarms": "-"}


def test_next_bolus_s_is_rounded_up_never_down():
    b = running()
    b.ok("bolus")
    b.ok("sim advance %dms" % (60 * 60_000 - 1001))  # 1001 ms of lockout left
    assert kv(b.ok("status"))["next_bolus_s"] == "2"
    b.ok("sim advance 1000ms")  # 1 ms left
    assert kv(b.ok("status"))["next_bolus_s"] == "1"
    b.ok("sim advance 1ms")
    assert kv(b.ok("status"))["next_bolus_s"] == "0"


def _iso_to_s(iso):
    """Seconds of the day in an ISO time, worked out here (the day is 1970-01-0D)."""
    day = int(iso[8:10]) - 1
    return ((day * 24 + int(iso[11:13])) * 60 + int(iso[14:16])) * 60 + int(iso[17:19])


def test_low_alarm_at_is_when_the_alarm_really_sounds_to_the_second():
    b = running(fill="3mL")  # on basal alone the 2 mL alarm comes within about a day
    at = kv(b.ok("status"))["low_alarm_at"]
    target_ms = _iso_to_s(at) * 1000  # the wall clock is the monotonic one here
    b.ok("sim advance %dms" % (target_ms - 1000 - b.clock.now_ms()))
    assert kv(b.ok("status"))["alarms"] == "-"  # a second before: silent
    reply = b.ok("sim advance 1s")
    alarm = events(reply, "alarm")
    assert alarm and alarm[0].startswith("alarm name=low_reservoir")
    # Rounded up to the second: it sounded within the last second, not earlier.
    assert _iso_to_s(alarm[0].split("time=")[1]) in (_iso_to_s(at) - 1, _iso_to_s(at))


DATES = ("low_alarm_at", "low_alarm_worst_at", "empty_at", "empty_worst_at")


def test_low_alarm_at_is_a_dash_when_not_delivering():
    b = programmed()
    # Filled: an empty reservoir is under its level, and a sounded alarm is dated (below).
    b.ok("refill 40mL")
    b.ok("confirm")
    s = kv(b.ok("status"))
    assert [s[k] for k in DATES] == ["-"] * 4


def test_an_unfilled_reservoir_shows_when_its_low_alarm_sounded():
    b = programmed()
    b.ok("sim advance 30m")  # under the hour after which not delivering is reminded
    s = kv(b.ok("status"))
    assert s["alarms"] == "low_reservoir"  # 0 mL: under the 2 mL level since programmed
    assert s["low_alarm_at"] == s["low_alarm_worst_at"] == "2026-01-01T00:00:00"  # programmed
    assert (s["empty_at"], s["empty_worst_at"]) == ("-", "-")


def test_once_sounded_low_alarm_at_is_when_it_sounded_not_now():
    b = running(fill="3mL")
    s = kv(b.ok("status"))
    assert s["low_alarm_worst_at"] < s["low_alarm_at"] < s["empty_at"]
    assert s["empty_worst_at"] < s["empty_at"]
    reply = b.ok("sim advance %dms" % (_iso_to_s(s["low_alarm_at"]) * 1000 - b.clock.now_ms()))
    sounded = events(reply, "alarm")[0].split("time=")[1]
    b.ok("sim advance 5h")
    later = kv(b.ok("status"))
    assert later["alarms"] == "low_reservoir"
    # When it sounded, as the event and `alarms` say it: not 5 hours later, not "now + 1 s".
    assert later["low_alarm_at"] == later["low_alarm_worst_at"] == sounded
    assert b.ok("alarms")[0].split("since=")[1].split()[0] == sounded
    assert later["empty_at"] == s["empty_at"]  # basal alone all along: the same second


def test_delivered_counts_the_primary_drug_that_left_the_tip():
    b = running()
    b.ok("bolus")
    b.ok("sim advance 10m")
    s = kv(b.ok("status"))
    steps = b.motor.total - 107  # the prime filled all but 200 nL of the line
    assert s["delivered_ng"] == str(steps * 1400 - 200)  # 1 ng per nL at 1000 ug/mL


def test_help_lists_every_command_by_role_and_explains_one():
    b = Board()
    lines = b.ok("help")
    assert lines[0].startswith("anyone: help status alarms log")
    assert lines[1].startswith("clinician: time drug basal basal+ ptm bolus-schedule "
                               "reservoir-alarm")
    assert lines[2] == "sim: sim"
    assert b.ok("help ptm")[0] == "ptm <dose> lockout=<time> max=<n> | ptm off  (clinician)"
    b.err("help fly", E_UNKNOWN_COMMAND)


def test_log_shows_the_newest_lines_last_and_is_bounded():
    b = programmed()
    b.ok("sim advance 1s")
    for i in range(70):
        b.ok("reservoir-alarm %duL" % (1000 + i))
    lines = b.ok("log 64")
    assert kv(lines)["lines"] == "64"
    assert lines[-2].startswith("set reservoir-alarm old=1068000 new=1069000 ")
    assert lines[-3].startswith("program drug=hydromorphone first=0 ")  # each change
    assert lines[-4].startswith("set reservoir-alarm old=1067000 new=1068000 ")
    assert len(b.ok("log")) == 21  # 20 by default, then the final line
    assert len(b.ok("log 3")) == 4
    b.err("log 65", E_RANGE)
    b.err("log 0", E_RANGE)


def test_no_pin_ever_appears_in_a_reply_or_the_log():
    b = Board()
    seen = b.ok("pin 97531") + b.ok("login 97531") + b.err("login 13579", 77)
    seen += b.ok("log 64") + b.ok("whoami") + b.dev.events()
    for line in seen:
        assert "97531" not in line and "13579" not in line, line


def test_whoami_tells_the_role_the_session_and_the_lockout():
    b = Board()
    assert kv(b.ok("whoami")) == {"role": "patient", "session_s": "0", "pin": "unset",
                                  "login_locked_s": "0", "service_s": "0"}
    b.login()
    b.ok("sim advance 61s")
    # Asking is not a clinician's command: it does not renew the session it reports.
    assert kv(b.ok("session"))["session_s"] == "839"


def running_baclofen():
    """Baclofen, which has no patient bolus, filled, primed and started."""
    b = Board()
    b.login()
    for line in ("drug baclofen 500ug/mL", "basal 200ug/d", "ptm off", "reservoir-alarm 2mL",
                 "capacity 40mL", "refill 40mL", "confirm", "prime 150uL", "sim advance 4m"):
        b.ok(line)
    b.login()
    b.ok("start")
    return b


def test_next_bolus_says_why_it_is_blocked():
    b = running()
    s = kv(b.ok("status"))
    assert (s["next_bolus_s"], s["next_bolus_why"]) == ("0", "-")
    b.ok("bolus")
    s = kv(b.ok("status"))
    assert (s["next_bolus_s"], s["next_bolus_why"]) == ("3600", "lockout")
    b.login()
    b.ok("suspend")
    s = kv(b.ok("status"))
    assert (s["next_bolus_s"], s["next_bolus_why"]) == ("-", "suspended")
    b.ok("resume")
    b.ok("sim advance 1h")
    b.dev.fault("clock")
    s = kv(b.ok("status"))
    assert (s["next_bolus_s"], s["next_bolus_why"]) == ("-", "clock")


def test_next_bolus_why_without_a_patient_bolus():
    s = kv(Board().ok("status"))
    assert (s["next_bolus_s"], s["next_bolus_why"]) == ("-", "unprogrammed")
    s = kv(running_baclofen().ok("status"))
    assert (s["next_bolus_s"], s["next_bolus_why"]) == ("-", "off")
