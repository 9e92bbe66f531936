"""Event lines: what the pump and the console note, as `! <kind> key=value ... time=<ISO>`,
kept for the control loop to print and in a bounded ring for `log`.

Both stores are bounded: a console nobody reads, or a month of simulated time, must not
fill the heap. When the unread events overflow, the oldest go and the next line read says
how many were dropped (the ring still holds the newest)."""
from micropython import const
from console.civil import format_iso
from console.messages import name as code_name

RING = const(64)  # `log` shows at most this many, newest last
PENDING = const(64)


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
    if kind == "refill" and n == 2:
        return "refill volume_nl=%d conc_ng_ml=%d" % values
    if kind == "program" and n == 2:
        return "program drug=%s first=%d" % (values[0], 1 if values[1] else 0)
    return " ".join([kind] + [str(v) for v in values])  # a note this file has no form for


class Notes:
    def __init__(self):
        self.ring = [None] * RING
        self.next = 0  # ring slot written next
        self.count = 0  # entries in the ring
        self.pending = []
        self.dropped = 0

    def emit(self, text, wall_ms):
        """An event: shown as a `! ` line and kept in the ring."""
        line = "%s time=%s" % (text, format_iso(wall_ms))
        self.keep(line)
        if len(self.pending) >= PENDING:
            self.pending.pop(0)
            self.dropped += 1
        self.pending.append("! " + line)

    def record(self, text, wall_ms):
        """A change already shown in its reply: kept in the ring only."""
        self.keep("%s time=%s" % (text, format_iso(wall_ms)))

    def keep(self, line):
        self.ring[self.next] = line
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

    def last(self, n):
        """The newest n ring entries, oldest first."""
        n = n if n < self.count else self.count
        out = []
        for i in range(n):
            out.append(self.ring[(self.next - n + i) % RING])
        return out
