"""Priming a clinician can always finish, and a catheter change (issue 16, item 6): `prime`
alone fills what is left, every priming refusal names amounts that work, and `line new
confirm` empties the line so start waits for a prime. Runs under pytest and MicroPython."""
from console_fakes import Board, CASE1_LINES, kv
from pump.errors import E_INVALID_EVENT, E_NOT_PRIMED, E_PRIME_LIMIT, E_USAGE


def filled():
    b = Board()
    b.login()
    b.ok("time 2026-01-01T07:00:00")
    for line in CASE1_LINES:
        b.ok(line)
    b.ok("refill 40mL")
    b.ok("confirm")
    return b


def test_two_primes_that_leave_a_remainder_are_finished_by_prime_alone():
    b = filled()
    b.ok("prime 100uL")
    b.ok("sim advance 4m")
    b.ok("prime 49uL")
    b.ok("sim advance 4m")
    reply = b.err("prime 2uL", E_PRIME_LIMIT)
    # The refusal names the room and the step: amounts that work.
    assert "room for" in reply[-1] and "steps of 1.4uL" in reply[-1], reply
    assert "`prime` alone" in reply[-1], reply
    got = kv(b.ok("prime"))
    assert int(got["steps"]) >= 1 and got["new"] == "priming", got
    b.ok("sim advance 4m")
    b.ok("start")


def test_line_new_asks_first_then_empties_the_line_and_start_waits_for_a_prime():
    b = filled()
    b.ok("prime")
    b.ok("sim advance 4m")
    b.ok("start")
    b.err("line new confirm", E_INVALID_EVENT)  # running: the line is not touched
    b.ok("stop")
    asked = kv(b.ok("line new"))
    assert asked["confirm"] == "required" and int(asked["filled_nl"]) > 148_000, asked
    b.err("line old confirm", E_USAGE)
    got = kv(b.ok("line new confirm"))
    assert got["filled_nl"] == "0" and int(got["was_nl"]) > 148_000, got
    b.err("start", E_NOT_PRIMED)
    assert any("line new was_nl=" in e for e in b.ok("log 5")), "not logged"
    b.ok("prime")
    b.ok("sim advance 4m")
    b.ok("start")
