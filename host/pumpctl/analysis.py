"""Everything a report shows, worked out from a delivery log (and a balance's readings):
the totals, the trumpet curves, and the time series the plots draw.

Pure: no matplotlib, no files written. The numbers in the summary stay exact (Fractions)
until the report formats them; the plotted series are floats, which is all a picture
needs."""
from datetime import datetime, timezone
from fractions import Fraction

from pumpctl import delivery_log, resample, trumpet
from pumpctl.balance import WATER_MG_ML


class Curve:
    """A trumpet curve and its overall error A, from one source ("steps", "balance")."""

    def __init__(self, source, rows, overall, intervals):
        self.source = source
        self.rows = rows  # [trumpet.Window]
        self.overall = overall  # Fraction of a percent, or None
        self.intervals = intervals  # steady 30 s intervals the curve is built on


class Analysis:
    def __init__(self, log, totals, curves, grid_ms):
        self.log = log
        self.totals = totals
        self.curves = curves
        self.grid_ms = grid_ms


def analyse(log, balance=None, density_mg_ml=WATER_MG_ML, interval_ms=trumpet.INTERVAL_MS,
            windows_min=trumpet.WINDOWS_MIN):
    """balance: [(t_ms, mass_mg)] on the log's time axis, or None."""
    totals = delivery_log.totals(log)
    samples = log.samples
    grid_ms = resample.grid(samples[0].t_ms, samples[-1].t_ms, interval_ms)
    steady = resample.steady_intervals(log, grid_ms)
    programmed = trumpet.increments(resample.series(log, resample.programmed_volume_nl,
                                                    grid_ms))
    curves = [_curve("steps", trumpet.increments(
        resample.series(log, resample.step_volume_nl, grid_ms)), programmed, steady,
        interval_ms, windows_min)]
    if balance is not None:
        weighed = trumpet.increments(resample.balance_volume_nl(balance, density_mg_ml,
                                                                grid_ms))
        curves.append(_curve("balance", weighed, programmed, steady, interval_ms,
                             windows_min))
    return Analysis(log, totals, curves, grid_ms)


def _curve(source, delivered, programmed, steady, interval_ms, windows_min):
    rows = trumpet.trumpet(delivered, programmed, steady, interval_ms, windows_min)
    overall = trumpet.overall_error(delivered, programmed, steady)
    used = sum(1 for d, p, ok in zip(delivered, programmed, steady)
               if ok and d is not None and p is not None)
    return Curve(source, rows, overall, used)


# ----- series for the plots (floats) -----
def hours(t_ms):
    return t_ms / 3_600_000


def dose_series(log):
    """(hours, programmed ug, delivered ug) since the first reading that has both."""
    xs, prog, done = [], [], []
    base = None
    for s in log.samples:
        if s.ideal_pg is None or s.delivered_ng is None:
            continue
        if base is None:
            base = (s.ideal_pg, s.delivered_ng)
        xs.append(hours(s.t_ms))
        prog.append((s.ideal_pg - base[0]) / 1e6)
        done.append((s.delivered_ng - base[1]) / 1e3)
    return xs, prog, done


def reservoir_series(log):
    """(hours, mL) from the first refill on: before it the reservoir is only empty, and
    the jump of the first fill would flatten the day that matters."""
    refills = log.events_of("refill")
    start = refills[0].t_ms if refills else None
    xs, ml = [], []
    for s in log.samples:
        if s.reservoir_nl is None or (start is not None and s.t_ms < start):
            continue
        if start is not None and s.t_ms == start and s.seq < refills[0].seq:
            continue  # the reading just before the refill, at the same instant
        xs.append(hours(s.t_ms))
        ml.append(s.reservoir_nl / 1e6)
    return xs, ml


def reservoir_range(ml):
    """(bottom, top) of the reservoir axis: what the readings spanned (a day of 0.7 mL
    out of 40 mL is a visible slope, not a flat line at the top), a margin of a tenth
    either side, and never under 0. A flat line gets 1 % of its level (or 0.1 mL)."""
    lo, hi = min(ml), max(ml)
    pad = (hi - lo) / 10 or max(hi / 100, 0.1)
    return max(lo - pad, 0), hi + pad


def injected_faults(log):
    """[(t_ms, name)] of every `sim fault <name>` the script sent (the virtual Pico's
    faults; a real board has none)."""
    out = []
    for c in log.commands:
        words = str(c.get("send", "")).split()
        if len(words) >= 3 and words[0] == "sim" and words[1] == "fault" and c.get("ok"):
            out.append((c["t_ms"], words[2]))
    return out


def rig_name(log):
    """The rig, for people: its config's name where the recorder chose the config (a
    virtual or emulated Pico), else what the board's `! ready` line says of itself."""
    rig = log.header.get("rig")
    if rig:
        return str(rig)
    words = dict(w.partition("=")[::2] for w in str(log.header.get("board") or "").split()
                 if "=" in w)
    said = [words[k] for k in ("board", "driver") if words.get(k)]
    if words.get("step_nl"):
        said.append("%s nL a step" % words["step_nl"])
    return ", ".join(said) if said else "an unnamed board"


def delivered_ug_at(log, t_ms):
    """The delivered dose (ug since the start) at the last reading at or before t_ms."""
    base = next((s.delivered_ng for s in log.samples if s.delivered_ng is not None), 0)
    value = 0.0
    for s in log.samples:
        if s.t_ms > t_ms:
            break
        if s.delivered_ng is not None:
            value = (s.delivered_ng - base) / 1e3
    return value


# Events that tell a state without a `! state` line: a bolus runs as `bolusing`,
# priming ends `stopped`.
_IMPLIED = {"bolus": "bolusing", "bolus-done": "running", "primed": "stopped"}


def state_spans(log):
    """[(state, start h, end h)], in the order things happened (the file's): each
    reading says the state, each `! state` event (exact to the second) changes it, and a
    granted bolus runs as `bolusing` until `! bolus-done`."""
    changes = [(s.t_ms, s.seq, s.state) for s in log.samples]
    for e in log.events:
        if e.kind == "state":
            changes.append((e.t_ms, e.seq, e.fields.get("new")))
        elif e.kind in _IMPLIED:
            changes.append((e.t_ms, e.seq, _IMPLIED[e.kind]))
    changes.sort(key=lambda c: (c[0], c[1]))
    spans = []
    for t_ms, _, state in changes:
        x = hours(t_ms)
        if spans:
            spans[-1][2] = x
        if not spans or spans[-1][0] != state:
            if spans and spans[-1][2] == spans[-1][1]:
                spans.pop()  # a state that lasted no time (commands at one instant)
            if not spans or spans[-1][0] != state:
                spans.append([state, x, x])
    return [tuple(span) for span in spans]


def alarm_spans(log):
    """[(alarm, start h, end h or None)] from `! alarm` and `! cleared` events."""
    open_, spans = {}, []
    for e in log.events:
        name = e.fields.get("name")
        if e.kind == "alarm":
            open_.setdefault(name, hours(e.t_ms))
        elif e.kind == "cleared" and name in open_:
            spans.append((name, open_.pop(name), hours(e.t_ms)))
    end = hours(log.samples[-1].t_ms) if log.samples else 0
    spans += [(name, start, end) for name, start in open_.items()]
    return sorted(spans, key=lambda s: s[1])


def low_alarm_hours(log):
    """(when the low-reservoir alarm is predicted on basal alone, or sounded, in the log's
    hours; the hour of the reading that said it), from the last reading that had a date
    (`low_alarm_at`: none while not delivering until the alarm has sounded), or None."""
    for s in reversed(log.samples):
        if s.low_alarm_ms is not None and s.wall_ms is not None:
            return hours(s.low_alarm_ms - s.wall_ms + s.t_ms), hours(s.t_ms)
    return None


def wall_text(log, at_h):
    """An hour on the log's axis as the pump's wall clock, for people."""
    offset = log.wall_offset_ms()
    if offset is None:
        return "at %.1f h" % at_h
    d = datetime.fromtimestamp((offset + at_h * 3_600_000) / 1000, timezone.utc)
    return d.strftime("%Y-%m-%d %H:%M UTC")


def percent(x, places=2):
    """A Fraction of a percent as text, rounded only here, for people."""
    if x is None:
        return "-"
    return "%+.*f %%" % (places, float(Fraction(x)))
