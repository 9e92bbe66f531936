"""Event lines: what the pump and the device note, as `! <kind> key=value ... time=<ISO>`,
kept for the control loop to print and in a bounded ring for `log`.

Both stores are bounded: a console nobody reads, or a month of simulated time, must not
fill the heap. When the unread events overflow, the oldest go and the next line read says
how many were dropped (the ring still holds the newest).

With a sink (store/ring.py's EventLog on flash) the ring is the sink: each entry is one
record, "<wall seconds> <text>", so `log` reads back across resets. A line too long for a
record goes on in the next records, each "+<more text>", and `log` joins them: a logged
change is never cut (a refill of a three-drug mix filled two records). If the ring has
already overwritten a line's first record, what is left of it reads "~<more text>". A
write that fails is counted, never raised: the log informs, and losing a line must not
stop a dose."""
from micropython import const
from console.iso_time import format_iso
from console.messages import name as code_name

RING = const(64)  # `log` shows at most this many, newest last
PENDING = const(64)
_MORE = b"+"  # a record that goes on with the line before it (a record starts with digits)
# The last byte of a record whose line goes on in the next: one the console never takes
# in a line (ERR 73), so no text ends with it. Without it, a power cut between two
# records of a line left its start, which read as a whole line (an audit, issue 15).
_GOES_ON = b"\x1f"


def _word(code):
    return code_name(code).replace(" ", "-")


def pump_note(kind, values):
    """Text of one note from Pump._note(t, kind, values), without its time."""
    n = len(values)
    if kind == "alarm" and n == 1:
        return "alarm name=%s" % values[0]
    if kind == "state" and n == 2:
        return "state old=%s new=%s" % values
    if kind == "bolus" and n == 2:
        return "bolus dose_ng=%d by=%s" % (values[0], "clinician" if values[1] else "patient")
    if kind == "bolus_done":
        return "bolus-done"
    if kind == "refused" and n == 1:
        return "refused code=%d reason=%s" % (values[0], _word(values[0]))
    if kind == "primed" and n == 1:
        return "primed volume_nl=%d" % values[0]
    if kind == "relief" and n == 2:
        return "relief volume_nl=%d steps=%d" % values
    if kind == "refill" and n == 2:
        return "refill volume_nl=%d conc_ng_ml=%d" % values
    if kind == "decommissioned":
        return "decommission rx=cleared"
    if kind == "line-new" and n == 1:
        return "line new was_nl=%d" % values[0]
    if kind == "program" and n == 2:
        return "program drug=%s first=%d" % (values[0], 1 if values[1] else 0)
    return " ".join([kind] + [str(v) for v in values])  # a note this file has no form for


class Events:
    def __init__(self, sink=None):
        self.sink = sink
        self.sink_failures = 0
        self.ring = [None] * RING
        self.next = 0  # ring slot written next
        self.count = 0  # entries in the ring
        self.pending = []
        self.dropped = 0

    def emit(self, text, wall_ms):
        """An event: shown as a `! ` line and kept in the ring."""
        self.keep(text, wall_ms)
        line = "%s time=%s" % (text, format_iso(wall_ms))
        if len(self.pending) >= PENDING:
            self.pending.pop(0)
            self.dropped += 1
        self.pending.append("! " + line)

    def record(self, text, wall_ms):
        """A change already shown in its reply: kept in the ring only."""
        self.keep(text, wall_ms)

    def keep(self, text, wall_ms):
        if self.sink is not None:
            self._to_sink(text, wall_ms)
            return
        self.ring[self.next] = "%s time=%s" % (text, format_iso(wall_ms))
        self.next = (self.next + 1) % RING
        if self.count < RING:
            self.count += 1

    def take(self):
        out = self.pending
        if self.dropped:
            out.insert(0, "! dropped count=%d" % self.dropped)
            self.dropped = 0
        self.pending = []
        return out

    def _to_sink(self, text, wall_ms):
        body = ("%d %s" % (wall_ms // 1000, text)).encode()
        width = self.sink.width
        head = b""
        while True:
            room = width - len(head)
            if len(body) > room:
                part, body = head + body[:room - 1] + _GOES_ON, body[room - 1:]
            else:
                part, body = head + body, b""
            try:
                self.sink.append(part)
            except OSError:
                self.sink_failures += 1
                return  # the rest of a line whose start is lost would mislead
            if not body:
                return
            head = _MORE

    def last(self, n):
        """The newest n entries, oldest first (app/log_read.py: loaded for `log` only)."""
        from app.log_read import last
        return last(self, n)
