"""Patient activity by day (issue 16, item 8): `activity` shows each day's presses, grants,
refusals by reason, a clinician's boluses and each drug's dose, from a ring on flash that
holds more than a year; bad arguments change nothing. Runs under pytest and MicroPython.
Case 1 on the bench rig (hydromorphone, ropivacaine, clonidine; myPTM 30 ug, lockout 1 h,
7 a day)."""
import os
import sys

from console_fakes import Board, CASE1_LINES, kv
from store.flash import DirFlash
from store_helpers import scratch_dir
from store.persist import Persist
from store.sim_flash import SimFlash

DRUGS = ("hydromorphone", "ropivacaine", "clonidine")


def board(flash=None):
    return Board(persist=Persist(SimFlash() if flash is None else flash))


def running(b, at="2026-01-01T07:00:00"):
    b.login()
    b.ok("time " + at)
    for line in CASE1_LINES + ("refill 40mL", "confirm", "prime 150uL", "sim advance 4m"):
        b.ok(line)
    b.login()
    b.ok("start")
    b.ok("logout")
    return b


def days(reply):
    """The day lines of a reply as dicts (values as text)."""
    out = []
    for r in reply:
        if r.startswith("day "):
            out.append(dict(w.split("=", 1) for w in r.split()[1:]))
    return out


def doses(row):
    if row["dose_ng"] == "-":
        return {}
    return dict((p.split(":")[0], int(p.split(":")[1])) for p in row["dose_ng"].split(","))


def test_a_day_counts_presses_grants_and_each_refusal_by_its_reason():
    b = running(board())
    b.ok("bolus")  # 07:04: granted
    b.err("bolus", 43)  # the bolus still runs
    b.ok("sim advance 30m")
    b.err("bolus", 44)  # lockout
    b.ok("sim advance 1h")
    b.ok("bolus")
    b.ok("sim advance 5m")  # its end
    b.login()
    b.ok("bolus 50ug")  # a clinician's: not a press
    b.ok("sim advance 10m")
    b.ok("suspend")
    b.err("bolus", 41)  # suspended
    b.ok("resume")
    b.ok("logout")
    b.ok("sim advance 1d")  # past midnight: the day is closed, on flash
    reply = b.ok("activity")
    rows = days(reply)
    assert [r["date"] for r in rows] == ["2026-01-01", "2026-01-02"]
    first, today = rows
    assert (first["presses"], first["granted"], first["refused"]) == ("5", "2", "3")
    assert (first["bolus_running"], first["lockout"], first["not_running"]) == ("1", "1", "1")
    assert first["daily_max"] == first["dose_limit"] == first["alarm"] == "0"
    assert first["reservoir"] == first["other"] == "0"
    assert (first["clinician_boluses"], first["clinician_ng"]) == ("1", "50000")
    assert first["open"] == "0" and today["open"] == "1" and today["presses"] == "0"
    assert kv(reply) == {"days": "1", "unreadable": "0", "older": "0", "open": "1"}
    # Basal from 07:04 to midnight, two patient boluses and the clinician's: each drug's
    # ng, and the days add up to the pump's own totals to the ng.
    pump = b.dev.pump
    for drug in DRUGS:
        assert doses(first)[drug] + doses(today)[drug] == pump.delivered_ng(drug), drug
    hydro = doses(first)["hydromorphone"]
    # 07:04-08:00 at 600, 08:00-20:00 at 800, 20:00-24:00 at 700 ug/day, and 110 ug of
    # boluses, to within a step (1.4 uL at 1 mg/mL: 1400 ng) and the line's first fill.
    ideal = (56 * 600 + 720 * 800 + 240 * 700) * 1000 // 1440 + 110_000
    assert abs(hydro - ideal) <= 1400, (hydro, ideal)


def test_the_daily_maximum_is_its_own_reason():
    b = running(board())
    for _ in range(7):
        b.ok("bolus")
        b.ok("sim advance 61m")
    b.err("bolus", 45)
    row = days(b.ok("activity"))[-1]
    assert (row["presses"], row["granted"], row["daily_max"]) == ("8", "7", "1")


def test_bad_arguments_are_refused_and_change_nothing():
    b = running(board())
    b.ok("bolus")
    b.ok("sim advance 1d")
    flash = b.dev.store.log.flash
    files = dict(flash.files)
    blob = b.dev.day_blob
    for line, code in (("activity abc", 10), ("activity 0", 13), ("activity 99999", 13),
                       ("activity 32", 13), ("activity 3 -1", 10), ("activity 3 401", 13),
                       ("activity 1 2 3", 71), ("activity 2.5", 10)):
        b.err(line, code)
    assert flash.files == files and b.dev.day_blob == blob
    assert kv(b.ok("activity 1"))["days"] == "1"


def test_anyone_may_read_it_and_it_keeps_a_staged_refill_waiting():
    b = running(board())
    b.ok("sim advance 1d")
    assert kv(b.ok("activity"))["days"] == "1"  # logged out: the patient's own presses
    b.login()
    b.ok("stop")
    b.ok("refill 30mL withdrawn=10mL")
    b.ok("activity 2")
    b.ok("confirm")  # still waiting: a line that only reads


def test_a_store_less_board_shows_the_open_day_only():
    b = running(Board())
    b.ok("bolus")
    reply = b.ok("activity")
    assert kv(reply) == {"days": "0", "unreadable": "0", "older": "0", "open": "1"}
    assert days(reply)[0]["granted"] == "1"


def disk(tag):
    """A flash folder on disk, emptied (its `days/` too), as a board's: a year of records
    held in a SimFlash would leave the 512 KB heap of the MicroPython run in pieces too
    small to load a module."""
    path = "/tmp/pump_store_" + sys.implementation.name + "_" + tag
    try:
        for name in os.listdir(path + "/days"):
            os.remove(path + "/days/" + name)
    except OSError:
        pass  # no such folder yet
    return scratch_dir(tag)


def test_a_clock_never_set_counts_days_since_boot_and_the_ring_wraps_after_400():
    folder = disk("activity_wrap")
    b = Board(persist=Persist(DirFlash(folder)))
    # Day 1 (1970-01-01: the clock was never set), refused: no rx (said as what is missing)
    b.err("bolus", 25)
    b.ok("sim advance 366d")
    b.err("bolus", 25)
    b.ok("sim advance 40d")
    assert len(os.listdir(folder + "/days")) == 400  # the folder made at the first day
    reply = b.ok("activity 31")
    rows = days(reply)
    assert kv(reply) == {"days": "31", "unreadable": "0", "older": "369", "open": "1"}
    assert rows[-1]["date"] == "1971-02-11"  # 406 days since boot: the open one
    assert rows[-2]["date"] == "1971-02-10"
    # Paging back: the oldest kept is the 400th before the open day; day 1 is gone.
    reply = b.ok("activity 31 398")
    assert kv(reply)["older"] == "0"
    assert [r["date"] for r in days(reply)] == ["1970-01-07", "1970-01-08"]
    # The press 366 days in (1971-01-02) is kept, with its reason.
    found = []
    for skip in range(0, 400, 31):
        found += [r for r in days(b.ok("activity 31 %d" % skip)) if r["date"] == "1971-01-02"]
    assert [(r["presses"], r["not_running"]) for r in found] == [("1", "1")]


def test_a_damaged_record_is_skipped_and_said():
    b = running(board())
    b.ok("bolus")
    b.ok("sim advance 3d")
    flash = b.dev.store.log.flash
    name = "days/d2"
    data = bytearray(flash.files[name])
    data[20] ^= 0xFF
    flash.files[name] = bytes(data)
    reply = b.ok("activity")
    assert kv(reply)["days"] == "2" and kv(reply)["unreadable"] == "1"
    assert [r["date"] for r in days(reply)] == ["2026-01-01", "2026-01-03", "2026-01-04"]


def test_setting_the_clock_to_another_day_closes_the_open_one_under_its_date():
    b = running(board())
    b.ok("bolus")
    b.login()
    b.ok("time 2026-01-05T09:00:00")
    b.ok("logout")
    b.ok("sim advance 1m")
    rows = days(b.ok("activity"))
    assert [(r["date"], r["granted"]) for r in rows] == [("2026-01-01", "1"),
                                                          ("2026-01-05", "0")]


def test_a_reset_keeps_the_open_days_presses():
    flash = SimFlash()
    b = running(board(flash))
    b.ok("bolus")
    b.ok("sim advance 2h")
    b.ok("bolus")
    b = board(SimFlash(flash.files))  # power off and on: the clock starts again at 0
    row = days(b.ok("activity"))[-1]
    assert (row["date"], row["presses"], row["granted"]) == ("2026-01-01", "2", "2")


def test_the_ring_is_scanned_by_its_files_not_probed_400_times():
    # A boot without the open day (a fresh board, a lost snapshot) numbers the next record
    # one past the newest on flash. It lists the ring's folder: probing all 400 names cost
    # a fresh Pico ~1.2 s of boot. Files that are not the ring's are left alone, and a
    # flash that cannot list is still probed.
    from app import activity as act
    from store import record
    flash = SimFlash()
    for seq in (3, 7, 405):  # 405 is record 5 of the ring's second lap
        flash.write(act._file(seq), record.encode(act.MAGIC, act.VERSION, seq, b""))
    flash.write("days/notes", b"x")
    flash.write("days/d400", b"x")
    flash.write("daysd1", b"x")
    assert sorted(act._present(flash)) == [3, 5, 7]
    assert act._scan(flash) == 406
    reads = []
    read = flash.read
    flash.read = lambda name: reads.append(name) or read(name)
    act._scan(flash)
    assert len(reads) == 3, reads  # the three records, not 400 names
    assert act._present(SimFlash()) == []

    class NoList:  # a flash with read only: every name probed, the same answer
        def __init__(self, inner):
            self.read = inner.read
    assert act._scan(NoList(flash)) == 406
    days = "/tmp/pump_store_%s_activity-scan/days" % sys.implementation.name
    try:  # left by an earlier run: gone first (scratch_dir empties files, not folders)
        for name in os.listdir(days):
            os.remove(days + "/" + name)
        os.rmdir(days)
    except OSError:
        pass
    folder = scratch_dir("activity-scan")
    d = DirFlash(folder)
    assert d.names("days") == []  # no folder yet
    os.mkdir(folder + "/days")
    d.write(act._file(8), record.encode(act.MAGIC, act.VERSION, 8, b""))
    assert d.names("days") == ["d8"]
    assert act._scan(d) == 9
