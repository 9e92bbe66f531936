"""The event log read back for `log`: records joined into lines, with their times.
Loaded for the command and dropped after it (app/lazy.py): the Pico's heap keeps only
the writing half (app/events.py)."""
from app.events import RING, _GOES_ON, _MORE
from console.iso_time import format_iso

_CUT = b"~"  # shown after a line whose end was never written


def last(events, n):
    """The newest n entries of `events` (an app.events.Events), oldest first."""
    sink = events.sink
    if sink is not None:
        lines = []
        open_ = False  # the line before goes on in this record
        for _, p in sink.last(sink.size):
            more = p[:1] == _MORE
            if open_ and not more:
                lines[-1] += _CUT  # its end was never written (a power cut)
            if more and lines:
                lines[-1] += p[1:]  # (an older firmware's line goes on unmarked)
            else:
                lines.append(p)  # a new line, or one whose start the ring overwrote
            open_ = lines[-1][-1:] == _GOES_ON
            if open_:
                lines[-1] = lines[-1][:-1]
        if open_:
            lines[-1] += _CUT
        return [_from_sink(p) for p in (lines[-n:] if n > 0 else [])]
    n = n if n < events.count else events.count
    out = []
    for i in range(n):
        out.append(events.ring[(events.next - n + i) % RING])
    return out


def _from_sink(payload):
    """A sink record back as a line: "<text> time=<ISO>"; one that does not parse (written
    by another firmware) is shown as it is rather than dropped."""
    if payload[:1] == _MORE:
        return "~" + payload[1:].decode()  # the end of a line whose start is gone
    try:
        text = payload.decode()
        cut = text.index(" ")
        return "%s time=%s" % (text[cut + 1:], format_iso(int(text[:cut]) * 1000))
    except (ValueError, UnicodeError):
        return "unreadable " + repr(payload)
