"""A power cut at a day's end (issue 16, item 8): the day's record of patient activity is
written once at midnight, and the open day's counts live in the snapshot. Cut at every
write from just before midnight to after the first press of the next day, at the first,
middle and last byte and after the last, in each tear mode; power up on what the flash
held, run on past the next midnight, and read `activity`:

- the day before the cut is there exactly once, with every press it had (all answered
  before the cut), never lost and never counted twice;
- no day holds more presses than were made in it, and an answered press of the new day
  is never lost;
- every reply is an OK: no traceback, no ERR 82."""
from console_fakes import Board, kv
from store.persist import Persist
from store.sim_flash import SimFlash, PowerCut, MODES, torn

SETUP = ("pin 2468", "login 2468", "time 2026-01-01T21:00:00",
         "drug hydromorphone 1000ug/mL clonidine 75ug/mL", "basal 700ug/d",
         "ptm 30ug lockout=1h max=7", "capacity 40mL", "reservoir-alarm 2mL",
         "refill 40mL", "confirm", "prime 150uL", "sim advance 4m", "login 2468", "start",
         "logout", "bolus", "sim advance 30m", "bolus", "sim advance 2h", "bolus")
# From here the cuts: 23:34 -> midnight -> a press at 00:35 (granted), one refused.
NIGHT = ("sim advance 61m", "bolus", "bolus")
DAY1 = "2026-01-01"
DAY1_PRESSES, DAY1_GRANTED = 3, 2  # one refused by the lockout


class CutFlash(SimFlash):
    """Holds what the flash had at the cut: the console catches every exception to stay
    alive, so after the cut it may go on writing into a flash no board would have."""

    def __init__(self, cut=None):
        SimFlash.__init__(self)
        self.cut = cut
        self.frozen = None
        self.sizes = []

    def write(self, name, data):
        i = self.writes
        self.sizes.append(len(data))
        if self.frozen is not None:
            self.writes += 1
            return
        if self.cut is not None and self.cut[0] == i:
            self.files[name] = torn(self.files.get(name), bytes(data), self.cut[1],
                                    self.cut[2])
            self.frozen = dict(self.files)
            self.writes += 1
            raise PowerCut(i)
        SimFlash.write(self, name, data)


def play(flash):
    """The story; (writes when the night began, night presses answered OK by then)."""
    b = Board(persist=Persist(flash))
    for n, line in enumerate(SETUP):
        if n == SETUP.index("sim advance 30m") + 1:
            b.err(line, 44)  # the lockout: a press refused on the first day
        else:
            b.ok(line)
    start = flash.writes
    answered = []  # (writes after the reply, granted)
    for line in NIGHT:
        try:
            reply = b.send(line)
        except PowerCut:
            break
        if line == "bolus" and flash.frozen is None:
            answered.append((flash.writes, reply[-1].startswith("OK")))
        if flash.frozen is not None:
            break
    return start, answered


def days(reply):
    return [dict(w.split("=", 1) for w in r.split()[1:]) for r in reply if r.startswith("day ")]


def test_a_cut_at_midnight_neither_loses_the_day_nor_counts_it_twice():
    clean = CutFlash()
    start, answered = play(clean)
    assert [ok for _, ok in answered] == [True, False]  # granted at 00:35, then refused
    assert any(n.startswith("days/") for n in clean.files)  # the day was written
    cuts = 0
    for i in range(start, clean.writes):
        n = clean.sizes[i]
        for k in sorted({0, 1, n // 2, n - 1, n}):
            for mode in MODES:
                flash = CutFlash((i, k, mode))
                play(flash)
                assert flash.frozen is not None
                cuts += 1
                b = Board(persist=Persist(SimFlash(flash.frozen)))  # power up
                b.ok("sim advance 1d")  # past the next midnight: every day closed
                reply = b.ok("activity")
                rows = days(reply)
                first = [r for r in rows if r["date"] == DAY1]
                where = (i, k, mode, reply)
                assert len(first) == 1, where
                assert int(first[0]["presses"]) == DAY1_PRESSES, where
                assert int(first[0]["granted"]) == DAY1_GRANTED, where
                assert kv(reply)["unreadable"] == "0", where  # a torn record was written again
                later = sum(int(r["presses"]) for r in rows if r["date"] != DAY1)
                made = len([w for w, _ in answered if w <= i]) + 1  # the one cut, if any
                kept = len([w for w, _ in answered if w <= i])
                assert kept <= later <= min(made, len(NIGHT) - 1), where
    assert cuts > 50, cuts
