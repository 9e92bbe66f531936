"""`pumpctl log --days --csv` against the virtual Pico (the real MicroPython VM, its flash a
host folder): case 1 run for 40 days with presses on the first, read back as CSV with a
header and one row per day, paged past the 31 days a reply holds; the drug columns add up
to the pump's own delivered total, and `pumpctl log` without --days is the event log as
before."""
import csv
import io
import subprocess
import sys
from datetime import date, timedelta

from pumpctl import activity
from pumpctl.client import PumpClient
from pumpctl.virtual_pico import VirtualPico

PUMPCTL = [sys.executable, "-m", "pumpctl.cli"]
SETUP = ("pin 2468", "login 2468", "time 2026-01-01T07:00:00",
         "drug hydromorphone 1000ug/mL ropivacaine 2500ug/mL clonidine 75ug/mL",
         "basal 00:00=600ug/d 08:00=800ug/d 20:00=700ug/d", "ptm 30ug lockout=1h max=7",
         "capacity 40mL", "reservoir-alarm 2mL", "refill 40mL", "confirm", "prime 150uL",
         "sim advance 10m", "start", "logout")


def ok(client, line):
    reply = client.command(line, timeout=60.0)
    assert reply.ok, (line, reply.final)
    return reply


def pumpctl(*args):
    return subprocess.run(PUMPCTL + list(args), capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)


def test_log_days_csv_has_a_header_and_a_row_for_every_day_adding_up_to_the_totals():
    with VirtualPico() as vp:
        with PumpClient(vp.port) as c:
            c.wait_ready()
            for line in SETUP:
                ok(c, line)
            ok(c, "bolus")  # 07:10, granted
            assert c.command("bolus", timeout=30.0).code == 43  # it still runs
            ok(c, "sim advance 40d")
            delivered = int(ok(c, "status").fields["delivered_ng"])
        done = pumpctl("log", "--days", "--csv", "--port", vp.port)
        assert done.returncode == 0, done.stderr
        rows = list(csv.reader(io.StringIO(done.stdout)))
        events = pumpctl("log", "3", "--port", vp.port)
    header, days = rows[0], rows[1:]
    assert header == list(activity.COLUMNS) + ["clonidine_ng", "hydromorphone_ng",
                                               "ropivacaine_ng", "open"]
    by = [dict(zip(header, r)) for r in days]
    # 2026-01-01 to 2026-02-10: 41 days, the last one open; the pages met without a seam.
    want = [(date(2026, 1, 1) + timedelta(days=i)).isoformat() for i in range(41)]
    assert [r["date"] for r in by] == want
    assert [r["open"] for r in by] == ["0"] * 40 + ["1"]
    first = by[0]
    assert (first["presses"], first["granted"], first["bolus_running"]) == ("2", "1", "1")
    assert all(r["presses"] == "0" for r in by[1:])
    assert sum(int(r["hydromorphone_ng"]) for r in by) == delivered
    # A whole day of case 1's schedule is ~717 ug of hydromorphone (to a step, 1.4 ug).
    assert abs(int(by[5]["hydromorphone_ng"]) - 716_667) <= 1_400, by[5]
    # The event log, as before --days.
    assert events.returncode == 0, events.stderr
    assert len(events.stdout.splitlines()) == 3
    assert not events.stdout.startswith("day ")
