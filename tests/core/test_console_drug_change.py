"""A refill that changes the drug (issue 14, item 2): the old drug in the line must not
leave the catheter at the new drug's rate. Found: hydromorphone 15 mg/mL at 3 mg/day,
then `drug morphine 1mg/mL`, refill, start: the 150 uL line of hydromorphone (2.2 mg)
left in about an hour, uncounted, no alarm. Now `start` is refused until the old drug is
primed out to waste (the catheter disconnected), which delivers none of it. A change of
concentration of the same drugs needs no flush: the pump doses by what leaves the tip.
Runs under pytest and MicroPython."""
from console_fakes import Board, kv, program_and_run
from pump.errors import E_BELOW_FLOOR, E_LINE_OTHER_DRUG

LINES = ("time 2026-01-01T07:00:00", "drug hydromorphone 15mg/mL", "basal 3mg/d", "ptm off",
         "capacity 20mL", "reservoir-alarm 2mL", "refill 10mL", "confirm", "prime 150uL")


def hydromorphone_running():
    return program_and_run(Board(), LINES)


def change_to_morphine(b):
    b.login()
    b.ok("stop")
    b.ok("drug morphine 1mg/mL")
    b.ok("basal 3mg/d")
    b.ok("refill 15mL withdrawn=%dnL" % b.dev.pump.reservoir.volume_nl())
    b.ok("confirm")


def test_start_after_a_drug_change_is_refused_until_the_old_drug_is_flushed_to_waste():
    b = hydromorphone_running()
    change_to_morphine(b)
    steps = b.motor.total
    reply = b.err("start", E_LINE_OTHER_DRUG)
    # 150 uL of line, in whole 1.4 uL steps: 108 steps, 151.2 uL
    assert reply[-1] == ("ERR 67 the line still holds hydromorphone from before the refill: "
                         "disconnect the catheter and prime 151200nL to waste before start")
    assert b.motor.total == steps  # nothing moved
    delivered = b.dev.pump.delivered_ng("hydromorphone")
    b.ok("prime 151200nL")
    b.ok("sim advance 5m")
    # Primed to waste: not one ng more of hydromorphone counted as given.
    assert b.dev.pump.delivered_ng("hydromorphone") == delivered
    assert b.dev.pump.tubing.other_vu(b.dev.pump.reservoir.concs) == (0, None)
    b.login()
    b.ok("start")
    b.ok("sim advance 1h")
    # Now only morphine leaves the tip, at 3 mg/day: an hour is 125 ug, within a step.
    assert b.dev.pump.delivered_ng("hydromorphone") == delivered
    got = b.dev.pump.delivered_ng("morphine")
    assert 125_000 - 1400 <= got <= 125_000 + 1400, got


def test_a_short_flush_leaves_start_refused_and_says_what_is_left():
    b = hydromorphone_running()
    change_to_morphine(b)
    b.ok("prime 70000nL")  # half the line
    b.ok("sim advance 5m")
    b.login()
    reply = b.err("start", E_LINE_OTHER_DRUG)
    left = int(reply[-1].split("prime ")[1].split("nL")[0])
    assert 70_000 <= left <= 90_000, left
    b.ok("prime %dnL" % left)
    b.ok("sim advance 5m")
    b.login()
    b.ok("start")


def test_a_new_concentration_of_the_same_drug_needs_no_flush():
    b = hydromorphone_running()
    b.login()
    b.ok("stop")
    b.ok("drug hydromorphone 10mg/mL")
    b.ok("refill 15mL withdrawn=%dnL" % b.dev.pump.reservoir.volume_nl())
    b.ok("confirm")
    assert kv(b.ok("start"))  # the tip's concentration sets the rate: no surge


def _change(b, drug, basal):
    b.login()
    if kv(b.ok("status"))["state"] != "stopped":
        b.ok("stop")
    b.ok("drug " + drug)
    # A new basal is staged for review (console/cmd_review.py) and committed; the same
    # basal again stages nothing.
    if kv(b.ok("basal " + basal))["rx"] == "staged":
        b.ok("commit")
    b.ok("refill 15mL withdrawn=%dnL" % b.dev.pump.reservoir.volume_nl())
    b.ok("confirm")


def test_a_new_primary_with_the_old_drug_kept_in_the_mix_needs_the_flush_too():
    # Found: the line's hydromorphone (no morphine in it) ran at the new mix's volume
    # rate, 1 mL/day: 2.25 mg of hydromorphone in 3.3 h where 3 mg/day was prescribed,
    # while status showed morphine at 1 mg/day. No flush was asked: hydromorphone is in
    # the new mix.
    b = hydromorphone_running()
    _change(b, "morphine 1mg/mL hydromorphone 100ug/mL", "1mg/d")
    delivered = b.dev.pump.delivered_ng("hydromorphone")
    reply = b.err("start", E_LINE_OTHER_DRUG)
    assert "the line still holds hydromorphone from before the refill" in reply[-1]
    b.ok("prime")  # what is left of the line, to waste
    b.ok("sim advance 5m")
    b.login()
    b.ok("start")
    b.ok("sim advance 4h")
    # Only the new mix leaves the tip: hydromorphone at its 1:10 share of 1 mg/day.
    got = b.dev.pump.delivered_ng("hydromorphone") - delivered
    assert got <= 100_000 * 4 // 24 + 1400 * 100 // 1000, got


def test_a_mix_whose_primary_changes_needs_the_flush():
    # Morphine led, then clonidine leads: the line's old fluid (clonidine 75 ug/mL to
    # morphine 10 mg/mL) pushed at the volume that gives clonidine its new rate would
    # give morphine at ten times its new rate.
    b = program_and_run(Board(), (
        "time 2026-01-01T07:00:00", "drug morphine 10mg/mL clonidine 75ug/mL", "basal 1mg/d",
        "ptm off", "capacity 20mL", "reservoir-alarm 2mL", "refill 10mL", "confirm",
        "prime 150uL"))
    b.login()
    b.ok("stop")
    b.ok("basal 500ug/d")  # over morphine's floor, and under clonidine's daily row
    b.ok("commit")
    _change(b, "clonidine 750ug/mL morphine 10mg/mL", "500ug/d")
    reply = b.err("start", E_LINE_OTHER_DRUG)
    assert "the line still holds morphine from before the refill" in reply[-1]


def test_a_basal_under_the_least_flow_of_a_stronger_fluid_still_in_the_line_is_refused():
    # Found: morphine 10 mg/mL, refill at 5 mg/mL, basal 300 ug/d (over the 240 ug/d
    # floor at 5): the line's 10 mg/mL ran at its own floor, 480 ug/d, for about three
    # days while rx said 300.
    b = program_and_run(Board(), (
        "time 2026-01-01T07:00:00", "drug morphine 10mg/mL", "basal 600ug/d", "ptm off",
        "capacity 20mL", "reservoir-alarm 2mL", "refill 10mL", "confirm", "prime 150uL"))
    _change(b, "morphine 5mg/mL", "600ug/d")
    reply = b.err("basal 300ug/d", E_BELOW_FLOOR)
    assert reply[-1].startswith("ERR 14 basal at 00:00: 300ug/d is under the rig's least "
                                "flow, 480ug/d of morphine at 10mg/mL"), reply
    assert "basal 00:00@600000" in b.ok("rx")  # unchanged
    # Once delivery has pushed the 10 mg/mL out (150 uL at 60 uL/day), 300 ug/d runs.
    b.ok("start")
    b.ok("sim advance 3d")
    b.login()
    b.ok("basal 300ug/d")
    b.ok("commit")
