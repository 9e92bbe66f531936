"""Basal and a patient bolus on the real target, the bolus asked for as a patient does:
by holding the button on its GPIO. The basal runs at its rate; a press held for the
rig's button_hold_ms is granted once (and a second one inside the lockout refused, in
words); a short bump is no press at all; a `stop` in the middle of a bolus turns the
driver off at once; and every STEP edge is a step the firmware reports, to the step."""
from pumpctl.client import PumpClient
from pumpctl.emu.board import EmuPico

from emu_console import ok, program, wait_event
from emu_rig import (NS_PER_MS, en_log, fast_rig, fill_line, status_at_pins, steps_reported,
                     wait_emulated, wait_rises)

# 0.3 mL/day of morphine at 10 mg/mL: a step every 1.3 s. The loop idles (100 ms
# passes) between steps so far apart, and idle emulated time is cheap here (~4x real).
BASAL = "00:00=3mg/d"
BASAL_NL_PER_DAY = 300_000
BASAL_WAIT_MS = 12_000
PTM = "20ug lockout=1h max=4"  # 2 uL: ~450 steps
DOSE_NG = 20_000
CONC_NG_PER_ML = 10_000_000  # morphine 10 mg/mL
MS_PER_DAY = 86_400_000
HOLD_MS = 1000  # the 1 mL rig's button_hold_ms
BUMP_MS = 200
PRESS_MS = 1200


def buttons(emu, since):
    """The `! button ...` event lines the console sent from offset `since` on."""
    text = bytes(emu.seen[since:]).decode(errors="replace")
    return [line for line in text.splitlines() if line.startswith("! button")]


def basal_steps(data0, data1):
    """The steps the basal alone owes between two status readings, by the firmware's
    own clock (uptime_ms): its rate over the time between them."""
    ms = int(data1["uptime_ms"]) - int(data0["uptime_ms"])
    return (ms * BASAL_NL_PER_DAY * int(data0["step_nl_den"])
            // (MS_PER_DAY * int(data0["step_nl_num"])))


def released(emu, count):
    """Wait for the harness to have released the button `count` times in all."""
    button, up = emu.pins.button, 1 - emu.pins.levels["button"]
    for _ in range(600):
        if len([e for e in emu.events("fired")
                if e["pin"] == button and e["value"] == up]) >= count:
            return
        wait_emulated(emu, 10)
    raise AssertionError("the button was never released")


def test_a_held_press_is_one_bolus_a_bump_is_none_and_edges_are_steps(tmp_path):
    # A short line (its prime costs a second), and boluses at half the driver's ceiling: the
    # loop takes one console byte a pass, and a pass that moves at 93 % of max_step_hz
    # lasts ~14 times its own overhead, so a `stop` would land only after the bolus.
    rig = fast_rig(tmp_path, dead_volume_ul=5, bolus_ul_per_min=250)
    with EmuPico(tmp_path / "emu", board_config=rig) as emu, PumpClient(emu.port) as c:
        assert emu.config["button_hold_ms"] == HOLD_MS
        c.wait_ready(120)
        program(c, basal=BASAL, ptm=PTM)
        fill_line(c, emu)
        ok(c, "start")
        fields, data = status_at_pins(c, emu)
        assert fields["state"] == "running" and fields["boluses_24h"] == "0"
        step_pl = int(data["step_nl_num"]) * 1000 // int(data["step_nl_den"])
        mark = len(emu.seen)

        # A bump: down for 200 ms, well short of the 1 s hold. No press, no event (one
        # would be reported within a pass, 100 ms, of the release); only the basal
        # moves, at its rate: the integrator keeps within a step of the ideal at every
        # instant, so within two between two readings.
        emu.press(BUMP_MS)
        released(emu, 1)
        wait_emulated(emu, BASAL_WAIT_MS)
        fields, data1 = status_at_pins(c, emu)
        assert buttons(emu, mark) == [], buttons(emu, mark)
        assert fields["boluses_24h"] == "0" and fields["state"] == "running"
        owed = basal_steps(data, data1)
        assert owed >= 8
        assert abs(int(data1["steps"]) - int(data["steps"]) - owed) <= 2, (owed, data, data1)
        data = data1

        # A deliberate press: held 1.2 s, then released. Granted, once.
        emu.press(PRESS_MS)
        granted = wait_event(c, "! button", 60)
        assert granted.startswith("! button OK dose_ng=%d by=patient" % DOSE_NG), granted
        wait_event(c, "! bolus-done", 60)
        wait_emulated(emu, 300)
        fields, data1 = status_at_pins(c, emu)
        assert buttons(emu, mark) == [granted]
        assert fields["boluses_24h"] == "1"
        # The bolus's own steps: its volume, on top of the basal's, within two steps.
        bolus_steps = DOSE_NG * 1_000_000 // CONC_NG_PER_ML * 1000 // step_pl
        moved = int(data1["steps"]) - int(data["steps"]) - basal_steps(data, data1)
        assert abs(moved - bolus_steps) <= 2, (moved, bolus_steps)

        # The same press again, inside the 1 h lockout: refused in words (and nothing
        # moves: every edge is still a step reported, below).
        emu.press(PRESS_MS)
        refused = wait_event(c, "! button", 60)
        assert refused.startswith("! button ERR "), refused
        assert len(buttons(emu, mark)) == 2

        # A clinician's bolus, stopped half way: EN off at once, no edge after it.
        on = emu.pins.en_active()
        assert en_log(emu)[-1][1] == on  # running: the driver is on
        moving_from = len(emu.rises())
        ok(c, "bolus 100ug")  # 10 uL: 2229 steps, 2.4 s at 250 uL/min
        wait_rises(emu, moving_from + 200)
        asked = len(emu.seen)
        stopped = ok(c, "stop")
        at = emu.ns_of(stopped.final.encode(), asked)  # when its answer left the board
        steps = steps_reported(c)
        rises = emu.rises()
        log = en_log(emu)
        assert steps == len(rises), (steps, len(rises))
        assert steps - moving_from < 2229  # stopped before the bolus's 10 uL were out
        assert log[-1][1] == 1 - on, log[-4:]
        off_at = log[-1][0]
        assert rises[-1] < off_at  # no STEP edge once the driver is off
        assert at is not None and off_at <= at + 20 * NS_PER_MS, (off_at, at, stopped)
        wait_emulated(emu, 300)
        assert len(emu.rises()) == steps  # and none later either
        assert en_log(emu)[-1][1] == 1 - on
