"""A delivery log (written by record.py, format in docs/reports.md) read back, and the
totals it gives: programmed and delivered dose, volume by steps, boluses, refusals.

Pure: no plotting, no board. Exact where it matters: volumes from steps are Fractions of
nL (steps x step_nl_num / step_nl_den), the programmed dose a Fraction of ng (from pg).
Never guesses a number the log does not hold; a missing one is None."""
import json
from fractions import Fraction

from pumpctl.record import FORMAT, iso_ms

DELIVERING = ("running", "bolusing")


class LogError(Exception):
    pass


class Sample:
    """One `status` reading. Numbers are ints (None where the board said `-`)."""

    def __init__(self, row, seq=0):
        self.row = row
        self.seq = seq  # its place in the file: the order things happened in
        self.t_ms = row["t_ms"]
        self.state = row.get("state", "?")
        self.reservoir_nl = _int(row.get("reservoir_nl"))
        self.delivered_ng = _int(row.get("delivered_ng"))
        self.basal_ng_d = _int(row.get("basal_ng_d"))
        self.steps = _int(row.get("steps"))
        self.ideal_pg = _int(row.get("ideal_pg"))
        self.conc_ng_ml = _int(row.get("conc_ng_ml"))
        self.low_nl = _int(row.get("low_nl"))
        num, den = _int(row.get("step_nl_num")), _int(row.get("step_nl_den"))
        self.step_nl = Fraction(num, den) if num and den else None
        self.wall_ms = iso_ms(row.get("time"))
        self.low_alarm_ms = iso_ms(row.get("low_alarm_at"))
        alarms = row.get("alarms", "-")
        self.alarms = [] if alarms in ("-", "", None) else str(alarms).split(",")

    @property
    def ideal_ng(self):
        return None if self.ideal_pg is None else Fraction(self.ideal_pg, 1000)


class Event:
    def __init__(self, row, seq=0):
        self.seq = seq
        self.t_ms = row["t_ms"]
        self.kind = row["kind"]
        self.fields = row.get("fields", {})
        self.line = row.get("line", "")


class DeliveryLog:
    def __init__(self, header, samples, events, commands):
        self.header = header
        self.samples = samples
        self.events = events
        self.commands = commands

    def events_of(self, *kinds):
        return [e for e in self.events if e.kind in kinds]

    def span_ms(self):
        if not self.samples:
            return 0
        return self.samples[-1].t_ms - self.samples[0].t_ms

    def wall_offset_ms(self):
        """Wall ms minus log ms, from the last reading (after any `time` command)."""
        for s in reversed(self.samples):
            if s.wall_ms is not None:
                return s.wall_ms - s.t_ms
        return None


def read(path):
    with open(path) as f:
        return parse(f)


def parse(lines):
    header, samples, events, commands = None, [], [], []
    for number, text in enumerate(lines, 1):
        if not text.strip():
            continue
        try:
            row = json.loads(text)
        except ValueError as e:
            raise LogError("line %d is not JSON: %s" % (number, e)) from e
        kind = row.get("type")
        if kind == "header":
            if row.get("format") != FORMAT:
                raise LogError("line %d: not a %s" % (number, FORMAT))
            header = row
        elif kind == "sample":
            samples.append(Sample(row, number))
        elif kind == "event":
            events.append(Event(row, number))
        elif kind == "command":
            commands.append(row)
        # other types: from a newer recorder; skipped, so old readers still work
    if header is None:
        raise LogError("no header line: not a delivery log")
    samples.sort(key=lambda s: (s.t_ms, s.seq))
    events.sort(key=lambda e: (e.t_ms, e.seq))
    return DeliveryLog(header, samples, events, commands)


def _int(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def delivery_steps(log):
    """Motor steps issued for the patient: the steps between consecutive readings of
    which either is in a delivering state and neither is priming (a start or a stop
    part-way through the interval still delivered in it; priming fills the line)."""
    total = 0
    for a, b in zip(log.samples, log.samples[1:]):
        if a.steps is None or b.steps is None or b.steps < a.steps:
            continue  # unknown, or a reboot between them
        states = (a.state, b.state)
        if "priming" not in states and (a.state in DELIVERING or b.state in DELIVERING):
            total += b.steps - a.steps
    return total


def totals(log):
    """The numbers of the summary table. Dose in ng, volume in nL, as exact values."""
    s = log.samples
    if not s:
        raise LogError("the log holds no status readings")
    first, last = s[0], s[-1]
    out = {"span_ms": log.span_ms(), "readings": len(s)}
    out["delivered_ng"] = _diff(first.delivered_ng, last.delivered_ng)
    out["programmed_ng"] = _diff(first.ideal_ng, last.ideal_ng)
    step_nl = last.step_nl
    steps = delivery_steps(log)
    out["delivery_steps"] = steps
    out["delivery_nl"] = None if step_nl is None else steps * step_nl
    out["reservoir_start_nl"] = first.reservoir_nl
    out["reservoir_end_nl"] = last.reservoir_nl
    granted = log.events_of("bolus")
    out["boluses"] = len(granted)
    out["boluses_patient"] = sum(1 for e in granted if e.fields.get("by") == "patient")
    out["bolus_ng"] = sum(_int(e.fields.get("dose_ng")) or 0 for e in granted)
    refused = log.events_of("refused")
    out["refused"] = len(refused)
    reasons = {}
    for e in refused:
        why = str(e.fields.get("reason", e.fields.get("code", "?")))
        reasons[why] = reasons.get(why, 0) + 1
    out["refused_by_reason"] = reasons
    out["alarms"] = [e.fields.get("name") for e in log.events_of("alarm")]
    out["errors"] = [str(e.fields.get("type", e.fields.get("code", "?")))
                     for e in log.events_of("error")]
    out["low_nl"] = last.low_nl
    out["low_alarm_ms"] = last.low_alarm_ms
    return out


def _diff(a, b):
    return None if a is None or b is None else b - a
