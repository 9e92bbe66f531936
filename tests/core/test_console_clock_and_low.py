"""Warnings a clinician cannot switch off by accident (issue 14, items 9 and 10): only
`time` ends the clock alarm, and the low-reservoir warning cannot be set to nothing.
Through the whole console, on a simulated flash. Runs under pytest and MicroPython."""
from console_fakes import Board, kv
from pump.errors import E_ACK_CLOCK, E_LOW_ALARM_MIN
from store.persist import Persist
from store.sim_flash import SimFlash

HYDROMORPHONE = ("drug hydromorphone 1000ug/mL", "basal 700ug/d", "ptm 30ug lockout=1h max=7",
                 "reservoir-alarm 2mL", "capacity 40mL")


def board(flash=None):
    return Board(persist=None if flash is None else Persist(flash))


def names(b):
    a = kv(b.ok("status"))["alarms"]
    return [] if a == "-" else a.split(",")


def running(flash):
    b = board(flash)
    b.login()
    b.ok("time 2026-01-01T07:00:00")
    for line in HYDROMORPHONE + ("refill 40mL", "confirm", "prime 150uL", "sim advance 4m"):
        b.ok(line)
    b.login()
    b.ok("start")
    return b


# ----- item 9: only `time` ends the clock alarm -----
def test_ack_clock_is_refused_and_only_time_ends_it():
    flash = SimFlash()
    running(flash).ok("sim advance 1h")
    b = board(SimFlash(flash.files))  # power off and on
    b.login()
    reply = b.err("ack clock", E_ACK_CLOCK)
    assert "time" in reply[-1] and "confirm" in reply[-1]
    assert "clock" in names(b)
    b.ok("time 2026-01-01T08:10:00")
    assert "clock" not in names(b)


# ----- item 10: the low-reservoir warning cannot be set to nothing -----
def test_a_reservoir_alarm_under_the_minimum_is_refused_in_the_units_typed():
    b = board()
    b.login()
    for line in HYDROMORPHONE:
        b.ok(line)
    reply = b.err("reservoir-alarm 0mL", E_LOW_ALARM_MIN)
    assert "0mL" in reply[-1] and "0.048mL" in reply[-1]
    reply = b.err("reservoir-alarm 47uL", E_LOW_ALARM_MIN)
    assert "47uL" in reply[-1] and "48uL" in reply[-1]
    assert "reservoir-alarm 2000000" in b.ok("rx")
    b.ok("reservoir-alarm 48uL")
    assert "reservoir-alarm 48000" in b.ok("rx")
