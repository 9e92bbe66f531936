"""`pumpctl record` (host/pumpctl/record.py): a script played on a fresh virtual Pico gives
a reading every 30 s of pump time and every event; its totals match the prescription
worked out here from plain sums and the rig's mechanics. The real-board mode is checked
with a fake client and a fake clock (no waiting on real time)."""
import io
import json
import subprocess
import sys
from fractions import Fraction

import pytest

from pumpctl import delivery_log, record, script
from pumpctl.client import PumpClient, Reply
from pumpctl.virtual_pico import VirtualPico

# One worker builds this module's fixture once (make test: --dist loadgroup); split
# over two, each built its own.
pytestmark = pytest.mark.xdist_group('test_record')

# The virtual Pico's rig: BD 60 mL (26.7 mm) on a T8 screw, 200 x 16 microsteps, pi 355/113.
STEP_NL = Fraction(355 * 26_700 ** 2 * 8_000, 113 * 4 * 3_200 * 1_000_000)
MIN_MS = 60_000
DAY_MIN = 1440

SCRIPT = """pin 2468
login 2468
time 2026-01-01T07:00:00
drug hydromorphone 1000ug/mL
basal 00:00=600ug/d 08:00=800ug/d
ptm 30ug lockout=1h max=7
reservoir-alarm 2mL
refill 40mL
confirm
prime 150uL
sim advance 5m
start                  # 07:05
sim advance 1h         # 08:05, past the 08:00 step
bolus
sim advance 30m
bolus                  # expect ERR
sim advance 2h         # 10:35
"""


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("PUMP_CLOCK", "manual")  # time moves only with sim advance
    path = tmp_path_factory.mktemp("rec") / "day.jsonl"
    try:
        with VirtualPico() as vp, PumpClient(vp.port) as client, open(path, "w") as out:
            client.wait_ready()
            rec = record.Recorder(client, out, sim=True)
            rec.header(script="inline")
            surprises = rec.play(script.parse(io.StringIO(SCRIPT)))
    finally:
        mp.undo()
    return path, surprises


@pytest.mark.slow  # these four share a day recorded on a virtual Pico (~4 s)
def test_the_script_answers_as_written(recorded):
    _, surprises = recorded
    assert surprises == []


@pytest.mark.slow
def test_time_passes_in_readings_30_s_apart(recorded):
    log = delivery_log.read(recorded[0])
    times = [s.t_ms for s in log.samples]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert gaps[:-1] == [30_000] * (len(gaps) - 1)
    assert gaps[-1] == 0  # the closing reading, after the last slice's
    assert log.samples[-1].t_ms == (5 + 60 + 30 + 120) * MIN_MS
    # one reading at the start, one per slice, one at the end
    assert len(log.samples) == 1 + (5 + 60 + 30 + 120) * 2 + 1


@pytest.mark.slow
def test_every_event_is_kept_and_placed_in_time(recorded):
    log = delivery_log.read(recorded[0])
    kinds = [e.kind for e in log.events]
    for kind in ("program", "refill", "primed", "state", "bolus", "refused", "bolus-done"):
        assert kind in kinds
    (bolus,) = log.events_of("bolus")
    assert bolus.t_ms == 65 * MIN_MS
    (refused,) = log.events_of("refused")
    assert refused.t_ms == 95 * MIN_MS and refused.fields["code"] == 44
    (primed,) = log.events_of("primed")
    assert 0 < primed.t_ms <= 5 * MIN_MS  # 150 uL at 50 uL/min: about 3 min


@pytest.mark.slow
def test_delivered_totals_match_the_prescription_worked_out_here(recorded):
    log = delivery_log.read(recorded[0])
    t = delivery_log.totals(log)
    # 07:05-08:00 at 600 ug/day, 08:00-10:35 at 800 ug/day, one 30 ug bolus; in ng.
    ideal_ng = Fraction(600_000 * 55, DAY_MIN) + Fraction(800_000 * 155, DAY_MIN) + 30_000
    assert abs(t["programmed_ng"] - ideal_ng) < Fraction(1, 1000)  # read in whole pg
    assert log.samples[-1].step_nl == STEP_NL
    # 1 ng is 1 nL at 1 mg/mL; the motor is never ahead, never a whole step behind.
    assert ideal_ng - STEP_NL < t["delivery_nl"] <= ideal_ng
    assert t["delivery_nl"] == t["delivery_steps"] * STEP_NL
    assert (t["boluses"], t["refused"], t["bolus_ng"]) == (1, 1, 30_000)
    assert t["low_nl"] == 2_000_000


# ----- without a board -----
class FakeClient:
    """Answers like the console: status with a moving uptime, OK to the rest."""

    def __init__(self, clock):
        self.clock = clock
        self.sent = []
        self.reboot_pending = False
        self.events = []

    def command(self, line, timeout=5.0):
        self.sent.append(line)
        if line == "status":
            up = int(self.clock.now * 1000)
            return Reply(line, ["delivery uptime_ms=%d steps=0 step_nl_num=7 step_nl_den=5 "
                                "ideal_pg=0 conc_ng_ml=- low_nl=-" % up], [],
                         "OK time=1970-01-01T00:00:00 state=stopped alarms=-")
        if line.startswith("refill"):
            return Reply(line, [], [], "OK volume_nl=1 confirm=required")
        return Reply(line, [], [], "OK")


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.slept = 0.0

    def __call__(self):
        return self.now

    def sleep(self, s):
        self.now += s
        self.slept += s


def _play(text, sim):
    clock = FakeClock()
    client = FakeClient(clock)
    out = io.StringIO()
    rec = record.Recorder(client, out, sim=sim, sleep=clock.sleep, clock=clock)
    rec.play(script.parse(io.StringIO(text)))
    return client, clock, [json.loads(x) for x in out.getvalue().splitlines()]


def test_a_pin_is_sent_as_typed_but_masked_in_the_log_and_the_transcript():
    clock = FakeClock()
    client = FakeClient(clock)
    out, said = io.StringIO(), []
    rec = record.Recorder(client, out, sim=True, sleep=clock.sleep, clock=clock,
                          echo=said.append)
    rec.play(script.parse(io.StringIO("pin 2468\nLOGIN  2468  # the clinician\n")))
    assert "pin 2468" in client.sent and "LOGIN  2468" in client.sent
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [r["send"] for r in rows if r["type"] == "command"] == ["pin ****", "LOGIN ****"]
    assert [x for x in said if x.startswith(">")] == ["> pin ****",
                                                    "> LOGIN ****  # the clinician"]
    assert "2468" not in out.getvalue() + "\n".join(said)


@pytest.mark.slow  # a virtual Pico booted for it (~2 s)
def test_pumpctl_record_on_a_virtual_pico_writes_and_prints_no_pin(tmp_path):
    pump = tmp_path / "pins.pump"
    pump.write_text("pin 2468\nlogin 2468\nsim advance 1m\n")
    log = tmp_path / "log.jsonl"
    proc = subprocess.run([sys.executable, "-m", "pumpctl.cli", "record", str(pump), "-o",
                           str(log)], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert '"send":"login ****"' in log.read_text()
    assert "2468" not in log.read_text() + proc.stdout + proc.stderr


def test_on_a_real_board_sim_advance_is_waited_in_wall_time_with_a_poll_every_30_s():
    client, clock, rows = _play("sim advance 2m\n", sim=False)
    assert "sim advance 2m" not in client.sent and not any(
        s.startswith("sim") for s in client.sent)
    assert client.sent == ["status"] * 6  # the start, four polls, the end
    assert clock.slept == pytest.approx(120.0)
    assert [r["t_ms"] for r in rows if r["type"] == "sample"][:5] == [
        0, 30_000, 60_000, 90_000, 120_000]


def test_on_the_virtual_pico_an_advance_is_sliced_into_30_s_steps():
    client, clock, _ = _play("sim advance 95s\n", sim=True)
    slices = [s for s in client.sent if s.startswith("sim advance")]
    assert slices == ["sim advance 30000ms"] * 3 + ["sim advance 5000ms"]
    assert clock.slept == 0


def test_nothing_is_sent_between_a_refill_and_its_confirm():
    client, _, _ = _play("refill 40mL\nconfirm\nsim advance 30s\n", sim=True)
    at = client.sent.index("refill 40mL")
    assert client.sent[at + 1] == "confirm"


@pytest.mark.parametrize("text, ms", [("2h", 7_200_000), ("30s", 30_000), ("1.5h", 5_400_000),
                                      ("31m", 1_860_000), ("5min", 300_000), ("1d", 86_400_000),
                                      ("0.5ms", None), ("2x", None), ("-1h", None),
                                      ("0s", None), ("1hr", 3_600_000), ("6HOURS", 21_600_000),
                                      ("4h30m", 16_200_000), ("30m4h", None),
                                      ("2days", 172_800_000)])
def test_durations_are_read_as_the_console_reads_them(text, ms):
    assert record.duration_ms(text) == ms


def test_board_times_are_read_as_utc_and_anything_else_is_none():
    assert record.iso_ms("1970-01-02T00:00:01") == 86_401_000
    assert record.iso_ms("2026-01-01T07:00:00") == ((56 * 365 + 14) * 24 + 7) * 3_600_000
    for junk in ("-", "", None, "2026-02-30T00:00:00", "2026-01-01 07:00:00", "2026-1-01T7:00:00"):
        assert record.iso_ms(junk) is None


def test_the_host_reads_every_duration_spelling_as_the_firmware_does():
    # The recorder slices a `sim advance` by what the board will walk: a spelling the
    # firmware takes and the host misread would record the wrong span (issue 16's units).
    from pump.errors import PumpError
    from pump.units import parse_duration_ms
    units = ("ms", "s", "m", "min", "mins", "h", "hr", "hrs", "hour", "hours", "d", "day",
             "days", "H", "Hr", "D", "MIN")
    texts = ["%s%s" % (n, u) for n in ("1", "2", "30", "1.5", "0.25") for u in units]
    texts += ["4h30m", "1h30min", "1d12h", "1d1h1m1s1ms", "30m4h", "1h1h", "1.5h30m"]
    for text in texts:
        try:
            fw = parse_duration_ms(text)
        except PumpError:
            fw = None
        assert record.duration_ms(text) == (fw or None), text
