"""`pumpctl record`: play a `.pump` script and write a delivery log (docs/reports.md).

The board keeps no long step log (its `log` is a 64-entry ring), so the host keeps one: a
`status` reading every SAMPLE_MS of pump time while time passes, and every `! ` event
line the board prints. On the virtual Pico a script's `sim advance X` is sent as slices
of SAMPLE_MS, each followed by `status`; on a real board (no `sim`), `sim advance X`
means "wait X of wall time", reading `status` every SAMPLE_MS of it.

Never sends a reading between `refill` and its `confirm` (any line there cancels the
refill), and never sends anything the script did not ask for except `status` and the
time slices. Readings are the board's own words and numbers, kept as the board said them;
the maths lives in delivery_log.py and trumpet.py."""
import json
import time
from datetime import datetime, timezone

from pumpctl import pins
from pumpctl.client import ReplyTimeout
from pumpctl.durations import advance_of, duration_ms  # noqa: F401 (--then, its tests)

FORMAT = "pumpctl-delivery-log"
VERSION = 1
SAMPLE_MS = 30_000  # IEC 60601-2-24 reads the balance every 30 s
BALANCE_MG_ML_X10 = 9982  # water at 20 C, 998.2 mg/mL: report's --density default


def _seconds(t_ms):
    whole, ms = divmod(t_ms, 1000)
    return "%d.%03d" % (whole, ms) if ms else "%d" % whole


def typed(value):
    """Board words as JSON values: whole numbers become ints, the rest stays text."""
    return int(value) if value.isdigit() else value


def iso_ms(iso):
    """`YYYY-MM-DDTHH:MM:SS` (UTC, as the board prints) -> ms since 1970, or None."""
    if not isinstance(iso, str) or len(iso) != 19 or iso[4::3] != "--T::" \
            or not (iso[:4] + iso[5:7] + iso[8:10] + iso[11:13] + iso[14:16]
                    + iso[17:]).isdigit():
        return None
    try:  # by hand, not strptime: a month's log holds 170 000 of them
        d = datetime(int(iso[:4]), int(iso[5:7]), int(iso[8:10]), int(iso[11:13]),
                     int(iso[14:16]), int(iso[17:]), tzinfo=timezone.utc)
    except ValueError:
        return None
    return int(d.timestamp()) * 1000


class Recorder:
    """Plays steps on a client and writes the log to `out` (a text file), one JSON object
    a line. sim=True: the virtual Pico (time moves by slices); False: a real board."""

    def __init__(self, client, out, sim=True, sample_ms=SAMPLE_MS, timeout=30.0,
                 progress=None, echo=None, sleep=time.sleep, clock=time.monotonic,
                 balance_out=None):
        self.client = client
        self.out = out
        # The virtual Pico's balance under the outlet (`sim balance`), read after every
        # reading into a `time_s,mass_mg` CSV that `pumpctl report --balance` takes.
        self.balance_out = balance_out if sim else None
        self._weighed_at = None
        if self.balance_out is not None:
            self.balance_out.write("time_s,mass_mg\n")
        self.sim = sim
        self.sample_ms = sample_ms
        self.timeout = timeout
        self.progress = progress
        self.echo = echo  # called with each transcript line, or None
        self.sleep = sleep
        self.clock = clock
        self.t_ms = 0  # the log's time: pump uptime, stitched across reboots
        self._boot_base = 0
        self._last_uptime = None
        self._offset = None  # wall ms - log ms, from the last reading
        self._pending = []  # events not yet placed in time
        self.surprises = []
        self.samples = 0
        self.events_written = 0
        self.done_ms = 0
        self.total_ms = 0
        self.state = "?"
        self.refill_pending = False

    # ----- writing -----
    def _write(self, obj):
        self.out.write(json.dumps(obj, separators=(",", ":")) + "\n")

    def header(self, **info):
        self._write(dict(type="header", format=FORMAT, version=VERSION,
                         sample_ms=self.sample_ms, source="virtual-pico" if self.sim else
                         "port", recorded_at=datetime.now(timezone.utc).strftime(
                             "%Y-%m-%dT%H:%M:%SZ"), **info))

    def _say(self, line):
        if self.echo is not None:
            self.echo(line)

    # ----- talking to the board -----
    def _send(self, line):
        try:
            reply = self.client.command(line, timeout=self.timeout)
        except ReplyTimeout as e:
            for got in e.lines:
                self._say(got)
            raise
        self._take_events(reply.events)
        if self.client.reboot_pending:  # `sim power-cut`: the boot comes before anything
            ready = self.client.wait_ready(self.timeout)
            self._take_events([e for e in self.client.seen_before_ready
                               if e.startswith("! ")] + [ready])
        return reply

    def _take_events(self, lines):
        for line in lines:
            self._say(line)
            words = line[2:].split()
            kind = words[0] if words else ""
            fields = {k: typed(v) for k, _, v in (w.partition("=") for w in words[1:])
                      if k}
            self._pending.append(dict(type="event", kind=kind, fields=fields, line=line))

    def sample(self):
        """One `status` reading; places the events that came since the last one."""
        reply = self._send("status")
        if not reply.ok:
            self._flush_events(self.t_ms)
            return reply
        fields = dict(reply.fields)
        for data in reply.lines:
            words = data.split()
            if words and words[0] == "delivery":
                fields.update(w.partition("=")[::2] for w in words[1:])
        uptime = int(fields["uptime_ms"]) if fields.get("uptime_ms", "").isdigit() else None
        before = self.t_ms
        if uptime is not None:
            if self._last_uptime is not None and uptime < self._last_uptime:
                self._boot_base = self.t_ms  # a reboot: its uptime starts again near 0
            self._last_uptime = uptime
            self.t_ms = self._boot_base + uptime
        wall = iso_ms(fields.get("time"))
        if wall is not None:
            self._offset = wall - self.t_ms
        self._flush_events(before)
        self.state = fields.get("state", "?")
        self._write(dict(type="sample", t_ms=self.t_ms,
                         **{k: typed(v) for k, v in fields.items()}))
        self.samples += 1
        if self.balance_out is not None and self.t_ms != self._weighed_at:
            self._weighed_at = self.t_ms  # one weighing an instant: the report needs that
            self._weigh()
        return reply

    def _weigh(self):
        """What the simulated balance holds now, as mass of water at 20 C, exactly: nL x
        998.2 mg/mL is a decimal of at most 7 places (an ideal balance, no noise)."""
        reply = self._send("sim balance")
        nl = reply.fields.get("balance_nl", "") if reply.ok else ""
        if nl.isdigit():
            mg_x10m = int(nl) * BALANCE_MG_ML_X10  # 1e-7 mg
            self.balance_out.write("%s,%d.%07d\n" % (_seconds(self.t_ms),
                                                      *divmod(mg_x10m, 10_000_000)))

    def _flush_events(self, since_ms):
        """Events carry the wall time to the second; place each on the log's axis between
        the reading before and the one after them."""
        for ev in self._pending:
            t = self.t_ms
            wall = iso_ms(ev["fields"].get("time"))
            if wall is not None and self._offset is not None:
                t = min(max(wall - self._offset, since_ms), self.t_ms)
            ev["t_ms"] = t
            self._write(ev)
            self.events_written += 1
        self._pending = []

    # ----- playing -----
    def advance(self, ms):
        """Let `ms` of pump time pass, reading status every sample_ms of it."""
        left = ms
        while left > 0:
            step = min(self.sample_ms, left)
            if self.sim:
                reply = self._send("sim advance %dms" % step)
                if not reply.ok:
                    return reply
            else:
                self._wait_wall(step)
            left -= step
            self.done_ms += step
            self.sample()
            self._show()
        return None

    def _wait_wall(self, ms):
        end = self.clock() + ms / 1000
        while True:
            left = end - self.clock()
            if left <= 0:
                return
            self.sleep(min(left, 1.0))
            self._show()

    def _show(self):
        if self.progress is not None:
            self.progress.update(self.done_ms, "%s of %s  %s  %d readings" % (
                hms(self.done_ms), hms(self.total_ms), self.state, self.samples))

    def play(self, steps, then_ms=0):
        """Play every step (script.Step); then let then_ms more pass. Returns surprises:
        (step, why) for each line not answered as written."""
        self.total_ms = sum(advance_of(s.send) or 0 for s in steps) + then_ms
        if self.progress is not None:
            self.progress.total = self.total_ms
        self.sample()
        for step in steps:
            if not step.send:
                continue
            self._say("> " + step.echoed())
            if step.unsendable:  # never sent: that line's surprise, and the script goes on
                self._say(step.unsendable)
                self.surprises.append((step, step.unsendable))
                continue
            ms = advance_of(step.send)
            if ms is not None and not self.refill_pending:
                reply = self.advance(ms)
                self._command(step, reply)
                continue
            reply = self._send(step.send)
            for line in reply.received:
                if not line.startswith("! "):  # events were shown as they were taken
                    self._say(line)
            self.refill_pending = reply.ok and reply.fields.get("confirm") == "required"
            self._command(step, reply)
        if then_ms:
            self._command(None, self.advance(then_ms))
        if not self.refill_pending:
            self.sample()
        self._flush_events(self.t_ms)
        return self.surprises

    def _command(self, step, reply):
        """Judge a script line (reply None: a time slice loop that went through)."""
        ok = reply is None or reply.ok
        final = "OK" if reply is None else reply.final
        if step is None:
            if not ok:
                self.surprises.append((None, "got " + final))
            return
        self._flush_events(self.t_ms)
        self._write(dict(type="command", t_ms=self.t_ms, line=step.number,
                         send=pins.redact(step.send), final=final, ok=ok,
                         expect_err=step.expect_err))
        if step.expect_err and ok:
            self.surprises.append((step, "expected ERR, got OK"))
        elif not step.expect_err and not ok:
            self.surprises.append((step, "got " + final))


def hms(ms):
    s = ms // 1000
    d, s = divmod(s, 86_400)
    text = "%d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60)
    return ("%dd " % d + text) if d else text
