"""Units as a clinician types them (issue 16, item 4), through the console: the
unambiguous spellings are accepted and program exactly what the canonical one does; the
ambiguous ones are refused with what to type instead, and change nothing; errors quote
amounts as they were typed or in readable units, never in ms, ng or nL.
Runs under pytest and MicroPython."""
from console_fakes import Board, kv, programmed
from pump.errors import (E_BAD_NUMBER, E_BAD_UNIT, E_BRAND_NAME, E_COMMA, E_CONC_LIMIT,
                         E_LOCKOUT_RANGE, E_PERCENT, E_PRECISION, E_RANGE, E_REFILL_OVER,
                         E_UNKNOWN_DRUG, E_USAGE, E_VOLUME_RATE, E_DAILY_LIMIT)


def _draft(b):
    d = b.dev.draft
    bolus = d.bolus
    if bolus is not None and not isinstance(bolus, str):
        bolus = (bolus.dose_ng, bolus.lockout_ms, bolus.max_per_day)
    return (d.drugs, d.next_drugs, None if d.schedule is None else d.schedule.steps, bolus,
            d.low_nl, d.capacity_nl)


def _everything(b):
    p = b.dev.pump
    return (_draft(b), p.rx, p.sm.state, p.reservoir.volume_vu, p.pending,
            b.dev.notes.last(64))


def _board():
    b = Board()
    b.login()
    return b


def _same(canonical, typed, setup=()):
    """The draft after `typed` is the draft after `canonical`, each on a fresh board."""
    drafts = []
    for line in (canonical, typed):
        b = _board()
        for s in setup:
            b.ok(s)
        b.ok(line)
        drafts.append(_draft(b))
    assert drafts[0] == drafts[1], (canonical, typed, drafts)


def _big_numbers(text):
    """Runs of five or more digits: a value in ms, ng or nL where a reader wants 30m."""
    run = 0
    for c in text + " ":
        if c in "0123456789":
            run += 1
        elif run >= 5:
            return True
        else:
            run = 0
    return False


# ----- accepted: the issue's own examples, each as the canonical line -----
def test_a_space_between_a_number_and_its_unit_is_accepted():
    _same("drug morphine 10mg/mL", "drug morphine 10 mg/mL")
    _same("drug morphine 10mg/mL clonidine 75ug/mL", "drug morphine 10 mg/mL clonidine 75 ug/mL")
    _same("basal 700ug/d", "basal 700 ug/d", ("drug morphine 10mg/mL",))
    _same("basal 00:00=600ug/d 08:00=800ug/d", "basal 00:00=600 ug/d 08:00=800 ug/d",
          ("drug morphine 10mg/mL",))
    _same("ptm 30ug lockout=1h max=7", "ptm 30 ug lockout=1 h max=7",
          ("drug morphine 10mg/mL",))
    _same("reservoir-alarm 2mL", "reservoir-alarm 2 mL")
    _same("capacity 20mL", "capacity 20 mL")


def test_refill_with_spaces_stages_the_same_volumes():
    for line in ("refill 2mL", "refill 2 mL", "refill 2 ML"):
        b = programmed()
        assert kv(b.ok(line))["volume_nl"] == "2000000", line
    b = programmed()
    b.ok("refill 2mL")
    b.ok("confirm")
    r = kv(b.ok("refill 40 mL withdrawn=1.5 mL"))
    assert (r["volume_nl"], r["withdrawn_nl"]) == ("40000000", "1500000"), r


def test_unit_names_are_read_in_any_case():
    _same("drug morphine 10mg/mL", "drug morphine 10MG/ML")
    _same("drug clonidine 75mcg/mL", "drug clonidine 75MCG/mL")
    _same("ptm 30ug lockout=1h max=7", "ptm 30MCG lockout=1H max=7", ("drug morphine 10mg/mL",))


def test_hours_days_and_compound_durations_are_accepted():
    setup = ("drug morphine 10mg/mL",)
    _same("ptm 30ug lockout=1h max=7", "ptm 30ug lockout=1hr max=7", setup)
    _same("ptm 30ug lockout=6h max=3", "ptm 30ug lockout=6hours max=3", setup)
    _same("ptm 30ug lockout=270m max=3", "ptm 30ug lockout=4h30m max=3", setup)
    _same("ptm 30ug lockout=90m max=3", "ptm 30ug lockout=1h30min max=3", setup)


def test_rates_per_hr_and_per_day_are_accepted():
    setup = ("drug morphine 10mg/mL",)
    _same("basal 30ug/h", "basal 30mcg/hr", setup)
    _same("basal 30ug/h", "basal 30 MCG/HR", setup)
    _same("basal 700ug/d", "basal 700ug/day", setup)
    _same("basal 700ug/d", "basal 0.7mg/24hr", setup)


# ----- volume rates -----
def test_a_volume_rate_programs_the_dose_it_carries_and_says_it():
    b = _board()
    b.ok("drug morphine 10mg/mL")
    reply = b.ok("basal 0.4mL/d")  # a whole prescription now: events come first
    assert b.dev.draft.schedule.steps == ((0, 4_000_000),)
    data = [line for line in reply[:-1] if not line.startswith("! ")]
    assert data == ["basal 00:00=0.4mL/d is 4mg/d of morphine at 10mg/mL, kept as that dose"]
    assert kv(reply)["new"] == "00:00@4000000"


def test_volume_rates_in_a_schedule_and_in_basal_plus_are_each_shown():
    b = _board()
    b.ok("drug hydromorphone 2mg/mL clonidine 75ug/mL")
    reply = b.ok("basal 00:00=0.25 mL/d 08:00=500ug/d")
    data = [line for line in reply[:-1] if not line.startswith("! ")]  # events first
    assert data == ["basal 00:00=0.25mL/d is 500ug/d of hydromorphone at 2mg/mL, "
                    "kept as that dose"], reply
    reply = b.ok("basal+ 20:00=10uL/h")
    data = [line for line in reply[:-1] if not line.startswith("! ")]
    assert data[0].startswith("basal 20:00=10uL/h is 480ug/d of hydromorphone"), reply
    assert b.dev.draft.schedule.steps == ((0, 500_000), (480, 500_000), (1200, 480_000))


def test_a_volume_rate_before_the_drug_is_refused_and_says_what_to_do():
    b = _board()
    before = _everything(b)
    reply = b.err("basal 0.4mL/d", E_VOLUME_RATE)
    assert "drug <name> <conc>" in reply[-1] and "700ug/d" in reply[-1], reply
    assert _everything(b) == before


def test_a_volume_rate_that_would_round_the_dose_is_refused_and_changes_nothing():
    b = _board()
    b.ok("drug clonidine 75ug/mL")
    b.ok("basal 100ug/d")
    before = _everything(b)
    reply = b.err("basal 1nL/d", E_PRECISION)  # 0.075 ng/day
    assert reply == ["ERR 12 1nL/d is finer than one ng/d, the least the pump counts: "
                     "round it"], reply
    assert _everything(b) == before


def test_a_refused_volume_rate_shows_no_dose_line():
    b = _board()
    b.ok("drug morphine 10mg/mL")
    reply = b.err("basal 2mL/d", E_DAILY_LIMIT)  # 20 mg/d, over the 15 mg row
    assert len(reply) == 1 and "20mg in 24 h" in reply[-1], reply
    assert b.dev.draft.schedule is None


# ----- refused, with what to type instead -----
def test_a_percent_is_refused_with_the_concentration_to_write():
    b = _board()
    before = _everything(b)
    for line in ("drug bupivacaine 0.25%", "drug bupivacaine 0.25 %"):
        reply = b.err(line, E_PERCENT)
        assert "write the concentration, 2.5mg/mL if it is weight per volume" in reply[-1]
        assert reply[-1].startswith("ERR 18 0.25%: "), reply
    assert _everything(b) == before


def test_a_brand_name_is_refused_with_the_generic_name():
    b = _board()
    before = _everything(b)
    reply = b.err("drug Dilaudid 10mg/mL", E_BRAND_NAME)
    assert reply == ["ERR 28 Dilaudid is a brand name: write the generic name, "
                     "hydromorphone"], reply
    assert _everything(b) == before


def test_every_brand_hint_names_a_drug_of_the_table():
    from console.cmd_rx import _BRANDS
    from pump.drugs import lookup
    b = _board()
    brands = [brand for brand, _ in _BRANDS]
    for name in ("dilaudid", "duramorph", "infumorph", "prialt", "lioresal", "gablofen",
                 "sufenta", "naropin", "marcaine"):
        assert name in brands, name
    for brand, generic in _BRANDS:
        lookup(generic)  # raises if the table does not hold it
        reply = b.err("drug %s 1mg/mL" % brand.upper(), E_BRAND_NAME)
        assert reply[-1].endswith("write the generic name, " + generic), reply


def test_an_unknown_drug_is_refused_with_the_names_the_table_holds():
    b = _board()
    reply = b.err("drug ketamine 10mg/mL", E_UNKNOWN_DRUG)
    assert reply[-1].startswith("ERR 30 drug not in the drug table: ketamine (it holds "
                                "morphine, hydromorphone, "), reply


def test_a_thousands_separator_is_refused_with_the_number_without_it():
    b = _board()
    b.ok("drug morphine 10mg/mL")
    before = _everything(b)
    for line, fixed in (("basal 1,000ug/d", "1000ug/d"), ("basal 1,000 ug/d", "1000ug/d"),
                        ("basal 1,5mg/d", "1.5mg/d")):
        reply = b.err(line, E_COMMA)
        assert "no thousands separator or decimal comma" in reply[-1], reply
        assert reply[-1].endswith("write " + fixed), reply
    assert _everything(b) == before


def test_a_bad_amount_says_what_to_write():
    b = _board()
    b.ok("drug morphine 10mg/mL")
    before = _everything(b)
    cases = (
        ("refill 2", E_BAD_UNIT, "2 (write a volume: nL, uL or mL, e.g. 2mL)"),
        ("ptm 30 lockout=1h max=3", E_BAD_UNIT, "30 (write a mass: ng, ug (mcg), mg or g"),
        ("ptm 30ug lockout=30m4h max=3", E_BAD_UNIT, "the largest unit first"),
        ("ptm 30ug lockout=1h max=x", E_BAD_NUMBER, "x (write a whole number, e.g. 7)"),
        ("basal 08:0=1mg/d", E_BAD_NUMBER, "(write HH:MM, e.g. 08:00)"),
        ("basal 1mg", E_BAD_UNIT, "per d, h or min, e.g. 700ug/d"),
        ("basal 0.5ng/d", E_PRECISION, "finer than one ng/d"),
        ("drug morphine 10", E_BAD_UNIT, "e.g. 10mg/mL"),
        ("ptm 11g lockout=1h max=3", E_RANGE, "out of range: 11g (at most 10g)"),
        ("reservoir-alarm 2000mL", E_RANGE, "out of range: 2000mL (at most 1000mL)"),
        ("log 65", E_RANGE, "out of range: 65 (from 1 to 64)"),
        ("suspend 10d", E_RANGE, "out of range: 10d (from 1m to 7d)"),
        ("time 2026-02-30T08:00:00", E_RANGE, "(a date and time that exist, e.g. "),
        ("drug morphine", E_USAGE, "write drug <name> <conc>"),
    )
    for line, code, words in cases:
        reply = b.err(line, code)
        assert words in reply[-1], (line, reply)
    assert _everything(b) == before


# ----- errors in the units typed, or readable ones -----
def test_a_short_lockout_is_refused_in_the_units_a_clinician_reads():
    b = _board()
    b.ok("drug morphine 10mg/mL")
    before = _everything(b)
    reply = b.err("ptm 30ug lockout=5m max=7", E_LOCKOUT_RANGE)
    assert reply == ["ERR 29 morphine lockout 5m is under the 1h minimum: write "
                     "lockout=1h or longer"], reply
    reply = b.err("ptm 30ug lockout=0.5h max=7", E_LOCKOUT_RANGE)
    assert "lockout 30m is under the 1h minimum" in reply[-1], reply
    assert _everything(b) == before


def test_limits_and_volumes_are_quoted_readable_never_in_base_units():
    b = _board()
    reply = b.err("drug morphine 25 mg/mL", E_CONC_LIMIT)
    assert reply == ["ERR 31 morphine at 25mg/mL is over its concentration limit: at most "
                     "20mg/mL"], reply
    b = programmed()  # case 1, in a 40 mL reservoir
    reply = b.err("refill 50mL", E_REFILL_OVER)
    assert reply == ["ERR 62 refill 50mL is over the capacity: at most 40mL"], reply
    refusals = ("ptm 30ug lockout=1m max=7", "ptm 300ug lockout=1h max=7", "basal 30mg/d",
                "suspend 10d", "reservoir-alarm 50mL", "drug hydromorphone 25mg/mL",
                "refill 50mL", "log 100", "basal 1,000ug/d", "capacity 2000mL",
                "capacity 70mL", "bolus 5mg")
    for line in refusals:
        reply = b.send(line)
        assert reply[-1].startswith("ERR "), (line, reply)
        assert not _big_numbers(reply[-1]), (line, reply)
