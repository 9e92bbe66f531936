"""The HTML report: one self-contained file, the pictures inline as SVG, and the numbers
behind them in tables.

Never links to anything outside the file (no scripts, styles or images to fetch), so it
opens the same on a bench PC without a network, and can be attached to a lab notebook.
Every text that came from the board or a file is escaped."""
from datetime import datetime, timezone
from html import escape

from pumpctl import analysis

STYLE = """body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{border:1px solid #ccc;
padding:0.2em 0.6em;text-align:right}th{background:#f4f4f4}td.k{text-align:left}
.warn{color:#b71c1c;font-weight:bold}figure{margin:1em 0}svg{max-width:100%;height:auto}"""


def _rows(pairs):
    return "\n".join("<tr><td class=k>%s</td><td>%s</td></tr>" % (escape(k), escape(v))
                     for k, v in pairs)


def _ug(ng):
    return "-" if ng is None else "%.3f ug" % (float(ng) / 1000)


def _ul(nl):
    return "-" if nl is None else "%.3f uL" % (float(nl) / 1000)


def summary_pairs(a):
    t = a.totals
    log = a.log
    h = log.header
    pairs = [
        ("rig", analysis.rig_name(log)),
        ("source", str(h.get("source", "-"))),
        ("script", str(h.get("script") or "-")),
        ("board", str(h.get("board") or "-")),
        ("recorded at", str(h.get("recorded_at", "-"))),
        ("pump time recorded", "%.2f h" % analysis.hours(t["span_ms"])),
        ("status readings / events", "%d / %d" % (t["readings"], len(log.events))),
        ("programmed dose (the pump's ideal)", _ug(t["programmed_ng"])),
        ("delivered at the tip (board's count)", _ug(t["delivered_ng"])),
    ]
    if t["programmed_ng"]:
        diff = (t["delivered_ng"] - t["programmed_ng"]) * 100 / t["programmed_ng"]
        pairs.append(("delivered - programmed", analysis.percent(diff, 3)))
    pairs += [
        ("delivery steps / volume", "%d / %s" % (t["delivery_steps"], _ul(t["delivery_nl"]))),
        ("boluses granted (patient)", "%d (%d), %s" % (t["boluses"], t["boluses_patient"],
                                                       _ug(t["bolus_ng"]))),
        ("requests refused", "%d %s" % (t["refused"], ", ".join(
            "%s x%d" % kv for kv in sorted(t["refused_by_reason"].items())))),
        ("alarms raised", ", ".join(str(x) for x in t["alarms"]) or "-"),
        ("board errors (`! error`)", "%d %s" % (len(t["errors"]), ", ".join(
            sorted(set(t["errors"]))))),
        ("reservoir at the end", "-" if t["reservoir_end_nl"] is None
         else "%.3f mL" % (t["reservoir_end_nl"] / 1e6)),
        ("low-reservoir threshold", "-" if t["low_nl"] is None
         else "%.3f mL" % (t["low_nl"] / 1e6)),
    ]
    predicted = analysis.low_alarm_hours(log)
    if predicted is not None:
        pairs.append(("low-reservoir alarm predicted (basal alone)",
                      "%s, said at %.2f h" % (analysis.wall_text(log, predicted[0]),
                                              predicted[1])))
    return pairs


def trumpet_table(a):
    head = "<tr><th>P (min)</th>" + "".join(
        "<th>Ep max, %s</th><th>Ep min, %s</th><th>windows</th>" % (c.source, c.source)
        for c in a.curves) + "</tr>"
    body = []
    for i, row in enumerate(a.curves[0].rows):
        cells = ["<td>%d</td>" % row.minutes]
        for c in a.curves:
            r = c.rows[i]
            cells.append("<td>%s</td><td>%s</td><td>%d</td>" % (
                escape(analysis.percent(r.e_max)), escape(analysis.percent(r.e_min)), r.count))
        body.append("<tr>%s</tr>" % "".join(cells))
    overall = "<tr><td class=k>overall A</td>" + "".join(
        "<td colspan=3>%s over %.2f h of steady basal</td>" % (
            escape(analysis.percent(c.overall, 3)), c.intervals / 120) for c in a.curves)
    return "<table>%s\n%s\n%s</tr></table>" % (head, "\n".join(body), overall)


def _inline_svg(svg_bytes):
    text = svg_bytes.decode("utf-8")
    at = text.find("<svg")
    return text[at:] if at >= 0 else text


def page(a, figures):
    """figures: [(title, svg bytes)]."""
    made = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        "<title>Delivery report: %s</title><style>%s</style></head><body>" % (
            escape(analysis.rig_name(a.log)), STYLE),
        "<h1>Delivery report: %s</h1>" % escape(analysis.rig_name(a.log)),
        "<p class=warn>Bench rig: research and teaching only, never for a patient.</p>",
        "<h2>Summary</h2><table>%s</table>" % _rows(summary_pairs(a)),
        "<h2>Trumpet curve</h2>",
        "<p>Worst flow error over observation windows of P minutes, read every 30 s, "
        "over steady basal delivery only (no bolus, no state change); the reference is "
        "the pump's own ideal dose at the tip's concentration. See docs/reports.md.</p>",
        trumpet_table(a),
    ]
    for title, svg in figures:
        parts.append("<figure><figcaption><h2>%s</h2></figcaption>%s</figure>"
                     % (escape(title), _inline_svg(svg)))
    parts.append("<p><small>made %s by pumpctl report</small></p></body></html>" % made)
    return "\n".join(parts)
