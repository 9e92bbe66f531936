"""A refill that lowers a secondary drug's ratio to the primary (issue 14, item 2, its last
sentence): each drug's past dose must be kept as it was delivered, not converted at
today's mix, and the old, richer fluid still in the line must count at its own ratio.

Morphine 10 mg/mL with clonidine 1000 ug/mL at 5 mg/day (500 ug of clonidine a day, of
its 600 ug row) for a day on the 60 mL bench rig, then a refill at clonidine 500 ug/mL:
the same drugs, so no flush is asked, and the 150 uL line still holds 150 ug of clonidine
at the old ratio. Found: the pump converted the past day at the new mix (250 ug of
clonidine where 500 were given) and the line's fluid too, so
- a clinician bolus of 0.2 mg every 20 minutes, then every 30, was granted 24 times:
  692 ug of clonidine left the catheter in a rolling 24 h (row 600 ug), and the step
  guard tripped, stopping therapy;
- a new basal of 11.9 mg/day, within the new mix's row (595 ug of clonidine a day), was
  granted while the line held the old fluid: 671 ug of clonidine in the next 24 h;
- one clinician bolus of 0.4 mg (the new mix's cap: 20 ug of clonidine) came all from the
  line: 40 ug of clonidine, twice its row.
Every dose here is measured at the catheter tip, from the tubing's per-drug output
(`pump.delivered`), pass by pass. Runs under pytest and MicroPython."""
from array import array

from console_fakes import Board, program_and_run
from pump import drugs as dt
from pump.errors import E_BOLUS_LIMIT, E_CLINICIAN_BOLUS_LIMIT, E_DOSE_WINDOW

HOUR = 3_600_000
DAY = 86_400_000
OLD = "drug morphine 10mg/mL clonidine 1000ug/mL"
NEW = "drug morphine 10mg/mL clonidine 500ug/mL"
SETUP = ("time 2026-01-01T07:00:00", OLD, "basal 5mg/d", "ptm off", "capacity 20mL",
         "reservoir-alarm 2mL", "refill 10mL", "confirm", "prime 150uL")
STEP_NL = 1400  # the bench rig's step
RICHEST = {"morphine": 10_000_000, "clonidine": 1_000_000}  # ng/mL, either fill


class TipBoard(Board):
    """A board that keeps, after each pass that moved something, what has left the
    catheter tip per drug so far (ng, rounded down). Fixed arrays: a pass at most a minute
    on the sim's jumps, so a few days fit. They are made once, when the module loads, and
    every board reuses them: a MicroPython heap of 512 KB, fragmented by the boards of the
    tests before, may have no 24 KB block left for a new one."""

    SIZE = 6000
    TIMES = array("i", bytes(4 * 6000))
    TIP = {name: array("i", bytes(4 * 6000)) for name in ("morphine", "clonidine")}

    def __init__(self):
        self.times = self.TIMES
        self.tip = self.TIP
        self.n = 0  # entries past n are stale, from an earlier board; never read
        Board.__init__(self)

    def one_pass(self):
        Board.one_pass(self)
        p = self.dev.pump
        den = p.rig.step_den * 1_000_000
        now = {name: p.delivered.get(name, 0) // den for name in RICHEST}
        k = self.n
        if k and all(self.tip[name][k - 1] == now[name] for name in RICHEST):
            return
        assert k < self.SIZE, "more passes than the record holds"
        self.times[k] = self.clock.t
        for name in RICHEST:
            self.tip[name][k] = now[name]
        self.n = k + 1


def tip_peak_ng(b, name, window_ms):
    """Most ng of `name` that left the tip in any window (a, a + window_ms] (whole ms),
    from the passes' record: a pass's output lands at its own time."""
    times, cum = b.times, b.tip[name]
    best, i = 0, 0
    for j in range(b.n):
        while times[j] - times[i] >= window_ms:
            i += 1
        v = cum[j] - (cum[i - 1] if i > 0 else 0)
        best = v if v > best else best
    return best


def assert_within_rows(b):
    """Per drug at the tip: no rolling hour or 24 h over its table row, beyond the one
    step a window may hold past the ideal (at the richest fluid of either fill)."""
    for name in ("morphine", "clonidine"):
        row = dt.lookup(name)
        step_ng = STEP_NL * RICHEST[name] // 1_000_000
        for window, field in ((HOUR, dt.F_MAX_HOURLY), (DAY, dt.F_MAX_DAILY)):
            got = tip_peak_ng(b, name, window)
            assert got <= row[field] + step_ng, (name, window, got, row[field])


def ran_a_day_then_refilled(basal="basal 5mg/d", new=NEW):
    b = TipBoard()
    program_and_run(b, [basal if line.startswith("basal") else line for line in SETUP])
    b.login()
    b.ok("stop")
    b.ok(new)
    b.ok("refill 15mL withdrawn=%dnL" % b.dev.pump.reservoir.volume_nl())
    b.ok("confirm")
    b.ok("start")  # the same drugs at a new ratio: no flush asked
    return b


def test_clinician_boluses_after_a_lower_ratio_keep_clonidine_within_its_rows():
    b = ran_a_day_then_refilled()
    granted, refused = 0, []
    for k in range(54):  # 3 h every 20 min, then 21 h every 30 min
        b.login()
        reply = b.send("bolus 0.2mg")
        if reply[-1].startswith("OK"):
            granted += 1
        else:
            refused.append(reply[-1])
        b.ok("sim advance %s" % ("20m" if k < 9 else "30m"))
    b.ok("sim advance 1d")
    assert_within_rows(b)
    assert "guard" not in b.dev.pump.alarms.state, "the pump's own grants tripped the guard"
    assert all(r.startswith("ERR %d " % E_DOSE_WINDOW) for r in refused), refused
    assert granted >= 10, (granted, refused)  # the clinician was not simply shut out


def test_a_new_basal_counts_the_old_fluid_still_in_the_line():
    b = ran_a_day_then_refilled()
    # 11.9 mg/day is 595 ug of clonidine a day at the new mix, but the line's 150 uL of
    # the old fluid carries 75 ug more than the new mix would: 670 ug in the next 24 h.
    reply = b.send("basal 11.9mg/d")
    assert reply[-1].startswith("OK") or reply[-1].startswith("ERR %d " % E_DOSE_WINDOW), reply
    b.ok("sim advance 25h")
    assert_within_rows(b)


def test_a_new_basal_that_leaves_room_for_the_line_is_taken():
    b = ran_a_day_then_refilled()
    b.ok("basal 10mg/d")  # 500 ug of clonidine a day, + 75 ug from the line: no blanket refusal
    b.ok("sim advance 25h")
    assert_within_rows(b)


def test_one_clinician_bolus_from_the_old_fluid_stays_within_the_bolus_row():
    b = ran_a_day_then_refilled()
    row = dt.lookup("clonidine")[dt.F_MAX_CLINICIAN_BOLUS]
    before = b.dev.pump.delivered.get("clonidine", 0)
    reply = b.send("bolus 0.4mg")  # 40 uL: all of it the line's old fluid
    ok = reply[-1].startswith("OK")
    assert ok or reply[-1].startswith("ERR %d " % E_CLINICIAN_BOLUS_LIMIT), reply
    b.ok("sim advance 5m")  # 4 min of bolus at 10 uL/min, and a pass
    den = b.dev.pump.rig.step_den * 1_000_000
    given = (b.dev.pump.delivered.get("clonidine", 0) - before) // den
    # 5 min of basal at the old ratio (5 mg/day: 1.7 ug of clonidine) and a step beside it
    assert given <= row + 1_800 + 1_400, (given, row)
    if not ok:  # the most it allows now is what the old fluid's ratio allows
        b.login()
        b.ok("bolus 0.2mg")


def test_when_the_tightest_drug_changes_the_pumps_grants_never_trip_the_guard():
    # At 1000 ug/mL clonidine is the tightest of the mix, at 100 ug/mL morphine is. The
    # step guard counts each step at its own mix's share of that mix's guard hour (the
    # tightest hourly limit and clinician bolus: 115 uL of the old fluid, 287.5 uL of the
    # new), so the old fluid's steps weigh 2.5 new ones. Checked drug by drug alone, the
    # pump granted a 0.2 mg bolus at 192 of the guard's 205 steps, and the guard tripped.
    b = ran_a_day_then_refilled("basal 2mg/d", "drug morphine 10mg/mL clonidine 100ug/mL")
    granted = 0
    for _ in range(60):  # as much as the pump allows, every 4 minutes, for 4 hours
        b.login()
        reply = b.send("bolus 0.5mg")
        if not reply[-1].startswith("OK"):
            reply = b.send("bolus 0.2mg")
        granted += reply[-1].startswith("OK")
        b.ok("sim advance 4m")
    b.ok("sim advance 1h")
    assert "guard" not in b.dev.pump.alarms.state, "the pump's own grants tripped the guard"
    assert_within_rows(b)
    assert granted >= 10, granted


def test_a_new_basal_is_held_where_the_line_washes_out_not_only_at_its_ends():
    # 5.9 mg/day of the old mix is 590 ug of clonidine a day. 9 mg/day of the new pushes
    # the line's old fluid out in 4 h at 37.5 ug of clonidine an hour while the day's
    # oldest hours leave the window at 24.6: the day peaks 4 h on, at 642 ug, where the
    # two bounds of pump/mixes.py cross, between any two breakpoints of the schedule.
    b = ran_a_day_then_refilled("basal 5.9mg/d")
    reply = b.send("basal 9mg/d")
    assert reply[-1].startswith("OK") or reply[-1].startswith("ERR %d " % E_DOSE_WINDOW), reply
    b.ok("sim advance 25h")
    assert_within_rows(b)


def test_a_schedule_whose_peak_comes_later_counts_the_line_then():
    # 1 mg/day leaves the old fluid in the line for a day and a half; the 20:00 hour at
    # 40 mg/day (83 ug of clonidine at the new mix) would push 150 uL of it out in that
    # hour: 158 ug against the 95 ug hourly row, in a window no check at 07:00 holds.
    b = ran_a_day_then_refilled()
    reply = b.send("basal 00:00=1mg/d 20:00=40mg/d 21:00=1mg/d")
    assert reply[-1].startswith("OK") or reply[-1].startswith("ERR %d " % E_DOSE_WINDOW), reply
    b.ok("sim advance 25h")
    assert_within_rows(b)


def test_a_patient_bolus_from_the_old_fluid_stays_within_the_bolus_row():
    # ptm 0.2 mg is 10 ug of clonidine at the new mix, its patient-bolus row; from the
    # line's old fluid it is 20.
    b = ran_a_day_then_refilled()
    b.ok("ptm 0.2mg lockout=1h max=4")
    b.ok("commit")  # staged for review (console/cmd_review.py)
    before = b.dev.pump.delivered.get("clonidine", 0)
    reply = b.send("bolus")
    ok = reply[-1].startswith("OK")
    assert ok or reply[-1].startswith("ERR %d " % E_BOLUS_LIMIT), reply
    b.ok("sim advance 3m")  # 2 min of bolus at 10 uL/min, and a pass
    den = b.dev.pump.rig.step_den * 1_000_000
    given = (b.dev.pump.delivered.get("clonidine", 0) - before) // den
    row = dt.lookup("clonidine")[dt.F_MAX_BOLUS]
    # 3 min of basal at the old ratio (1 ug of clonidine) and a step beside it
    assert given <= row + 1_100 + 1_400, (given, row)
    if not ok:  # once the line has washed, the same press is granted
        b.ok("sim advance 10h")
        b.ok("bolus")
