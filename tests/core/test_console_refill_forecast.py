"""`low_alarm_at` after a refill at a new concentration, over the console (issue 14, item
5): the line's old mix leaves the tip first, at the dose rate prescribed, so the volume a
day changes when the new mix reaches the tip. The date `status` gives must be the one the
tubing gives, worked out here from what the line and the reservoir hold (not the old
drug's reading of the whole reservoir, ~2.6 days later here), and the alarm must sound in
that second. tests/core/test_forecast_tubing.py holds the pump to it to the ms.
Runs under pytest and MicroPython."""
from console_fakes import Board, events, kv, program_and_run
from pump.forecast import low_alarm_eta_ms

DAY_MS = 86_400_000
RATE_NG_D = 700_000
OLD_NG_ML, NEW_NG_ML = 2_000_000, 1_000_000
LOW_NL = 2_000_000


def _s(iso):
    """Seconds since 2026-01-01T00:00:00 (the fake clock's 0) of an ISO time in January."""
    return ((int(iso[8:10]) - 1) * 24 + int(iso[11:13])) * 3600 + int(iso[14:16]) * 60 + int(
        iso[17:19])


def _refilled_weaker():
    """A day of hydromorphone 2 mg/mL at 700 ug/day, then stopped, refilled with 4 mL at
    1 mg/mL and started: the line's 150 uL still holds the 2 mg/mL."""
    b = program_and_run(Board(), (
        "time 2026-01-01T00:00:00", "drug hydromorphone 2000ug/mL", "basal 700ug/d",
        "ptm off", "capacity 40mL", "reservoir-alarm 2mL", "refill 4mL", "confirm",
        "prime 150uL"))
    b.login()
    b.ok("stop")
    b.ok("drug hydromorphone 1000ug/mL")
    b.ok("refill 4mL withdrawn=%dnL" % b.dev.pump.reservoir.volume_nl())
    b.ok("confirm")
    b.ok("start")
    return b


def test_low_alarm_at_after_a_refill_at_a_weaker_mix_is_the_date_the_tubing_gives():
    b = _refilled_weaker()
    pump = b.dev.pump
    s = kv(b.ok("status"))
    now_s = _s(s["time"])
    # What the line and the reservoir hold: the old mix at the tip, then the new.
    sd = pump.rig.step_den
    assert [seg[1] for seg in pump.tubing.segments] == [(("hydromorphone", OLD_NG_ML),)]
    old_nl = pump.tubing.segments[0][0] // sd
    res_nl = pump.reservoir.volume_nl()
    # The old mix leaves first at 700 ug/day of it; then the reservoir down to its 2 mL,
    # less the line's worth it pushed, at the new strength. In ms, from ng.
    ng = (old_nl * OLD_NG_ML + (res_nl - old_nl - LOW_NL) * NEW_NG_ML) // 1_000_000
    tubing_s = ng * DAY_MS // RATE_NG_D // 1000
    old_drug_s = (res_nl - LOW_NL) * OLD_NG_ML // 1_000_000 * DAY_MS // RATE_NG_D // 1000
    at_s = _s(s["low_alarm_at"]) - now_s
    step_s = pump.rig.step_num * NEW_NG_ML // sd * 86_400 // RATE_NG_D // 1_000_000  # ~173
    # Within a step each way (the alarm sounds at a whole step, the integrator's phase).
    assert abs(at_s - tubing_s) <= 2 * step_s, (at_s, tubing_s, step_s)
    assert old_drug_s - at_s > 2 * 86_400, (old_drug_s, at_s)  # the reading found late
    # The model's own walk (pump/forecast.py), rounded up to the second, is what it shows.
    eta = low_alarm_eta_ms(pump)
    assert at_s == -(-(b.clock.now_ms() + eta) // 1000) - now_s
    # And the pump agrees: silent a second before, sounding in that second.
    b.ok("sim advance %dms" % (_s(s["low_alarm_at"]) * 1000 - 1000 - b.clock.now_ms()))
    assert kv(b.ok("status"))["alarms"] == "-"
    alarm = events(b.ok("sim advance 1s"), "alarm")
    assert alarm and alarm[0].startswith("alarm name=low_reservoir"), alarm
    assert _s(alarm[0].split("time=")[1]) in (_s(s["low_alarm_at"]) - 1, _s(s["low_alarm_at"]))
