"""Programming in the order of an implant (issue 16, item 1): name the drug, fill the
reservoir, set the low alarm, program the dose and the patient bolus, prime, start.
Every command works once what it needs exists, an error names exactly what is missing,
the device's defaults fill the rest (low-reservoir alarm 2 mL, patient bolus off), and a
time-of-day schedule does not start on a clock that was never set. Through the whole
console. Runs under pytest and MicroPython."""
from console_fakes import Board, kv
from pump.errors import (E_CAL_STATE, E_CLOCK_UNSET, E_NO_PENDING, E_NOT_PROGRAMMED,
                         E_REFILL_CANCELLED)
from store.persist import Persist
from store.sim_flash import SimFlash

DRUG = "drug morphine 10mg/mL"


def clinician(flash=None):
    b = Board(persist=None if flash is None else Persist(flash))
    b.login()
    return b


def test_the_implant_order_fills_before_the_dose_is_programmed():
    b = clinician()
    b.ok("time 2026-01-01T07:00:00")
    b.ok(DRUG)
    reply = b.ok("refill 20mL")
    assert kv(reply)["confirm"] == "required"
    reply = b.ok("confirm")
    assert kv(reply)["new_nl"] == "20000000" and kv(b.ok("status"))["state"] == "unprogrammed"
    b.ok("reservoir-alarm 2mL")
    assert kv(b.ok("basal 00:00=1mg/d 08:00=2mg/d"))["rx"] == "programmed"
    b.ok("ptm 100ug lockout=2h max=4")
    b.ok("prime 150uL")
    b.ok("sim advance 4m")
    b.login()
    b.ok("start")
    assert kv(b.ok("status"))["state"] == "running"


def test_a_drug_and_a_basal_are_a_whole_prescription_with_the_defaults_shown():
    b = clinician()
    b.ok(DRUG)
    assert kv(b.ok("basal 1mg/d"))["rx"] == "programmed"
    rx = b.ok("rx")
    assert "ptm dose_ng=off lockout_ms=off max=off" in rx, rx
    assert "reservoir-alarm 2000000 default" in rx, rx  # the bench rig's 60 mL: 2 mL
    assert kv(rx)["missing"] == "-"
    b.ok("reservoir-alarm 3mL")
    assert "reservoir-alarm 3000000" in b.ok("rx")
    assert "reservoir-alarm 3000000 default" not in b.ok("rx")


def test_the_default_low_alarm_follows_a_smaller_reservoir():
    b = clinician()
    b.ok(DRUG)
    b.ok("capacity 5mL")
    assert "reservoir-alarm 500000 default" in b.ok("rx")  # a tenth of 5 mL


def test_every_refusal_before_the_prescription_names_what_is_missing():
    b = clinician()
    reply = b.err("refill 20mL", E_NOT_PROGRAMMED)
    assert "missing drug (" in reply[-1], reply
    reply = b.err("start", E_NOT_PROGRAMMED)
    assert "drug,basal" in reply[-1], reply
    b.ok(DRUG)
    reply = b.err("start", E_NOT_PROGRAMMED)
    assert "missing basal" in reply[-1], reply
    assert kv(b.ok("rx"))["missing"] == "basal"


def test_a_time_of_day_schedule_waits_for_the_clock():
    b = clinician()
    b.ok(DRUG)
    reply = b.ok("basal 00:00=1mg/d 08:00=2mg/d")
    assert kv(reply)["rx"] == "programmed" and kv(reply)["missing"] == "time", reply
    b.ok("refill 20mL")
    b.ok("confirm")
    b.ok("prime 150uL")
    b.ok("sim advance 4m")
    b.login()
    reply = b.err("start", E_CLOCK_UNSET)
    assert "time YYYY-MM-DDTHH:MM:SS" in reply[-1]
    assert kv(b.ok("status"))["state"] == "stopped"
    b.ok("time 2026-01-01T07:00:00")
    assert kv(b.ok("rx"))["missing"] == "-"
    b.ok("start")


def test_one_rate_all_day_needs_no_clock():
    b = clinician()
    b.ok(DRUG)
    assert kv(b.ok("basal 1mg/d"))["missing"] == "-"


def test_any_other_line_cancels_an_unprogrammed_pumps_refill():
    b = clinician()
    b.ok(DRUG)
    b.ok("refill 20mL")
    b.ok("status")  # read-only: the refill still waits
    b.err("basal 1mg/d", E_REFILL_CANCELLED)  # anything else cancels it, and is not run
    b.err("confirm", E_NO_PENDING)
    assert kv(b.ok("status"))["reservoir_nl"] == "0"
    assert kv(b.ok("rx"))["missing"] == "basal"


def test_a_filled_unprogrammed_pump_cannot_calibrate_until_decommissioned():
    b = clinician()
    b.ok(DRUG)
    b.ok("refill 20mL")
    b.ok("confirm")
    b.err("calibrate run 1000", E_CAL_STATE)
    b.ok("decommission confirm")
    assert kv(b.ok("status"))["reservoir_nl"] == "0"


def test_a_fill_before_programming_survives_a_power_cut_with_its_drug():
    flash = SimFlash()
    b = clinician(flash)
    b.ok(DRUG)
    b.ok("refill 20mL")
    b.ok("confirm")
    b = clinician(SimFlash(flash.files))  # off and on
    assert kv(b.ok("status"))["reservoir_nl"] == "20000000"
    assert any(line.startswith("drug morphine") for line in b.ok("rx")), b.ok("rx")
    assert kv(b.ok("basal 1mg/d"))["rx"] == "programmed"  # the fill's drug, kept
