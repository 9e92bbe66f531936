"""Serial bytes into command lines: CR, LF and CR LF end a line once; Ctrl-C stands alone;
an over-long line is refused whole, never cut into lines; half a line then silence is
reported. Runs under pytest and MicroPython."""
from app import lines
from app.lines import LineReader


def _feed(reader, data, now=0):
    kinds = []
    for b in data:
        k = reader.feed(b, now)
        if k == lines.LINE:
            kinds.append(reader.line())
        elif k is not None:
            kinds.append(k)
    return kinds


def test_each_line_end_counts_once():
    r = LineReader()
    assert _feed(r, b"status\r\nbolus\nalarms\r") == [b"status", b"bolus", b"alarms"]
    assert _feed(r, b"\n") == []  # the LF of a CR LF split across reads
    assert _feed(r, b"\n") == [b""]  # a real empty line still gets its answer


def test_ctrl_c_is_its_own_event_and_drops_the_half_line():
    r = LineReader()
    assert _feed(r, b"sta\x03tus\n") == [lines.INTERRUPT, b"tus"]


def test_a_line_of_exactly_max_bytes_passes_and_one_more_is_refused_whole():
    r = LineReader()
    ok = b"a" * lines.MAX
    assert _feed(r, ok + b"\n") == [ok]
    long = b"basal 00:00=1ug/d " + b"9" * lines.MAX + b"\nstatus\n"
    # No tail of the long line is ever taken as a command of its own.
    assert _feed(r, long) == [lines.OVERLONG, b"status"]


def test_half_a_line_then_silence_is_reported_once():
    r = LineReader()
    _feed(r, b"ptm 30u", now=1_000)
    assert r.check_silence(1_000 + lines.SILENCE_MS - 1) is None
    assert r.check_silence(1_000 + lines.SILENCE_MS) == lines.STALE
    assert r.check_silence(1_000 + 2 * lines.SILENCE_MS) is None
    assert _feed(r, b"g\n", now=50_000) == [b"g"]  # the rest does not join the old half


def test_silence_with_nothing_typed_is_not_an_error():
    r = LineReader()
    assert r.check_silence(10 * lines.SILENCE_MS) is None


def test_backspace_and_del_take_back_the_last_byte():
    # Backspace in a plain terminal made the line fail (ERR 73, not printable).
    r = LineReader()
    assert _feed(r, b"stau\x08tus\n") == [b"status"]
    assert _feed(r, b"bolsu\x7f\x7fus\r\n") == [b"bolus"]
    assert _feed(r, b"\x08\x7fok\n") == [b"ok"]  # nothing to take back: nothing
