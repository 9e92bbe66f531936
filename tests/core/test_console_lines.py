"""Any line at all gets exactly one final OK or ERR, a bad one changes nothing, and the
console never raises. Runs under pytest and MicroPython."""
from console_fakes import Board, CASE1_LINES, events, kv, programmed, running
from pump.errors import (E_INTERNAL, E_LINE_TOO_LONG, E_NOT_ASCII, E_REFILL_CANCELLED,
                         E_UNKNOWN_COMMAND, E_USAGE, E_BAD_UNIT, E_RANGE, E_UNKNOWN_DRUG)


def _snapshot(b):
    p = b.dev.pump
    return (p.sm.state, p.reservoir.volume_vu, p.rx, b.dev.draft, p.wall_offset_ms,
            p.steps_issued, tuple(p.alarms.active()), b.dev.auth.session_until,
            b.guard.max_hour, b.guard.max_day)


def test_junk_overlong_and_non_ascii_lines_get_err_and_change_nothing():
    b = running()
    before = _snapshot(b)
    for line, code in ((b"\xff\xfe", E_NOT_ASCII), (b"status\x00", E_NOT_ASCII),
                       (b"basal 700ug/d\x1b[A", E_NOT_ASCII),
                       ("basal 00:00=600ug/d " + "x" * 190, E_LINE_TOO_LONG),
                       (b"frobnicate 12", E_UNKNOWN_COMMAND),
                       (b"basal 600", E_BAD_UNIT), (b"drug ketamine 1mg/mL", E_UNKNOWN_DRUG),
                       (b"basal 00:00=600ug/d 08:00", E_USAGE), (b"status now", E_USAGE),
                       (b"reservoir-alarm 41mL", 39), (b"ptm 30ug lockout=1h", E_USAGE),
                       (b"time 2026-02-30T08:00:00", E_RANGE), (b"prime -5uL", 10)):
        b.err(line, code)
        assert _snapshot(b)[:7] == before[:7], line


def test_a_line_of_exactly_200_bytes_is_read_and_201_is_refused():
    b = Board()
    assert b.err("help " + "x" * 195, E_UNKNOWN_COMMAND)  # 200 bytes: read, then judged
    reply = b.err("help " + "x" * 196, E_LINE_TOO_LONG)
    assert reply[-1] == "ERR 72 line of 201 bytes is too long: at most 200"


def test_an_empty_line_is_ok_and_a_trailing_cr_is_ignored():
    b = Board()
    assert b.send(b"") == ["OK"]
    assert b.send(b"   ") == ["OK"]
    assert kv(b.send(b"status\r"))["state"] == "unprogrammed"


def test_command_words_are_case_insensitive_and_tabs_separate():
    b = Board()
    assert kv(b.ok(b"STATUS"))["state"] == "unprogrammed"
    assert b.ok(b"help\tstatus")[0].startswith("status")


def test_any_other_line_cancels_a_pending_refill_and_is_not_run():
    b = programmed()
    b.ok("refill 40mL")
    reply = b.err("start", E_REFILL_CANCELLED)
    assert events(reply, "refill-cancelled")
    assert b.dev.pump.sm.state == "stopped" and b.dev.pump.reservoir.volume_nl() == 0
    b.err("confirm", 63)  # nothing left to confirm
    b.ok("refill 40mL")
    b.err(b"\xff", E_REFILL_CANCELLED)  # junk cancels too
    assert b.dev.pump.reservoir.volume_nl() == 0
    b.ok("refill 40mL")
    b.ok("")  # an empty line is not a line that cancels
    for line in ("status", "rx", "alarms", "log 3", "help", "whoami", "mem"):
        b.ok(line)  # nor is one that only reads (issue 16): the clinician checks first
    assert kv(b.ok("confirm"))["new_nl"] == "40000000"


def test_an_unexpected_exception_becomes_err_82_and_the_console_answers_on():
    b = programmed()

    def broken(*_):
        raise ValueError("bug")

    b.dev.pump.status = broken  # a bug in the status view
    assert b.send("status")[-1] == "ERR %d internal error: ValueError" % E_INTERNAL
    del b.dev.pump.status
    assert kv(b.ok("status"))["state"] == "stopped"


def test_every_reply_has_exactly_one_final_line_for_many_odd_lines():
    b = programmed()
    odd = [b"", b" ", b"ok", b"OK", b"ERR 1", b"! alarm", b"help help help", b"log 0",
           b"log 65", b"log x", b"sim", b"sim advance", b"sim advance -1h", b"sim fly",
           b"ack nothing", b"login", b"pin", b"bolus 1", b"basal =", b"basal 25:00=1ug/d",
           b"drug hydromorphone", b"ptm off off", b"capacity 0mL", b"time now",
           b"refill 1000mL", b"\t", b"=", b"-", b"status\r\r"]
    for line in odd:
        b.send(line)  # Board.send asserts the shape: events, data, one final line
    for line in CASE1_LINES:
        b.ok(line)
