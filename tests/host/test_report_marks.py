"""What the report's pictures say of a log, on a small log written here (no board): the
rig named in the title, injected faults and alarms marked on the dose plot with the
programmed line drawn over the delivered one, the reservoir's axis spanning what changed;
and the sample balance CSV shipped in tools/samples/ taken by the balance reader.

Draws on matplotlib Figures in memory; writes nothing."""
import json
from pathlib import Path

from matplotlib.figure import Figure

from pumpctl import analysis, balance, delivery_log, report_plots
from pumpctl.report_html import page

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "tools" / "samples" / "balance_case1.csv"
RIG = "Pico + A4988 + M5 rod + BD 1 mL"
READY = "! ready firmware=0.2.0 board=pico driver=a4988 step_nl=5"
STEP_NUM, STEP_DEN = 4055591, 904000  # the 1 mL rig's microstep, nL
RATE_PG_PER_MS = 700_000_000 // 86_400  # 700 ug/day, in pg a ms (to a pg)


def log_lines(rig=RIG, fault_at_ms=3_600_000, alarm_at_ms=5_400_000, hours=2):
    """A running pump read every 30 s: steps keep to the ideal dose, the reservoir goes
    down from 1 mL; a `sim fault occlusion` sent and the alarm it raises."""
    header = {"type": "header", "format": "pumpctl-delivery-log", "version": 1,
              "sample_ms": 30000, "source": "virtual-pico", "script": "day.pump",
              "board": READY}
    if rig is not None:
        header["rig"] = rig
    rows = [header]
    for i in range(hours * 120 + 1):
        t = i * 30_000
        ideal_pg = t * RATE_PG_PER_MS // 1000
        steps = ideal_pg * STEP_DEN // (STEP_NUM * 1000)  # 1 mg/mL: 1 ng is 1 nL
        rows.append({"type": "sample", "t_ms": t, "state": "running", "uptime_ms": t,
                     "reservoir_nl": 1_000_000 - steps * STEP_NUM // STEP_DEN,
                     "delivered_ng": steps * STEP_NUM // STEP_DEN, "ideal_pg": ideal_pg,
                     "steps": steps, "step_nl_num": STEP_NUM, "step_nl_den": STEP_DEN,
                     "conc_ng_ml": 1_000_000, "low_nl": 200_000, "time": "-",
                     "alarms": "-"})
    rows.append({"type": "command", "t_ms": fault_at_ms, "line": 9,
                 "send": "sim fault occlusion", "final": "OK fault=occlusion", "ok": True,
                 "expect_err": False})
    rows.append({"type": "event", "t_ms": alarm_at_ms, "kind": "alarm",
                 "fields": {"name": "occlusion"}, "line": "! alarm name=occlusion"})
    return [json.dumps(r) for r in rows]


def analysed(**kw):
    return analysis.analyse(delivery_log.parse(log_lines(**kw)))


def drawn(draw, a):
    ax = Figure().add_subplot()
    draw(ax, a)
    return ax


def test_the_report_names_the_rig_in_its_title_and_its_html_heading():
    a = analysed()
    assert report_plots.combined(a).get_suptitle() == "day.pump on " + RIG
    assert "<h1>Delivery report: %s</h1>" % RIG in page(a, [])


def test_a_log_without_the_rig_names_the_board_its_ready_line_describes():
    a = analysed(rig=None)
    assert report_plots.title(a) == "day.pump on pico, a4988, 5 nL a step"


def test_an_injected_fault_and_an_alarm_are_marked_on_the_dose_plot_where_they_happened():
    ax = drawn(report_plots.draw_dose, analysed())
    texts = {t.get_text(): t.xy[0] for t in ax.texts if hasattr(t, "xy")}
    assert texts["injected: occlusion"] == 1.0  # hours
    assert texts["alarm: occlusion"] == 1.5
    vertical = [line.get_xdata()[0] for line in ax.lines
                if list(line.get_xdata()) == [line.get_xdata()[0]] * 2]
    assert 1.0 in vertical and 1.5 in vertical


def test_no_fault_marks_where_none_was_injected():
    lines = [r for r in log_lines() if '"sim fault' not in r]
    ax = drawn(report_plots.draw_dose, analysis.analyse(delivery_log.parse(lines)))
    assert not any(t.get_text().startswith("injected") for t in ax.texts)


def test_the_programmed_line_is_drawn_over_the_delivered_one_and_stays_visible():
    ax = drawn(report_plots.draw_dose, analysed())
    by_label = {line.get_label(): line for line in ax.lines}
    programmed = by_label["programmed (the pump's ideal)"]
    delivered = by_label["delivered at the tip (from steps)"]
    assert programmed.get_zorder() > delivered.get_zorder()
    assert programmed.get_linewidth() < delivered.get_linewidth()  # the wide one shows
    assert programmed.get_color() != delivered.get_color()


def test_the_reservoir_axis_spans_what_changed_not_zero_to_full():
    a = analysed()
    ax = drawn(report_plots.draw_reservoir, a)
    _xs, ml = analysis.reservoir_series(a.log)
    bottom, top = ax.get_ylim()
    assert bottom > 0.9 and top < 1.01  # two hours of 700 ug/day out of 1 mL
    assert bottom <= min(ml) and max(ml) <= top
    change = max(ml) - min(ml)
    assert (top - bottom) < 2 * change


def test_a_reservoir_that_did_not_change_still_gets_an_axis():
    assert analysis.reservoir_range([40.0, 40.0]) == (39.6, 40.4)
    assert analysis.reservoir_range([0.0, 0.0]) == (0, 0.1)


def test_the_sample_balance_csv_is_taken_by_the_balance_reader():
    readings = balance.read(SAMPLE)
    times = [t for t, _ in readings]
    assert times[0] == 0 and times[-1] == 86_760_000  # case 1's day, 24 h 6 min
    assert all(b - a == 30_000 for a, b in zip(times, times[1:]))  # every 30 s
    masses = [m for _, m in readings]
    assert all(a <= b for a, b in zip(masses, masses[1:]))  # a balance only gains
    assert masses[-1] > 0
    assert SAMPLE.read_text().splitlines()[0] == "time_s,mass_mg"
