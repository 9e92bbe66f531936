"""Differential test: the same console scripts through the firmware on two interpreters.

(a) CPython, in this process: firmware/app/boot.run(), the very entry main.py calls, with
    a port that hands it the script's bytes and keeps what it writes, in a fresh flash
    folder with the default board.json;
(b) the virtual Pico: the real MicroPython VM running firmware/main.py, its console on a
    pseudo-terminal, driven with pyserial through PumpClient.

Both run with PUMP_CLOCK=manual, so time moves only with `sim advance` and two runs of
one script must print the same lines to the millisecond. Every line either side prints
from `! ready` to the final `status` reply must be identical: this is what shows that
the logic the tests prove under CPython is the logic the board runs.

Scripts are hypothesis-generated console lines: the PIN and login (right and wrong), a
prescription in pieces (drug, basal, ptm, reservoir alarm, capacity), refill and confirm,
prime, start, patient and clinician boluses, time, sim advance / press / fault / clear,
suspend and resume, reads, and junk (random text and bytes). `mem` reads each
interpreter's own heap (0 under CPython): its reply is compared by shape, not figures.
`sim power-cut` is left out until persistence is wired. One virtual Pico serves the
module: before each script its VM is killed and booted again from a flash holding only
the firmware (what persistence may have written is removed first), so every script
starts on a fresh board."""
import os
import re
import shutil
import signal
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings, strategies as st, given

import tally
from pumpctl.client import PumpClient, is_final, EVENT_PREFIX
from pumpctl.virtual_pico import DEFAULT_BOARD, VirtualPico

# One worker builds this module's fixture once (make test: --dist loadgroup); split
# over two, each built its own.
pytestmark = pytest.mark.xdist_group('test_differential')

REPO = Path(__file__).resolve().parents[2]
REPLY_S = 60.0  # a day's advance takes well under a second; a hang fails, never waits
PIN = "2468"

DRUGS = ("drug hydromorphone 1000ug/mL ropivacaine 2500ug/mL clonidine 75ug/mL",
         "drug morphine 10mg/mL", "drug hydromorphone 2mg/mL", "drug morphine 30mg/mL",
         "drug heroin 1mg/mL", "drug morphine")
BASALS = ("basal 700ug/d", "basal 00:00=600ug/d 08:00=800ug/d 20:00=700ug/d",
          "basal 0.4mg/d", "basal 1mg/d", "basal 20mg/d", "basal 08:00=1mg/d")
PTMS = ("ptm 30ug lockout=1h max=7", "ptm 0.1mg lockout=6h max=4",
        "ptm 0.2mg lockout=4h max=6", "ptm off", "ptm 30ug lockout=1m max=7")
SETUP = ("pin " + PIN, "login " + PIN, "time 2026-01-01T07:00:00",
         DRUGS[0], BASALS[1], PTMS[0], "capacity 40mL", "reservoir-alarm 2mL",
         "refill 40mL", "confirm", "prime 150uL", "sim advance 10m", "start")
FIXED = (
    ("pin " + PIN, "login " + PIN, "login 1111", "logout", "whoami", "status", "alarms",
     "rx", "log 5", "help", "help bolus", "start", "stop", "suspend", "resume", "confirm",
     "refill 40mL", "refill 5mL", "refill 70mL", "prime 150uL", "prime 1uL", "bolus",
     "bolus 50ug", "bolus 2mg", "capacity 40mL", "capacity 1mL", "reservoir-alarm 2mL",
     "reservoir-alarm 39mL", "time 2026-01-01T07:00:00", "time 2026-02-30T07:00:00",
     "sim press", "sim fault occlusion", "sim fault stall", "sim fault battery",
     "sim fault battery-eos", "sim fault end_stop", "sim fault meteor", "sim clear occlusion",
     "sim clear stall", "sim clear battery", "ack occlusion", "ack stall", "ack battery_eri",
     "ack battery_eos", "ack empty", "ack guard", "ack low_reservoir", "", "   ", "mem",
     "mem 1")
    + DRUGS + BASALS + PTMS)
DURATIONS = st.sampled_from(("1ms", "1s", "59s", "1m", "90s", "15m", "1h", "6h", "1d",
                             "25h", "0ms", "-1h", "2.5h", "1x"))
# `mem`: each interpreter reads its own heap, so only the shape of its reply must agree.
HEAP_FIGURES = re.compile(r"^OK heap_free=\d+ heap_used=\d+ heap_max_block=\d+$")
SAFE_BYTE = st.integers(0, 255).filter(lambda b: b not in (3, 10, 13))  # 3: Ctrl-C


@st.composite
def lines(draw):
    kind = draw(st.sampled_from(["fixed"] * 6 + ["advance"] * 3 + ["time", "text", "bytes"]))
    if kind == "fixed":
        return draw(st.sampled_from(FIXED)).encode()
    if kind == "advance":
        return ("sim advance " + draw(DURATIONS)).encode()
    if kind == "time":
        return ("time 2026-%02d-%02dT%02d:%02d:00" % (
            draw(st.integers(1, 12)), draw(st.integers(1, 28)), draw(st.integers(0, 23)),
            draw(st.integers(0, 59)))).encode()
    if kind == "text":
        return draw(st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
                    ).encode()
    return bytes(draw(st.lists(SAFE_BYTE, max_size=220)))


scripts = st.tuples(st.booleans(), st.lists(lines(), min_size=1, max_size=14)).map(
    lambda s: ([l.encode() for l in SETUP] if s[0] else []) + s[1] + [b"status"])


# ----- (a) CPython, in process -----
class ScriptPort:
    """The console port for boot.run(): the script's bytes one by one, then end of stream
    (which the loop takes as power off); keeps every line written."""

    def __init__(self, script):
        self.data = b"".join((l if type(l) is bytes else l.encode()) + b"\n"
                             for l in script)
        self.at = 0
        self.out = []

    def read_byte(self, timeout_ms):
        if self.at == len(self.data):
            return -1
        self.at += 1
        return self.data[self.at - 1]

    def write(self, line):
        self.out.append(line)


def run_in_process(script, flash):
    from app import boot
    flash.mkdir()
    shutil.copy(DEFAULT_BOARD, flash / "board.json")
    port = ScriptPort(script)
    old = os.getcwd()
    os.chdir(flash)  # the board's flash is the firmware's cwd, as on the virtual Pico
    try:
        boot.run(port)
    except SystemExit:  # end of stream: the loop cuts the power, as designed
        pass
    finally:
        os.chdir(old)
    return until_last_final(port.out)


def until_last_final(out):
    """From `! ready` to the last final line: what both sides must have printed."""
    start = [i for i, l in enumerate(out) if l.startswith("! ready")]
    assert start, out
    out = out[start[-1]:]
    last = max(i for i, l in enumerate(out) if is_final(l))
    return out[:last + 1]


# ----- (b) the virtual Pico -----
def vm_pid(launcher_pid):
    """The launcher's one child: the MicroPython VM (found in /proc, by parent pid)."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:  # the process ended while we looked
                continue
            if int(fields[1]) == launcher_pid:
                return int(entry)
    return None


class Board:
    """One virtual Pico for the module, booted fresh for each script."""

    def __init__(self, vp):
        self.vp = vp
        self.firmware_files = set(p for p in vp.flash.rglob("*"))
        self.client = PumpClient(vp.port)
        self.ready = self.client.wait_ready()

    def fresh(self):
        """Power off and on with a flash holding only what was installed."""
        pid = vm_pid(self.vp.proc.pid)
        assert pid is not None, self.vp.log_text()
        for p in sorted(self.vp.flash.rglob("*"), reverse=True):
            if p not in self.firmware_files:
                p.unlink() if p.is_file() else shutil.rmtree(p)
        world = self.vp.state / "world.json"
        if world.exists():
            world.unlink()
        os.kill(pid, signal.SIGKILL)  # the launcher boots main.py again, as a power cut
        deadline = time.monotonic() + 10
        while vm_pid(self.vp.proc.pid) in (pid, None):
            assert time.monotonic() < deadline, self.vp.log_text()
            time.sleep(0.005)
        return self.client.wait_ready()

    def run(self, script):
        out = [self.fresh()]
        for line in script:
            out += send(self.client, line)
        return until_last_final(out)


def send(client, data):
    """One line as raw bytes (junk included), and every line until its final OK/ERR."""
    client.write_raw(data + b"\n")
    deadline = time.monotonic() + REPLY_S
    got = []
    while True:
        line = client.read_line(REPLY_S, deadline)
        assert line is not None, ("no final line", data, got)
        got.append(line)
        if is_final(line):
            return got


@pytest.fixture(scope="module")
def board():
    saved = os.environ.get("PUMP_CLOCK")
    os.environ["PUMP_CLOCK"] = "manual"  # the launcher and its VM inherit it
    try:
        with VirtualPico() as vp:
            b = Board(vp)
            yield b
            b.client.close()
    finally:
        if saved is None:
            del os.environ["PUMP_CLOCK"]
        else:
            os.environ["PUMP_CLOCK"] = saved


@pytest.fixture()
def manual_clock(monkeypatch):
    monkeypatch.setenv("PUMP_CLOCK", "manual")
    monkeypatch.delenv("PUMP_WORLD", raising=False)


def compare(board, script, tmp):
    mine = run_in_process(script, tmp)
    theirs = board.run(script)
    tally.add("differential.scripts")
    tally.add("differential.lines_sent", len(script))
    tally.add("differential.reply_lines_compared", len(mine))
    for i, (a, b) in enumerate(zip(mine, theirs)):
        same = a == b or bool(HEAP_FIGURES.match(a) and HEAP_FIGURES.match(b))
        assert same, ("line %d differs" % i, "CPython: " + a, "MicroPython: " + b,
                      mine[max(0, i - 8):i + 1])
    assert len(mine) == len(theirs), (mine[len(theirs):], theirs[len(mine):])
    return mine


def test_case1_setup_and_a_day_print_the_same_lines_on_cpython_and_micropython(
        board, manual_clock, tmp_path):
    script = [l.encode() for l in SETUP] + [
        b"sim advance 2h", b"bolus", b"bolus", b"sim advance 61m", b"sim press",
        b"sim advance 1d", b"log 30", b"status"]
    out = compare(board, script, tmp_path / "flash")
    # Not two empty streams agreeing: the day really ran, on both.
    assert out[-1].startswith("OK time=2026-01-02T") and "state=running" in out[-1]
    assert any(l.startswith("! button OK") for l in out)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
          max_examples=settings().max_examples // 4 or 1)
@given(scripts)
def test_random_console_scripts_print_the_same_lines_on_cpython_and_micropython(
        board, manual_clock, tmp_path_factory, script):
    compare(board, script, tmp_path_factory.mktemp("flash") / "flash")
