"""`pumpctl record` then `pumpctl report` on a real virtual-Pico run: the HTML, PNG and SVG
reports are made, self-contained, and show the numbers the analysis computed; a balance
that weighs 2 % more than programmed gives a +2 % trumpet curve in every window; the
progress line appears only on a terminal."""
import io
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest

from pumpctl import delivery_log, report, resample
from pumpctl.progress import Progress

# One worker builds this module's fixture once (make test: --dist loadgroup); split
# over two, each built its own.
pytestmark = pytest.mark.xdist_group('test_report')

PUMPCTL = [sys.executable, "-m", "pumpctl.cli"]
SCRIPT = """pin 2468
login 2468
time 2026-01-01T07:00:00
drug hydromorphone 1000ug/mL
basal 700ug/d
ptm 30ug lockout=1h max=7
reservoir-alarm 2mL
refill 40mL
confirm
prime 150uL
sim advance 5m
start
sim advance 1h
bolus
sim advance 10m
bolus               # expect ERR
sim advance 2h
"""


def pumpctl(*args, timeout=120):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(Path(report.__file__).resolve().parents[1])]
                                        + ([env["PYTHONPATH"]] if env.get("PYTHONPATH")
                                           else []))
    return subprocess.run(PUMPCTL + list(args), capture_output=True, text=True,
                          timeout=timeout, env=env, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def log_path(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    (folder / "short.pump").write_text(SCRIPT)
    path = folder / "short.jsonl"
    proc = pumpctl("record", str(folder / "short.pump"), "-o", str(path), "--balance-csv",
                   str(folder / "short_balance.csv"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "> bolus" in proc.stdout  # the transcript, as `run` prints it
    assert "\r" not in proc.stderr  # not a terminal: no progress line
    return path


def test_the_html_report_is_one_self_contained_file_with_the_numbers(log_path, tmp_path):
    out = tmp_path / "r.html"
    proc = pumpctl("report", str(log_path), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "\r" not in proc.stderr
    html = out.read_text()
    assert html.count("<svg") == 4  # dose, reservoir, timeline, trumpet
    for outside in ("<script", "<link", "src=", "@import"):
        assert outside not in html
    assert not re.search(r"url\((?!#)", html)  # only references inside the file
    a = report.build(log_path, tmp_path / "again.html")
    for row in a.curves[0].rows:  # every window's worst errors are in the table
        assert ("%+.2f %%" % float(row.e_max)) in html
        assert ("%+.2f %%" % float(row.e_min)) in html
    assert "never for a patient" in html


def test_png_and_svg_reports_are_images(log_path, tmp_path):
    png = tmp_path / "r.png"
    report.build(log_path, png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = tmp_path / "r.svg"
    report.build(log_path, svg)
    assert ET.parse(svg).getroot().tag.endswith("svg")


def test_an_unknown_report_kind_is_refused_before_any_work(log_path, tmp_path):
    proc = pumpctl("report", str(log_path), "-o", str(tmp_path / "r.pdf"))
    assert proc.returncode == 3 and ".html, .png or .svg" in proc.stderr
    assert not (tmp_path / "r.pdf").exists()


def test_the_steps_curve_of_a_steady_basal_is_within_one_step_per_window(log_path, tmp_path):
    # The motor trails the ideal by less than a step, so a window's delivered volume is
    # within one step of the programmed one: |error| < 100 * step / window volume.
    log = delivery_log.read(log_path)
    step_nl = log.samples[-1].step_nl
    a = report.build(log_path, tmp_path / "r.svg")
    (steps,) = a.curves
    for row in steps.rows:
        window_nl = Fraction(700_000 * row.minutes, 1440)  # 700 ug/day at 1 ng/nL
        bound = 100 * step_nl / window_nl
        assert row.count > 0
        assert -bound < row.e_min <= row.e_max < bound, (row, float(bound))


def _balance_csv(log, gain, density):
    """What a balance would weigh if the pump delivered `gain` x the programmed volume,
    read every 30 s: time_s,mass_mg as exact decimals."""
    lines = ["time_s,mass_mg"]
    base = None
    for s in log.samples:
        vol = resample.programmed_volume_nl(s)
        if vol is None:
            continue
        base = vol if base is None else base
        mass = (vol - base) * gain * density / 1_000_000
        assert (mass * 10 ** 12).denominator == 1  # exact in 12 decimals
        lines.append("%s,%s" % (Fraction(s.t_ms, 1000), _decimal(mass)))
    return "\n".join(_dedupe(lines)) + "\n"


def _dedupe(lines):
    seen, out = set(), []
    for line in lines:
        t = line.split(",")[0]
        if t not in seen:
            seen.add(t)
            out.append(line)
    return out


def _decimal(x):
    whole, frac = divmod(x * 10 ** 12, 10 ** 12)
    return "%d.%012d" % (whole, frac)


def test_a_balance_that_weighs_2_percent_more_gives_plus_2_percent_in_every_window(
        log_path, tmp_path):
    log = delivery_log.read(log_path)
    csv = tmp_path / "balance.csv"
    csv.write_text(_balance_csv(log, Fraction(102, 100), Fraction(1000)))
    a = report.build(log_path, tmp_path / "r.png", balance_path=csv,
                     density_mg_ml=Fraction(1000))
    steps, weighed = a.curves
    assert weighed.source == "balance"
    for row in weighed.rows:
        assert row.count > 0 and row.e_max == 2 and row.e_min == 2
    assert weighed.overall == 2


def test_a_balance_csv_with_a_garbled_line_is_refused_with_its_number(log_path, tmp_path):
    csv = tmp_path / "balance.csv"
    csv.write_text("time_s,mass_mg\n0,0\n30,0.5\n60,oops\n")
    proc = pumpctl("report", str(log_path), "-o", str(tmp_path / "r.png"), "--balance",
                   str(csv))
    assert proc.returncode == 3 and "line 4" in proc.stderr


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_written_only_to_a_terminal_and_cleared_at_the_end():
    pipe, tty = io.StringIO(), Tty()
    for stream in (pipe, tty):
        with Progress("work", total=4, stream=stream) as p:
            p.update(1, "one", force=True)
            p.update(2, "two", force=True)
    assert pipe.getvalue() == ""
    text = tty.getvalue()
    assert "\rwork:  25% one" in text and "\rwork:  50% two" in text
    assert text.endswith("\r")  # the line is blanked, the cursor back at its start
    quiet = Tty()
    with Progress("work", total=4, stream=quiet, enabled=False) as p:
        p.update(1, force=True)
    assert quiet.getvalue() == ""


def test_record_names_the_rig_and_weighs_what_a_report_takes_as_its_balance(log_path,
                                                                          tmp_path):
    log = delivery_log.read(log_path)
    assert log.header["rig"] == "Pico + TMC2209 + T8x8 lead screw + BD 60 mL (virtual Pico " \
        "default)"  # the virtual Pico's default config, by its name
    weighed = log_path.with_name("short_balance.csv")
    a = report.build(log_path, tmp_path / "r.png", balance_path=weighed)
    steps, balance_curve = a.curves
    assert balance_curve.source == "balance" and balance_curve.intervals > 0
    # An open line lets out what the steps pushed, less what its pressure holds: over the
    # whole steady run the two agree within a step of the 60 mL rig (1.4 uL).
    assert abs(balance_curve.overall - steps.overall) * a.totals["programmed_ng"] / 100 \
        < 1400 * 1000
    rows = weighed.read_text().splitlines()
    # one weighing an instant: a reading at the instant of the last is not weighed again
    assert rows[0] == "time_s,mass_mg"
    assert len(rows) - 1 == len({s.t_ms for s in log.samples})


def test_record_refuses_a_balance_csv_for_a_real_board(tmp_path):
    proc = pumpctl("record", "-o", str(tmp_path / "x.jsonl"), "--port", "/dev/null",
                   "--balance-csv", str(tmp_path / "b.csv"))
    assert proc.returncode == 3 and "virtual Pico" in proc.stderr
    assert "Traceback" not in proc.stderr
