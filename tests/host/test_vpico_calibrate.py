"""A calibration on the virtual Pico, over its pseudo-terminal as a user would make it: the
simulated syringe's bore is 2.3 % wider than its board.json says (the world file's
true_ppm), a run into the simulated balance finds it, board.json on the flash gets the new
factor, the board restarts, and the rebuilt rig then agrees with the world."""
import json
import time
from fractions import Fraction

from pumpctl.client import PumpClient
from pumpctl.virtual_pico import DEFAULT_BOARD, VirtualPico

TRUE_PPM = 1_023_000
# The default rig (BD 60 mL, 26.7 mm, T8x8, 200 x 16), pi as 355/113: nL per microstep.
DRAWN_NL = Fraction(355 * 26_700 ** 2 * 8_000, 113 * 4 * 3_200 * 1_000_000)
STEPS = 2000


def ok(c, line):
    reply = c.command(line, timeout=30.0)
    assert reply.ok, (line, reply.final, reply.events)
    return reply


def world_file(path):
    # A fresh world (hal/sim/world.py's fields), but for the mechanism's truth.
    path.write_text(json.dumps({
        "travel": 0, "pushed": 0, "trapped_nl": 0, "delivered_nl": 0, "occluded": False,
        "jammed": False, "battery_mv": 4800, "tare_nl": 0, "true_ppm": TRUE_PPM}))


def weigh_a_run(c, steps):
    """Tare, run `steps`, let the line drain, log in again; the balance's reading in nL."""
    ok(c, "sim balance tare")
    ms = int(ok(c, "calibrate run %d" % steps).fields["ms"])
    events = ok(c, "sim advance %dms" % ms).events
    assert any(e.startswith("! calibrate-done steps=%d" % steps) for e in events), events
    ok(c, "sim advance 1m")
    ok(c, "login 2468")  # the session ended during the run
    return int(ok(c, "sim balance").fields["balance_nl"])


def test_a_wide_bore_is_found_stored_in_board_json_and_the_rebuilt_rig_agrees(
        tmp_path, monkeypatch):
    monkeypatch.setenv("PUMP_CLOCK", "manual")  # time moves only with sim advance
    world_file(tmp_path / "world.json")
    started = time.monotonic()
    with VirtualPico(state_dir=tmp_path) as vp, PumpClient(vp.port) as c:
        assert c.wait_ready().endswith("step_nl=1400")
        for line in ("pin 2468", "login 2468", "sim fill 50mL"):
            ok(c, line)
        weighed = weigh_a_run(c, STEPS)
        # The world pushed 2000 true steps: 2.3 % more than the drawing, to the nL.
        assert abs(weighed - STEPS * DRAWN_NL * TRUE_PPM / 1_000_000) <= 1
        reply = ok(c, "calibrate weighed %dnL" % weighed)
        r = reply.fields
        assert r["old_ppm"] == "1000000" and r["reboot"] == "calibrated", r
        found = int(r["new_ppm"])
        assert abs(found - TRUE_PPM) <= 1, found
        # The reboot is announced before the final line, so the client knows to wait.
        assert "! reboot reason=calibrated" in reply.events, reply.received
        assert c.reboot_pending
        ready = c.wait_ready(timeout=20.0)
        assert ready.endswith("step_nl=1432"), ready  # 1399.76 x 1.023 = 1431.95
        assert ok(c, "status").fields["step_nl"] == "1432"
        stored = json.loads((vp.flash / "board.json").read_text())
        drawn = json.loads(DEFAULT_BOARD.read_text())
        assert stored.pop("calibration_ppm") == found
        drawn.pop("calibration_ppm")
        assert stored == drawn  # nothing else in the config changed
        # The rebuilt rig now believes what the world does: a second run weighs as it says.
        ok(c, "login 2468")
        weighed = weigh_a_run(c, 1000)
        believed = 1000 * DRAWN_NL * found / 1_000_000
        assert abs(weighed - believed) * 1_000_000 <= believed * 2  # within 2 ppm
        ok(c, "calibrate cancel")
    assert time.monotonic() - started < 60
