"""The report's pictures, drawn with matplotlib from an analysis.Analysis: dose,
reservoir, trumpet curve and a timeline of states, alarms and requests.

Uses matplotlib's object API (Figure, never pyplot): no global state, no display, the
Agg canvas only, so it runs on a headless bench PC and in CI. Draws what analysis.py
computed and computes nothing of its own beyond placing marks."""
import io
from datetime import datetime, timezone

from matplotlib import rc_context
from matplotlib.figure import Figure

from pumpctl import analysis

STATE_COLOURS = {
    "running": "#4caf50", "bolusing": "#1e88e5", "priming": "#8e24aa",
    "stopped": "#9e9e9e", "suspended": "#fbc02d", "refilling": "#00acc1",
    "alarm": "#e53935", "unprogrammed": "#e0e0e0",
}
GRANTED, REFUSED, FAULT = "#1e88e5", "#e53935", "#ef6c00"


def _x_label(log):
    offset = log.wall_offset_ms()
    if offset is None:
        return "hours since the recording began"
    zero = datetime.fromtimestamp((offset + log.samples[0].t_ms) / 1000, timezone.utc)
    return "hours since the recording began (0 h = %s UTC)" % zero.strftime("%Y-%m-%d %H:%M")


def draw_dose(ax, a):
    log = a.log
    xs, prog, done = analysis.dose_series(log)
    # Delivered under programmed: the two agree to a step, so the programmed line is the
    # thin dashed one on top, and the wide pale one under it shows through either side.
    ax.plot(xs, done, color="#81c784", lw=3.2, drawstyle="steps-post", zorder=2,
            label="delivered at the tip (from steps)")
    ax.plot(xs, prog, color="#212121", lw=1.1, ls=(0, (4, 2)), zorder=3,
            label="programmed (the pump's ideal)")
    _mark_faults_and_alarms(ax, log)
    for kind, colour, marker, label in (("bolus", GRANTED, "^", "bolus granted"),
                                        ("refused", REFUSED, "x", "request refused")):
        evs = log.events_of(kind)
        if evs:
            ax.scatter([analysis.hours(e.t_ms) for e in evs],
                       [analysis.delivered_ug_at(log, e.t_ms) for e in evs],
                       color=colour, marker=marker, s=40, zorder=3, label=label)
        if kind == "refused":
            for e in evs:
                ax.annotate(str(e.fields.get("reason", e.fields.get("code", ""))),
                            (analysis.hours(e.t_ms), analysis.delivered_ug_at(log, e.t_ms)),
                            textcoords="offset points", xytext=(4, -10), fontsize=7,
                            color=REFUSED)
    ax.set_ylabel("primary drug since start (ug)")
    ax.set_title("Programmed and delivered dose, faults injected and alarms")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(alpha=0.3)


def _mark_faults_and_alarms(ax, log):
    """A vertical line where a fault was injected (`sim fault`, the virtual Pico) and
    where an alarm was raised, each named at the top of the plot."""
    marks = [(analysis.hours(t_ms), "injected: " + name, FAULT, "--")
             for t_ms, name in analysis.injected_faults(log)]
    marks += [(analysis.hours(e.t_ms), "alarm: %s" % e.fields.get("name", "?"), REFUSED,
               ":") for e in log.events_of("alarm")]
    for x, text, colour, ls in marks:
        ax.axvline(x, color=colour, ls=ls, lw=1.1, zorder=1)
        ax.annotate(text, (x, 1), xycoords=("data", "axes fraction"), rotation=90,
                    xytext=(-3, -4), textcoords="offset points", ha="right", va="top",
                    fontsize=7, color=colour)


def draw_reservoir(ax, a):
    log = a.log
    xs, ml = analysis.reservoir_series(log)
    ax.plot(xs, ml, color="#00838f", lw=1.2, label="reservoir")
    low = a.totals.get("low_nl")
    predicted = analysis.low_alarm_hours(log)
    span = analysis.hours(log.span_ms())
    shown = list(ml)  # the axis spans what changed, and the alarm level where it is drawn
    if predicted is not None and low is not None:
        at_h, said_h = predicted
        when = analysis.wall_text(log, at_h)
        if at_h <= span * 1.5 + 1:
            said_ml = ml[min(range(len(xs)), key=lambda i: abs(xs[i] - said_h))]
            ax.plot([said_h, at_h], [said_ml, low / 1e6], color=REFUSED, ls=":", lw=1)
            ax.axvline(at_h, color=REFUSED, ls=":", lw=1,
                       label="alarm predicted %s" % when)
            shown.append(low / 1e6)
        else:  # far beyond the plot: said in words, not squashed into a corner
            ax.text(0.99, 0.5, "low-reservoir alarm predicted %s\n(%.1f days after the "
                    "end of the recording)" % (when, (at_h - span) / 24),
                    transform=ax.transAxes, ha="right", va="center", fontsize=8,
                    color=REFUSED)
    bottom, top = analysis.reservoir_range(shown)
    ax.set_ylim(bottom, top)
    if low is not None and bottom <= low / 1e6 <= top:
        ax.axhline(low / 1e6, color=REFUSED, ls="--", lw=1,
                   label="low-reservoir alarm at %g mL" % (low / 1e6))
    elif low is not None:  # the level is off this axis: said, not drawn
        ax.text(0.01, 0.04, "low-reservoir alarm at %g mL (below this axis)" % (low / 1e6),
                transform=ax.transAxes, fontsize=8, color=REFUSED)
    ax.set_ylabel("mL")
    ax.set_title("Reservoir volume")
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(alpha=0.3)


def draw_trumpet(ax, a):
    styles = {"steps": ("-", "o", "from motor steps"), "balance": ("--", "s", "from the balance")}
    for curve in a.curves:
        ls, marker, what = styles.get(curve.source, ("-.", "d", curve.source))
        rows = [r for r in curve.rows if r.count]
        if not rows:
            continue
        p = [r.minutes for r in rows]
        ax.plot(p, [float(r.e_max) for r in rows], ls=ls, marker=marker, color=REFUSED,
                label="Ep max, " + what)
        ax.plot(p, [float(r.e_min) for r in rows], ls=ls, marker=marker, color=GRANTED,
                label="Ep min, " + what)
        if curve.overall is not None:
            ax.axhline(float(curve.overall), ls=ls, color="#555555", lw=0.8,
                       label="overall error A %s, %s" % (analysis.percent(curve.overall),
                                                          what))
    ax.axhline(0, color="black", lw=0.5)
    ax.set_xticks([r.minutes for r in a.curves[0].rows])
    ax.set_xlabel("observation window P (min)")
    ax.set_ylabel("flow error (%)")
    ax.set_title("Trumpet curve (IEC 60601-2-24 style, steady basal only)")
    # Under the plot: inside, it covered the curves' right ends wherever it went.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize=8)
    ax.grid(alpha=0.3)


def draw_timeline(ax, a):
    log = a.log
    rows = ["state"]
    for state, x0, x1 in analysis.state_spans(log):
        ax.broken_barh([(x0, max(x1 - x0, 1e-3))], (0.6, 0.8),
                       color=STATE_COLOURS.get(state, "#bdbdbd"))
    alarms = analysis.alarm_spans(log)
    names = []
    for name, _, _ in alarms:
        if name not in names:
            names.append(name)
    for i, name in enumerate(names, 1):
        rows.append("alarm: " + name)
        for n, x0, x1 in alarms:
            if n == name:
                ax.broken_barh([(x0, max(x1 - x0, 1e-3))], (i + 0.6, 0.8), color=REFUSED)
    y = len(rows) + 1
    rows.append("requests")
    for kind, colour, marker in (("bolus", GRANTED, "^"), ("refused", REFUSED, "x")):
        xs = [analysis.hours(e.t_ms) for e in log.events_of(kind)]
        if xs:
            ax.scatter(xs, [y] * len(xs), color=colour, marker=marker, s=40, zorder=3)
    errors = log.events_of("error")
    if errors:  # a failure outside any command (a tick, the button): never hidden
        rows.append("board errors")
        ax.scatter([analysis.hours(e.t_ms) for e in errors], [len(rows)] * len(errors),
                   color="black", marker="D", s=30, zorder=3)
    ax.set_yticks(range(1, len(rows) + 1), rows)
    ax.set_ylim(0.3, len(rows) + 0.7)
    used = [s for s in STATE_COLOURS if any(sp[0] == s for sp in analysis.state_spans(log))]
    for state in used:  # a legend of the states actually shown
        ax.bar(0, 0, color=STATE_COLOURS[state], label=state)
    ax.legend(loc="upper left", fontsize=7, ncol=len(used) or 1)
    ax.set_title("States, alarms and bolus requests")
    ax.grid(alpha=0.3, axis="x")


PANELS = (("dose", draw_dose), ("reservoir", draw_reservoir), ("timeline", draw_timeline),
          ("trumpet", draw_trumpet))


def panel(name, a, size=(9, 3.6)):
    """One panel as its own Figure."""
    draw = dict(PANELS)[name]
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    draw(ax, a)
    if name != "trumpet":
        ax.set_xlabel(_x_label(a.log))
    return fig


def title(a):
    """The report's title: what was recorded, on which rig."""
    script = a.log.header.get("script")
    what = "Delivery log" if not script else str(script).replace("\\", "/").split("/")[-1]
    return "%s on %s" % (what, analysis.rig_name(a.log))


def combined(a, progress=None):
    """All panels in one Figure, for a PNG or SVG report."""
    fig = Figure(figsize=(9, 15.4), layout="constrained")
    fig.suptitle(title(a), fontsize=11, fontweight="bold")
    axes = fig.subplots(len(PANELS), 1)
    for i, ((name, draw), ax) in enumerate(zip(PANELS, axes)):
        draw(ax, a)
        if name != "trumpet":
            ax.set_xlabel(_x_label(a.log))
        if progress is not None:
            progress.update(i + 1, "drawing " + name, force=True)
    axes[1].sharex(axes[0])
    axes[2].sharex(axes[0])
    return fig


def render(fig, fmt, dpi=80):
    """The figure as bytes: "png" or "svg"."""
    buf = io.BytesIO()
    if fmt == "svg":
        # Text as text: smaller, and no glyph ids that repeat when several SVGs share
        # one HTML page. No date: the same log gives the same file.
        with rc_context({"svg.fonttype": "none"}):
            fig.savefig(buf, format="svg", metadata={"Date": None})
    else:
        fig.savefig(buf, format=fmt, dpi=dpi)
    return buf.getvalue()
