"""`pumpctl report LOG -o out.html|.png|.svg`: read a delivery log (and a balance CSV),
analyse it, draw it, write one file.

The output's kind comes from its suffix; anything else is refused before any work. The
file is written whole to a temporary name and then renamed, so a failure never leaves a
half report where an old good one was."""
import os
from pathlib import Path

from pumpctl import analysis, balance, delivery_log
from pumpctl.balance import WATER_MG_ML

KINDS = (".html", ".png", ".svg")


class ReportError(Exception):
    pass


def build(log_path, out_path, balance_path=None, balance_offset_s=0,
          density_mg_ml=WATER_MG_ML, progress=None):
    """Writes the report; returns the Analysis it drew."""
    out_path = Path(out_path)
    kind = out_path.suffix.lower()
    if kind not in KINDS:
        raise ReportError("%s: the report is .html, .png or .svg" % out_path)
    _say(progress, 0, "reading " + str(log_path))
    try:
        log = delivery_log.read(log_path)
        readings = None
        if balance_path is not None:
            readings = balance.read(balance_path, balance_offset_s)
    except OSError as e:
        raise ReportError(str(e)) from e
    except (delivery_log.LogError, balance.BalanceError) as e:
        raise ReportError(str(e)) from e
    if not log.samples:
        raise ReportError("%s holds no status readings" % log_path)
    _say(progress, 1, "computing the trumpet curve")
    a = analysis.analyse(log, readings, density_mg_ml)
    from pumpctl import report_plots  # matplotlib loads only when there is work to draw
    if kind == ".html":
        figures = []
        for i, (name, _) in enumerate(report_plots.PANELS):
            _say(progress, 2 + i, "drawing " + name)
            figures.append((_TITLES[name], report_plots.render(
                report_plots.panel(name, a), "svg")))
        from pumpctl import report_html
        data = report_html.page(a, figures).encode("utf-8")
    else:
        _say(progress, 2, "drawing")
        data = report_plots.render(report_plots.combined(a), kind[1:])
    _say(progress, 6, "writing " + str(out_path))
    _write_whole(out_path, data)
    return a


STEPS = 7  # for a progress line: read, compute, four drawings, write
_TITLES = {"dose": "Programmed and delivered dose", "reservoir": "Reservoir",
           "timeline": "States, alarms and requests", "trumpet": "Trumpet curve"}


def _say(progress, done, note):
    if progress is not None:
        progress.update(done, note, force=True)


def _write_whole(path, data):
    tmp = path.with_name(path.name + ".part")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError as e:
        raise ReportError("cannot write %s: %s" % (path, e)) from e
    finally:
        if tmp.exists():
            tmp.unlink()
