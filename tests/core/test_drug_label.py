"""The drug table read against the labels (issue 16, item 10): ziconotide's label maximum
is reachable where a step of it fits the row, and delivery at it never puts more than the
row in any window; a refusal says what is allowed; ziconotide's first fill is undiluted
25 ug/mL alone; the soft limits' data. Runs under pytest and MicroPython."""
from console_fakes import Board
from pump import drug_soft as ds
from pump import drugs as dt
from pump.drug_check import check_soft
from pump.errors import (E_BOLUS_LIMIT, E_CLINICIAN_BOLUS_LIMIT, E_DAILY_LIMIT, E_DOSE_WINDOW,
                         E_FIRST_FILL, E_HOURLY_LIMIT)
from rigs import DEFAULT, SHIPPED, shipped

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
ZICONOTIDE = dt.lookup("ziconotide")
LABEL_CONC = 25_000  # ng/mL: Prialt 25 mcg/mL, the first fill's strength


def _step_ng(rig, conc):
    """One step's dose, rounded up (as the prescription check counts it)."""
    return -(-rig.step_num * conc // (rig.step_den * 1_000_000))


def _ug3(ng):
    """ng as ug to three decimals, rounded down, as a most allowed is shown."""
    text = "%d.%03d" % (ng // 1000, ng % 1000)
    return text.rstrip("0").rstrip(".")


def _board(name, conc):
    b = Board(rig=shipped(name)[1])
    b.login()
    b.ok("drug ziconotide %dug/mL" % (conc // 1000))
    return b


def test_the_labels_maximum_is_accepted_at_its_label_strength_on_every_shipped_rig():
    for name in SHIPPED:
        rig = shipped(name)[1]
        step = _step_ng(rig, LABEL_CONC)
        assert 19_200 + step <= ZICONOTIDE[dt.F_MAX_DAILY], name  # physically possible
        b = _board(name, LABEL_CONC)
        b.ok("basal 19.2ug/d")
        reply = b.err("basal 19.3ug/d", E_DAILY_LIMIT)
        most = ZICONOTIDE[dt.F_MAX_DAILY] - step
        assert reply[-1].endswith("at most %sug/d basal" % _ug3(most)), (name, reply)
        b.ok("basal %sug/d" % _ug3(most))  # what it calls allowed is
        assert b.dev.pump.rx.schedule.rates == (most,), name


def test_at_the_top_strength_the_60ml_syringes_step_does_not_fit_and_it_says_so():
    for name in SHIPPED:
        rig = shipped(name)[1]
        b = _board(name, 100_000)
        step = _step_ng(rig, 100_000)
        if 19_200 + step <= ZICONOTIDE[dt.F_MAX_DAILY]:
            b.ok("basal 19.2ug/d")
            continue
        assert name == DEFAULT, name  # 140 ng a step: the one rig it cannot run on
        reply = b.err("basal 19.2ug/d", E_DAILY_LIMIT)
        most = ZICONOTIDE[dt.F_MAX_DAILY] - step
        assert reply[-1].endswith("at most %sug/d basal" % _ug3(most)), reply


class _Windows:
    """Wraps the board's motor: the most steps issued in any rolling day and hour, kept
    as the moves come. The last day's moves sit in a ring allocated once (a list grown
    move by move ran MicroPython's 512 KiB heap out); a move is at least a step, and a
    day at this rate holds under 600."""

    SIZE = 1024

    def __init__(self, b):
        self.clock = b.clock
        self.move = b.motor.move
        self.ts = [0] * self.SIZE
        self.ns = [0] * self.SIZE
        self.first = self.end = 0  # the ring's oldest move and the next free slot
        self.day = self.most_day = self.most_hour = self.steps = 0
        b.motor.move = self.moved

    def moved(self, n):
        t = self.clock.now_ms()
        self.ts[self.end % self.SIZE] = t
        self.ns[self.end % self.SIZE] = n
        self.end += 1
        assert self.end - self.first < self.SIZE
        self.steps += n
        self.day += n
        while self.ts[self.first % self.SIZE] <= t - DAY_MS:
            self.day -= self.ns[self.first % self.SIZE]
            self.first += 1
        hour = 0
        i = self.end - 1
        while i >= self.first and self.ts[i % self.SIZE] > t - HOUR_MS:
            hour += self.ns[i % self.SIZE]
            i -= 1
        if self.day > self.most_day:
            self.most_day = self.day
        if hour > self.most_hour:
            self.most_hour = hour
        return self.move(n)


def _running(rate):
    b = _board(DEFAULT, LABEL_CONC)
    for line in ("basal " + rate, "reservoir-alarm 0.2mL", "refill 20mL", "confirm",
                 "prime 150uL", "sim advance 4m"):
        b.ok(line)
    b.login()
    b.ok("start")
    return b


def test_delivery_at_the_labels_maximum_never_puts_more_than_the_row_in_any_window():
    b = _running("19.2ug/d")
    rig = b.rig
    w = _Windows(b)
    for _ in range(3):  # a day at a time: a day's events at once is the heap's limit
        b.ok("sim advance 1d")
    assert w.steps >= 3 * 548  # it ran: 548.7 steps a day at 1399.8 nL
    for most, field in ((w.most_day, dt.F_MAX_DAILY), (w.most_hour, dt.F_MAX_HOURLY)):
        # Exact dose of those steps, ng * step_den * 1e6, against the row.
        row = ZICONOTIDE[field] * rig.step_den * 1_000_000
        assert most * rig.step_num * LABEL_CONC <= row, (field, most)
    assert w.most_day == 549  # a day holds the ideal's 548.7 rounded up: the row's room
    # The day is full: a bolus on top of it is refused, with what the day may hold.
    b.login()
    reply = b.err("bolus 1ug", E_DOSE_WINDOW)
    assert "at most %sug in any 24 h" % _ug3(ZICONOTIDE[dt.F_MAX_DAILY]) in reply[-1], reply
    # And the largest bolus that fits now, which is granted.
    most = reply[-1].split("a bolus of at most ")[1].split(" now")[0]
    b.ok("bolus " + most)


def test_the_hour_holds_one_clinician_bolus_over_the_labels_top_rate():
    b = _running("18ug/d")  # 0.75 ug/h: the day has room for the bolus, the hour is tight
    b.ok("sim advance 1d")
    b.login()
    reply = b.err("bolus 1.5ug", E_CLINICIAN_BOLUS_LIMIT)
    assert reply[-1].endswith("is over its limit: at most 1ug"), reply
    b.ok("bolus 1ug")
    b.ok("sim advance 5m")  # 40 uL at the rig's 10 uL/min
    # A second in the same hour is over the hour: the refusal names the bolus that fits.
    b.login()
    reply = b.err("bolus 1ug", E_DOSE_WINDOW)
    assert "over its limit: at most 1.849ug in any hour" in reply[-1], reply
    most = reply[-1].split("a bolus of at most ")[1].split(" now")[0]
    b.ok("bolus " + most)


def test_a_first_fill_of_ziconotide_is_undiluted_25ug_ml_alone():
    b = _board(DEFAULT, 100_000)
    b.ok("basal 10ug/d")
    reply = b.err("refill 10mL", E_FIRST_FILL)
    assert "ziconotide at 100ug/mL" in reply[-1] and "undiluted 25ug/mL alone" in reply[-1]
    assert b.dev.pump.pending is None and b.dev.pump.reservoir.concs is None
    b.ok("drug ziconotide 25ug/mL clonidine 100ug/mL")
    b.err("refill 10mL", E_FIRST_FILL)  # mixed is not undiluted
    b.ok("drug ziconotide 25ug/mL")
    b.ok("refill 10mL")
    b.ok("confirm")
    # A later fill is a refill: the reservoir held it, any strength of the row may follow.
    b.ok("drug ziconotide 100ug/mL")
    b.ok("refill 10mL withdrawn=10mL")
    b.ok("confirm")
    assert b.dev.pump.reservoir.concs == (("ziconotide", 100_000),)


def test_first_fill_rule_reads_what_the_reservoir_held():
    assert ds.first_fill_refusal(None, (("ziconotide", 100_000),)) == (
        "ziconotide", 100_000, LABEL_CONC)
    assert ds.first_fill_refusal(None, (("ziconotide", LABEL_CONC),)) is None
    assert ds.first_fill_refusal((("morphine", 1),), (("ziconotide", 50_000),)) is not None
    assert ds.first_fill_refusal((("ziconotide", LABEL_CONC),),
                                 (("ziconotide", 100_000),)) is None
    assert ds.first_fill_refusal(None, (("morphine", 10_000_000),)) is None


def test_soft_limits_cover_every_drug_and_the_usual_steps_read_as_their_sources_say():
    check_soft()
    for row in dt.DRUGS:
        assert ds.soft(row[dt.F_NAME]) is not None, row[dt.F_NAME]
    # Baclofen: usual maintenance to 800 ug/day, increases of up to 30 %.
    assert ds.soft("baclofen")[ds.S_DAILY] == 800_000
    assert not ds.step_passed("baclofen", 500_000, 650_000)
    assert ds.step_passed("baclofen", 500_000, 650_001)
    # Ziconotide: 2.4 ug/day at a time.
    assert not ds.step_passed("ziconotide", 2_400, 4_800)
    assert ds.step_passed("ziconotide", 2_400, 4_801)
    # The case reports' own steps pass without an override; 28-fold does not.
    assert not ds.step_passed("hydromorphone", 400_000, 600_000)
    assert not ds.step_passed("morphine", 400_000, 600_000)
    assert ds.step_passed("morphine", 400_000, 28 * 400_000)
    assert not ds.step_passed("morphine", 600_000, 400_000)  # a decrease is no step up


def _soft_error(soft=None, first=None, sources=None):
    try:
        check_soft(None, soft, first, sources)
    except ValueError as err:
        return str(err.args[0])
    raise AssertionError("check_soft accepted broken data")


def test_check_soft_refuses_broken_soft_data():
    rows = ds.SOFT
    assert "missing" in _soft_error(soft=rows[1:])
    bad = (("baclofen", 2_000_000, 30, 0),) + rows[:4] + rows[5:]
    assert "hard daily" in _soft_error(soft=bad)
    assert "first fill" in _soft_error(first=(("ziconotide", 200_000),))
    assert "cited" in _soft_error(sources=())


def test_refusals_over_a_row_say_what_is_allowed_and_that_figure_is_accepted():
    b = _board(DEFAULT, LABEL_CONC)
    step = _step_ng(b.rig, LABEL_CONC)
    # A flex step over the hour: the most, as a rate per hour since one was typed.
    hour_most = ZICONOTIDE[dt.F_MAX_HOURLY] - step
    reply = b.err("basal 00:00=10ug/d 08:00=1.9ug/h 09:00=0.1ug/h", E_HOURLY_LIMIT)
    assert reply[-1].endswith("at most %sug/h basal at any hour" % _ug3(hour_most)), reply
    b.ok("basal 00:00=min 08:00=%sug/h 09:00=0.1ug/h" % _ug3(hour_most))
    # A stronger fill at the same basal: the most in 24 h of the drug at that strength.
    b.ok("basal 19.2ug/d")
    reply = b.err("drug ziconotide 100ug/mL", E_DAILY_LIMIT)
    most = ZICONOTIDE[dt.F_MAX_DAILY] - _step_ng(b.rig, 100_000)
    assert reply[-1].endswith("at most %sug in 24 h" % _ug3(most)), reply
    # A secondary drug's bolus: its row, and the primary's bolus that keeps to it.
    b = Board()
    b.login()
    b.ok("drug hydromorphone 1000ug/mL clonidine 500ug/mL")
    b.ok("basal 700ug/d")
    reply = b.err("ptm 30ug lockout=1h max=4", E_BOLUS_LIMIT)
    assert reply[-1].endswith("at most 10ug of clonidine (20ug of hydromorphone)"), reply
    b.ok("ptm 20ug lockout=1h max=4")

