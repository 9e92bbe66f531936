"""A refill is reconciled (issue 16, item 5): the clinician says what was withdrawn, the
pump compares it with its count, logs both, and a difference over 15 % of what left
since the fill raises `refill_check`, which waits for an acknowledgement. Runs under
pytest and MicroPython."""
from console_fakes import Board, CASE1_LINES, kv, events
from pump.errors import E_REFILL_WITHDRAWN, E_USAGE


def delivered_a_day():
    """Case 1 filled with 40 mL and run a day (about 0.6 mL out, and the 150 uL prime)."""
    b = Board()
    b.login()
    b.ok("time 2026-01-01T07:00:00")
    for line in CASE1_LINES + ("refill 40mL", "confirm", "prime 150uL", "sim advance 4m",
                               "start", "sim advance 24h"):
        b.ok(line)
    b.login()
    b.ok("stop")
    return b


def test_a_refill_of_a_pump_that_counts_fluid_needs_the_withdrawn_volume():
    b = delivered_a_day()
    counted = b.dev.pump.reservoir.volume_nl()
    reply = b.err("refill 40mL", E_REFILL_WITHDRAWN)
    # Said in the units typed, with what to type next.
    assert "counts 39." in reply[-1] and "mL" in reply[-1] and "withdrawn=" in reply[-1]
    b.err("refill 40mL removed=39mL", E_USAGE)
    assert b.dev.pump.sm.state == "stopped" and b.dev.pump.reservoir.volume_nl() == counted


def test_a_withdrawn_volume_that_matches_is_logged_and_raises_nothing():
    b = delivered_a_day()
    counted = b.dev.pump.reservoir.volume_nl()
    r = kv(b.ok("refill 40mL withdrawn=%dnL" % (counted - 20_000)))  # read 20 uL short
    assert r["withdrawn_nl"] == str(counted - 20_000) and r["old_nl"] == str(counted)
    b.ok("status")  # reading does not cancel it
    got = kv(b.ok("confirm"))
    assert got["withdrawn_off_nl"] == "-20000" and got["new_nl"] == "40000000", got
    assert "refill_check" not in kv(b.ok("status"))["alarms"]
    log = " ".join(b.ok("log 10"))
    assert "refill-check withdrawn_nl=%d counted_nl=%d" % (counted - 20_000, counted) in log


def test_a_withdrawn_volume_far_from_the_count_raises_refill_check_until_acknowledged():
    # A pocket fill, a leak: 300 uL less came out than the pump counts, against ~0.75 mL
    # out since the fill (40 %).
    b = delivered_a_day()
    counted = b.dev.pump.reservoir.volume_nl()
    b.ok("refill 40mL withdrawn=%dnL" % (counted - 300_000))
    reply = b.ok("confirm")
    assert any("alarm name=refill_check" in e for e in events(reply)), reply
    assert "refill_check" in kv(b.ok("status"))["alarms"].split(",")
    b.ok("sim advance 1h")
    b.login()
    assert "refill_check" in kv(b.ok("status"))["alarms"].split(",")  # latched
    b.ok("ack refill_check")
    assert "refill_check" not in kv(b.ok("status"))["alarms"].split(",")
    b.ok("start")  # it stopped nothing: the pump goes on as told


def test_a_cancelled_refill_forgets_its_withdrawn_volume():
    b = delivered_a_day()
    counted = b.dev.pump.reservoir.volume_nl()
    b.ok("refill 40mL withdrawn=%dnL" % (counted - 300_000))
    b.err("start", 81)  # cancels
    b.ok("refill 40mL withdrawn=%dnL" % counted)
    got = kv(b.ok("confirm"))
    assert got["withdrawn_off_nl"] == "0", got
    assert "refill_check" not in kv(b.ok("status"))["alarms"]
