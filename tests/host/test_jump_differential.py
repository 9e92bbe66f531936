"""Simulated time that jumps (issue 17, item 9): the two walks of `sim advance` give the
same board. The controller now passes only at the minute marks where a pass has work (the
pump's next step or event, a session's end, a save due, a change of the guard's limits,
a battery still being counted, a press); the sliced walk (PUMP_SIM_WALK=slice) passes at
every mark, as `sim advance` always did. For every scripted scenario the repo has
(tools/scripts/*.pump, the scripts the tests play, and hypothesis-made ones with power
cuts, hangs, calibrations and faults), both must print the same lines and leave the same
flash and world files, byte for byte: nothing is left out of the comparison (the PIN's
random salt is fixed, so the flash can be compared whole).

Each run is firmware/app/boot.run(), the entry main.py calls, in this process (CPython),
on a fresh flash folder and world file, booted again after every power cut or watchdog
reset as the virtual Pico's launcher does; one scenario runs on the virtual Pico itself
(MicroPython) in both walks. tests/core/test_sim_jump.py holds the walk's own tests."""
import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import tally
from pumpctl.client import PumpClient, is_final
from pumpctl.script import parse
from pumpctl.virtual_pico import DEFAULT_BOARD, VirtualPico
from test_differential import SETUP, ScriptPort, lines as console_lines

REPO = Path(__file__).resolve().parents[2]
PIN = "2468"
CASE1 = ("pin " + PIN, "login " + PIN, "time 2026-01-01T07:00:00",
         "drug hydromorphone 1000ug/mL ropivacaine 2500ug/mL clonidine 75ug/mL",
         "basal 00:00=600ug/d 08:00=800ug/d 20:00=700ug/d", "ptm 30ug lockout=1h max=7",
         "capacity 40mL", "reservoir-alarm 2mL", "refill 40mL", "confirm", "prime 150uL",
         "sim advance 10m", "start")
# The scripts the tests play, each as its test plays it (the console, not a client).
SCENARIOS = {
    # tests/host/test_differential.py: case 1's set-up and a day with the button
    "differential_day": SETUP + ("sim advance 2h", "bolus", "bolus", "sim advance 61m",
                                 "sim press", "sim advance 1d", "log 30", "status"),
    # tests/host/test_power_cut_console.py's session
    "power_cut_session": CASE1[:12] + (
        "login " + PIN, "start", "sim advance 2h", "bolus", "sim advance 30m", "bolus",
        "sim advance 40m", "bolus", "sim advance 1h", "suspend", "resume",
        "sim advance 1h", "status"),
    # tests/host/test_vpico_restart.py: a power cut and a stuck loop after a bolus
    "restart_power_cut": CASE1 + (
        "sim advance 2h", "bolus", "sim advance 3h", "sim power-cut", "status", "alarms",
        "log 64", "login " + PIN, "time 2026-01-01T12:20:00", "alarms", "sim advance 1d",
        "status"),
    "restart_watchdog": CASE1 + (
        "sim advance 2h", "bolus", "sim advance 3h", "sim fault hang", "status",
        "sim advance 1h", "log 20", "status"),
    # a month, as the benchmark plays it
    "month": CASE1 + ("logout", "sim advance 30d", "status", "log 10"),
    # tests/host/test_vpico_calibrate.py's run, then a therapy while the run's water
    # still counts in the guard's windows (its limits change as it leaves them)
    "calibration": (
        "pin " + PIN, "login " + PIN, "sim fill 50mL", "sim balance tare",
        "calibrate run 200", "sim advance 6m", "sim advance 1m", "login " + PIN,
        "sim balance", "calibrate weighed 280uL", "login " + PIN, "calibrate run 2000",
        "sim advance 2m", "sim advance 30s", "calibrate cancel") + CASE1[1:] + (
        "sim advance 20h", "status", "sim advance 6h", "status"),
    # a weaker refill: the old mix's tighter limits are held until a day after the flush
    "mix_change": CASE1 + (
        "sim advance 1h", "login " + PIN, "stop",
        "drug hydromorphone 500ug/mL ropivacaine 1250ug/mL clonidine 37.5ug/mL",
        "refill 40mL withdrawn=39.8mL", "confirm", "start", "sim advance 1d", "sim advance 1d",
        "sim advance 1d", "status"),
    # the battery is read every second: a reading at the end of a short advance or not
    "battery": CASE1 + (
        "sim advance 61500ms", "sim fault battery", "sim advance 500ms", "sim advance 2m",
        "sim advance 30s", "sim clear battery", "sim advance 90s", "sim fault battery-eos",
        "sim advance 1h", "alarms", "status"),
    # motion faults met at a move: a jam, the end stop, an empty syringe
    "motion_faults": CASE1 + (
        "sim advance 7h", "sim fault stall", "sim advance 1h", "login " + PIN,
        "sim clear stall", "ack stall", "start", "sim advance 2h", "sim fault end_stop",
        "sim advance 3h", "alarms", "status"),
    # a session that ends between marks, a bolus over a mark, the low-reservoir alarm
    "session_and_low": CASE1[:8] + ("refill 3mL", "confirm", "prime 150uL",
                                    "sim advance 10m", "start", "sim advance 17s",
                                    "bolus", "sim advance 890s", "sim advance 3d",
                                    "alarms", "status"),
}
SHOWS = {"differential_day": "! button OK", "power_cut_session": "ERR 44 lockout",
         "restart_power_cut": "! alarm name=restart", "month": "time=2026-01-31T07:10:00",
         "restart_watchdog": "reset cause=watchdog",
         "calibration": "reboot reason=calibrated",
         "mix_change": "! refill volume_nl=40000000 conc_ng_ml=500000",
         "battery": "! alarm name=battery_eos",
         "motion_faults": "! alarm name=end_stop",
         "session_and_low": "! alarm name=low_reservoir time=2026-01-02"}
EXTRA_LINES = ("sim power-cut", "sim fault hang", "calibrate run 2000", "calibrate cancel",
               "sim fill 10mL", "sim balance", "sim balance tare", "sim fault battery-eos",
               "ack restart", "ack clock", "ack memory", "ack end_stop", "sim advance 3d",
               "sim advance 61s", "sim advance 30500ms", "login " + PIN)


def play(script, walk, folder, monkeypatch):
    """Every line the board printed, and every file it left (flash and world), for one
    walk; booted again after each power cut or reset until the script is played."""
    from app import auth, boot
    # The PIN's salt is random; fixed here so the flash can be compared byte for byte.
    monkeypatch.setattr(auth, "_salt", lambda now_ms: b"fixsalt!")
    monkeypatch.setenv("PUMP_CLOCK", "manual")
    monkeypatch.setenv("PUMP_SIM_WALK", walk)
    monkeypatch.setenv("PUMP_WORLD", str(folder / "world.json"))
    flash = folder / "flash"
    flash.mkdir(parents=True)
    shutil.copy(DEFAULT_BOARD, flash / "board.json")
    port = ScriptPort(script)
    old = os.getcwd()
    os.chdir(flash)  # the board's flash is the firmware's cwd, as on the virtual Pico
    try:
        for _ in range(len(script) + 1):
            try:
                boot.run(port)
            except SystemExit:  # a power cut, a reset, or the end of the script
                pass
            if port.at == len(port.data):
                break
    finally:
        os.chdir(old)
    files = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            files[str(p.relative_to(folder))] = p.read_bytes()
    return port.out, files


@contextlib.contextmanager
def scratch():
    """A fresh folder for one comparison: in RAM where the host has /dev/shm (the flash is
    written at every step, several times faster there), else in the system's temp."""
    shm = "/dev/shm"
    where = shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None
    d = tempfile.mkdtemp(prefix="sim-jump-", dir=where)
    try:
        yield Path(d)
    finally:
        shutil.rmtree(d)


@pytest.fixture()
def folder():
    with scratch() as d:
        yield d


def compare(script, tmp, monkeypatch):
    event = play(script, "event", tmp / "event", monkeypatch)
    sliced = play(script, "slice", tmp / "slice", monkeypatch)
    tally.add("sim_jump.scripts")
    tally.add("sim_jump.lines_compared", len(event[0]))
    for i, (a, b) in enumerate(zip(event[0], sliced[0])):
        assert a == b, ("line %d differs" % i, "event: " + a, "sliced: " + b,
                        event[0][max(0, i - 8):i + 1])
    assert len(event[0]) == len(sliced[0]), (event[0][len(sliced[0]):],
                                            sliced[0][len(event[0]):])
    assert sorted(event[1]) == sorted(sliced[1])
    for name in event[1]:
        assert event[1][name] == sliced[1][name], name
    tally.add("sim_jump.files_compared", len(event[1]))
    return event[0]


def sent(path):
    """The lines `pumpctl run` would send from a script file."""
    return [step.send for step in parse(path.read_text().splitlines()) if step.send]


def pump_scripts():
    return sorted((REPO / "tools" / "scripts").glob("*.pump"))


def test_the_repo_has_scripts_to_compare():
    assert pump_scripts()


@pytest.mark.parametrize("path", pump_scripts(), ids=lambda p: p.name)
def test_every_tools_script_prints_the_same_lines_and_flash_in_both_walks(
        path, folder, monkeypatch):
    out = compare(sent(path), folder, monkeypatch)
    # The simulated time really ran: events that only time brings (case 1's day ends in
    # the occlusion alarm; the walk-through's bolus ends).
    assert any(l.startswith(("! alarm name=occlusion", "! bolus-done")) for l in out)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_scenario_the_tests_play_prints_the_same_in_both_walks(
        name, folder, monkeypatch):
    out = compare(list(SCENARIOS[name]), folder, monkeypatch)
    assert out[-1].startswith("OK"), out[-12:]
    # Not two empty streams agreeing: the scenario met what it was written for.
    assert any(SHOWS[name] in line for line in out), (name, SHOWS[name], out[-20:])


scripts = st.tuples(
    st.booleans(),
    st.lists(st.one_of(console_lines(), st.sampled_from(EXTRA_LINES).map(str.encode)),
             min_size=1, max_size=14)).map(
    lambda s: ([l.encode() for l in CASE1] if s[0] else []) + s[1] + [b"status"])


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
          max_examples=settings().max_examples // 4 or 1)
@given(scripts)
def test_random_console_scripts_print_the_same_lines_and_flash_in_both_walks(
        monkeypatch, script):
    with scratch() as d:
        compare(script, d, monkeypatch)


def test_case1_day_prints_the_same_lines_in_both_walks_on_the_virtual_pico(monkeypatch):
    """The same comparison on MicroPython itself (the virtual Pico, over its pty)."""
    monkeypatch.setenv("PUMP_CLOCK", "manual")
    script = sent(REPO / "tools" / "scripts" / "case1_day.pump")
    script += ["sim advance 2d", "log 40", "status"]
    outs = []
    for walk in ("event", "slice"):
        monkeypatch.setenv("PUMP_SIM_WALK", walk)  # the launcher and its VM inherit it
        with VirtualPico() as vp, PumpClient(vp.port) as c:
            out = [c.wait_ready()]
            for line in script:
                c.write_raw(line.encode() + b"\n")
                deadline = time.monotonic() + 60.0
                while True:
                    got = c.read_line(60.0, deadline)
                    assert got is not None, (walk, line, out[-5:])
                    out.append(got)
                    if is_final(got):
                        break
        outs.append(out)
    assert outs[0] == outs[1]
    assert any(l.startswith("! alarm name=occlusion") for l in outs[0])
