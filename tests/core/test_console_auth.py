"""Roles, the clinician PIN, the session and the login lockout, through console lines.
Runs under pytest and MicroPython."""
from app.auth import MemoryPinStore
from console.commands import CLINICIAN, COMMANDS
from console_fakes import PIN, Board, CASE1_LINES, events, kv, programmed, running
from pump.errors import (E_BAD_PIN, E_LOGIN_LOCKED, E_NO_PIN, E_PIN_FORMAT, E_PIN_SET,
                         E_ROLE)

MIN_MS = 60_000

# A line each command might be given by a clinician; without a session every one is refused.
CLINICIAN_LINES = ("time 2026-01-01T08:00:00", CASE1_LINES[0], CASE1_LINES[1], CASE1_LINES[2],
                   CASE1_LINES[3], CASE1_LINES[4], "refill 40mL", "confirm", "start", "stop",
                   "suspend", "resume", "prime 50uL", "ack low_reservoir", "bolus 50ug",
                   "calibrate run 2000", "decommission confirm", "line new confirm",
                   "basal+ 12:00=700ug/d", "trial 200ug", "commit", "commit override",
                   "discard", "bolus-schedule 08:00=100ug")


def test_every_clinician_command_is_listed_here_so_none_escapes_the_role_test():
    listed = [line.split()[0] for line in CLINICIAN_LINES]
    for entry in COMMANDS:
        if entry[1] == CLINICIAN:
            assert entry[0] in listed, entry[0]


def test_without_a_session_every_clinician_command_is_refused_and_changes_nothing():
    b = running()
    b.ok("logout")
    p = b.dev.pump
    before = (p.sm.state, p.rx, p.reservoir.volume_vu, p.wall_offset_ms, b.dev.draft)
    for line in CLINICIAN_LINES:
        reply = b.err(line, E_ROLE)
        assert reply[-1].endswith("needs a clinician login"), reply
    assert (p.sm.state, p.rx, p.reservoir.volume_vu, p.wall_offset_ms, b.dev.draft) == before


def test_the_patient_may_read_and_ask_for_a_bolus():
    b = running()
    b.ok("logout")
    for line in ("status", "alarms", "help", "log 5", "rx", "mem", "whoami", "bolus"):
        b.ok(line)


def test_login_needs_a_pin_provisioned_first_and_only_once():
    b = Board()
    b.err("login 1234", E_NO_PIN)
    b.err("pin 12a4", E_PIN_FORMAT)
    b.err("pin 123", E_PIN_FORMAT)
    b.ok("pin 1234")
    b.err("pin 9999", E_PIN_SET)  # a stranger cannot replace it
    b.ok("login 1234")
    b.ok("pin 5678")  # a clinician can
    b.ok("logout")
    b.err("login 1234", E_BAD_PIN)
    assert kv(b.ok("login 5678"))["role"] == "clinician"


def test_the_pin_is_stored_only_as_a_salted_hash():
    a, c = MemoryPinStore(), MemoryPinStore()
    Board(store=a).ok("pin 24682468")
    Board(store=c).ok("pin 24682468")
    assert b"24682468" not in a.get()
    assert a.get() != c.get()  # salted: the same PIN stores differently
    b = Board(store=a)  # a board that finds the hash (as after a restart) accepts the PIN
    b.ok("login 24682468")


def test_five_wrong_pins_lock_login_for_15_minutes_then_30():
    b = Board()
    b.ok("pin " + PIN)
    for left in (4, 3, 2, 1):
        reply = b.err("login 0000", E_BAD_PIN)
        assert reply[-1] == "ERR 77 wrong PIN: %d more before login locks" % left
    reply = b.err("login 0000", E_LOGIN_LOCKED)
    assert events(reply, "login-locked")[0].startswith("login-locked s=900")
    b.err("login " + PIN, E_LOGIN_LOCKED)  # even the right PIN, while locked
    b.ok("sim advance %dms" % (15 * MIN_MS - 1))
    assert b.err("login " + PIN, E_LOGIN_LOCKED)[-1].endswith("for 1 s after wrong PINs")
    b.ok("sim advance 1ms")
    for _ in range(4):
        b.err("login 0000", E_BAD_PIN)
    assert "1800 s" in b.err("login 0000", E_LOGIN_LOCKED)[-1]  # doubled
    b.ok("sim advance 30m")
    b.ok("login " + PIN)  # a right PIN clears the count and the doubling
    b.ok("logout")
    for _ in range(4):
        b.err("login 0000", E_BAD_PIN)
    assert "900 s" in b.err("login 0000", E_LOGIN_LOCKED)[-1]


def test_a_wrong_pin_ends_an_open_session():
    b = programmed()
    b.err("login 0000", E_BAD_PIN)
    assert kv(b.ok("whoami"))["role"] == "patient"


def test_session_ends_after_15_minutes_without_a_command_on_the_monotonic_clock():
    b = programmed()
    b.ok("sim advance %dms" % (15 * MIN_MS - 1))
    assert kv(b.ok("whoami"))["role"] == "clinician"  # a command renews it
    reply = b.ok("sim advance 15m")
    assert events(reply, "session-ended")[0].startswith("session-ended reason=timeout")
    b.err("basal 700ug/d", E_ROLE)


def test_setting_the_clock_does_not_end_the_session_and_tick_ends_an_idle_one():
    b = programmed()
    b.ok("time 2030-06-01T12:00:00")
    assert kv(b.ok("whoami"))["session_s"] == "900"
    b.clock.t += 15 * MIN_MS
    b.dev.tick()
    assert events(b.dev.events(), "session-ended")
    b.err("basal 700ug/d", E_ROLE)


def test_login_again_renews_the_session():
    b = programmed()
    b.ok("sim advance 10m")
    b.ok("login " + PIN)
    b.clock.t += 14 * MIN_MS
    b.ok("basal 700ug/d")


def test_patient_lines_and_a_polling_host_never_keep_a_session_open():
    # A forgotten session: the clinician walks away, the patient (or `pumpctl record`,
    # every 30 s) keeps asking; 15 minutes after the last clinician command it ends.
    b = Board()
    b.login()
    b.ok("drug hydromorphone 1000ug/mL")
    ended = []
    for _ in range(103):
        ended += events(b.ok("sim advance 30s"), "session-ended")
        for line in ("status", "alarms", "rx", "whoami", "log 1", "bolus"):
            b.send(line)
    assert len(ended) == 1, ended
    b.err("basal 1500ug/d", E_ROLE)


def test_a_session_ends_an_hour_after_its_login_however_busy():
    b = Board()
    b.login()
    ended = []
    for minute in range(0, 60, 10):
        if minute:
            ended += events(b.ok("sim advance 10m"), "session-ended")
        b.ok("drug hydromorphone 1000ug/mL")  # a clinician's command every 10 min
    assert ended == []
    assert kv(b.ok("whoami"))["session_s"] == "600"  # not 900: the hour is nearly up
    assert events(b.ok("sim advance 10m"), "session-ended")
    b.err("drug hydromorphone 1000ug/mL", E_ROLE)
    b.login()  # a new login is a new hour
    assert kv(b.ok("whoami"))["session_s"] == "900"
