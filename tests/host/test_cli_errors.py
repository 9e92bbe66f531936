"""Every pumpctl verb given bad input, as a user would type it (a subprocess each): one
clear line on stderr, never a traceback, and the exit status docs/virtual_pico.md gives
for it (2: the board could not be reached; 3: the command line or a file it names was
refused). A verb added without a row here fails test_every_verb_has_bad_inputs_here."""
import os
import subprocess
import sys

import pytest

from fake_firmware.harness import FAKE_FIRMWARE
from pumpctl import cli

UNREACHABLE, USAGE = 2, 3
SHIPPED_LIST = "bd1ml (pico_a4988_m5_bd1ml.json)"  # in every unknown --board's line

# (verb, arguments, exit status, what stderr must say). {tmp}: a fresh folder; {file}: a
# file there that is not a folder; {log}: a text file that is no delivery log.
CASES = [
    ("", [], USAGE, "the following arguments are required: verb"),
    ("", ["frobnicate"], USAGE, "invalid choice: 'frobnicate'"),
    ("sim", ["--heap", "nonsense"], USAGE, "--heap: 'nonsense': a heap size"),
    ("sim", ["--heap", "100Q"], USAGE, "--heap: '100Q'"),
    ("sim", ["--heap", "1"], USAGE, "a heap size from 16K"),
    ("sim", ["--state", "{file}"], USAGE, "--state: {file}: not a folder"),
    ("sim", ["--board", "bd2ml"], USAGE, SHIPPED_LIST),
    ("sim", ["--firmware", "{tmp}"], USAGE, "not a firmware folder (no main.py in it)"),
    ("emu", ["--board", "nope"], USAGE, SHIPPED_LIST),
    ("emu", ["--uf2", "{tmp}/no.uf2"], USAGE, "no.uf2: no such file"),
    ("emu", ["--pace", "sideways"], USAGE, "invalid choice: 'sideways'"),
    ("console", ["--port", "{tmp}/ttyNONE"], UNREACHABLE, "cannot open {tmp}/ttyNONE"),
    ("console", ["--sim", "--timeout", "-1"], USAGE, "--timeout: '-1': seconds above 0"),
    ("console", ["--emu", "--port", "{tmp}/x"], USAGE, "leave out --port"),
    ("run", ["{tmp}/missing.pump"], USAGE, "missing.pump: no such file"),
    ("run", ["{file}", "--board", "bd"], USAGE, "'bd' matches 3 shipped configs"),
    ("run", ["{file}", "--timeout", "soon"], USAGE, "--timeout: 'soon'"),
    ("status", [], USAGE, "say which board: --port PATH, --sim"),
    ("status", ["--port", "{tmp}/ttyNONE"], UNREACHABLE, "is the board or the virtual Pico"),
    ("status", ["--sim", "--firmware", "{tmp}"], USAGE, "not a firmware folder"),
    ("restart", [], USAGE, "the following arguments are required: --port"),
    ("restart", ["--port", "{tmp}/ttyNONE"], UNREACHABLE, "cannot open {tmp}/ttyNONE"),
    ("restart", ["--port", "{tmp}/ttyNONE", "--timeout", "0"], USAGE, "--timeout: '0'"),
    ("log", ["0", "--sim"], USAGE, "argument count: '0': a whole number from 1"),
    ("log", ["many", "--sim"], USAGE, "argument count: 'many'"),
    ("record", ["-o", "{tmp}/out.jsonl", "--then", "soon"], USAGE,
     "--then soon: a duration such as 30m"),
    ("record", ["{tmp}/missing.pump", "-o", "{tmp}/o.jsonl"], USAGE, "no such file"),
    ("record", ["-o", "{file}/o.jsonl"], USAGE, "cannot write {file}/o.jsonl"),
    ("report", ["{tmp}/missing.jsonl", "-o", "{tmp}/r.html"], USAGE, "no such file"),
    ("report", ["{log}", "-o", "{tmp}/r.pdf"], USAGE, "the report is .html, .png or .svg"),
    ("report", ["{log}", "-o", "{tmp}/r.html"], USAGE, "pumpctl report: "),
    ("report", ["{log}", "-o", "{tmp}/r.html", "--density", "thick"], USAGE, "--density"),
    ("report", ["{log}", "-o", "{tmp}/r.html", "--balance", "{tmp}/b.csv"], USAGE,
     "b.csv: no such file"),
    ("deploy", [], USAGE, "the following arguments are required: --port"),
    ("deploy", ["--port", "{tmp}/ttyNONE", "--opt", "9"], USAGE, "--opt: invalid choice"),
    ("deploy", ["--port", "{tmp}/ttyNONE", "--board", "x"], USAGE, SHIPPED_LIST),
    ("deploy", ["--port", "{tmp}/ttyNONE", "--firmware", str(FAKE_FIRMWARE), "--build",
                "{file}/build", "--source"], USAGE, "cannot build"),
    ("deploy", ["--port", "{tmp}/ttyNONE", "--firmware", str(FAKE_FIRMWARE), "--build",
                "{tmp}/build", "--source"], UNREACHABLE, "cannot open {tmp}/ttyNONE"),
]


def pumpctl(args, timeout=60):
    return subprocess.run([sys.executable, "-m", "pumpctl.cli", *args],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout, env=dict(os.environ, PUMPCTL_TRACEBACK=""))


@pytest.mark.parametrize("verb, args, status, says", CASES,
                         ids=["%s %s" % (c[0], " ".join(c[1])) for c in CASES])
def test_bad_input_gives_one_line_and_the_documented_status(tmp_path, verb, args, status,
                                                             says):
    (tmp_path / "file").write_text("status\n")
    (tmp_path / "log").write_text("not a delivery log\n")
    fill = dict(tmp=tmp_path, file=tmp_path / "file", log=tmp_path / "log")
    proc = pumpctl(([verb] if verb else []) + [a.format(**fill) for a in args])
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.returncode == status, proc.stderr
    assert says.format(**fill) in proc.stderr
    last = proc.stderr.splitlines()[-1]  # the line that says why, after any usage text
    assert last.startswith("pumpctl"), proc.stderr


def test_every_verb_has_bad_inputs_here():
    sub = next(a for a in cli.build_parser()._actions if a.dest == "verb")
    assert sorted(sub.choices) == sorted({c[0] for c in CASES} - {""})


def test_a_heap_too_small_to_boot_the_firmware_is_said_and_the_sim_ends(tmp_path):
    proc = pumpctl(["sim", "--heap", "100K", "--state", str(tmp_path / "vp")])
    assert "Traceback" not in proc.stderr
    assert proc.returncode == USAGE, proc.stdout + proc.stderr
    assert "the firmware did not boot: MemoryError" in proc.stderr
    assert "--heap 100K is too small" in proc.stderr


@pytest.mark.parametrize("verb", ["run", "record"])
def test_script_lines_the_console_cannot_take_are_their_lines_errors_and_the_run_goes_on(
        tmp_path, verb):
    script = tmp_path / "session.pump"
    script.write_bytes(b"status\necho " + b"x" * 300 + b"\n"
                       b"basal 08:00=5\xc2\xb5g/d  # micro, typed\n"
                       b"echo \xff\nstatus\n")
    out = ["-o", str(tmp_path / "log.jsonl")] if verb == "record" else []
    proc = pumpctl([verb, str(script), *out, "--firmware", str(FAKE_FIRMWARE),
                    "--timeout", "10"])
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.returncode == 1, proc.stdout + proc.stderr  # lines not answered as written
    assert proc.stdout.count("> status") == 2  # the last line was still played
    err = proc.stderr
    assert "session.pump:2: echo xxx" in err
    assert "not sent: 305 bytes: a command line holds at most 200" in err
    assert "session.pump:3: basal 08:00=5\u00b5g/d: not sent: the console is ASCII: " \
        "'\u00b5' (U+00B5) at character 14 (write ug or mcg)" in err
    assert "session.pump:4: echo \ufffd: not sent: the console is ASCII" in err
