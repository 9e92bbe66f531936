"""A power cut half way through a flash page program, on the board's own LittleFS: the
state read back at the next boot is the one before the change or the one after, never a
mix and never lost (LittleFS commits copy-on-write; store/slots.py keeps A/B records on
top). The cut is timed by the runner: the Nth page program from the command on is cut
half way, and the flash is saved as it was at that instant."""
import pytest

from pumpctl.client import PumpClient
from pumpctl.emu.board import EmuPico

from conftest import BD1ML
from emu_console import ok, program


def boot_report(emu, start):
    out = emu.wait_output(b" lease=", 120, start).decode(errors="replace")
    line = next(x for x in out.splitlines() if x.startswith("! boot state="))
    return dict(f.split("=", 1) for f in line.split()[2:4])


@pytest.mark.parametrize("nth", [1, 3])
def test_a_cut_mid_write_reads_back_the_state_before_or_after(tmp_path, nth):
    with EmuPico(tmp_path, board_config=BD1ML) as emu, PumpClient(emu.port) as c:
        c.wait_ready(120)
        program(c)  # basal 1 mg/day, saved
        assert ok(c, "status").fields["basal_ng_d"] == "1000000"
        programs = emu.state()["flash"]["programs"]
        emu.power_cut(after_programs=nth)
        c.write_raw(b"basal 00:00=2mg/d\r")  # saved before its reply: the cut comes first
        emu.wait_cut()
        cut_at = emu.events("cut")[-1]["programs"]
        assert cut_at == programs + nth  # the cut fell inside this command's save
        mark = len(emu.seen)
        emu.power_on()
        c.wait_ready(120)
        report = boot_report(emu, mark)
        assert report["state"] in ("clean", "torn"), report  # not odd, not lost
        assert report["lease"] in ("clean", "torn", "fresh"), report
        status = ok(c, "status").fields
        assert status["basal_ng_d"] in ("1000000", "2000000"), status
        assert "memory" not in status["alarms"].split(","), status
