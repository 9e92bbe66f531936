"""`sim` commands and the events they bring: faults raise their alarms as the motor meets
them, alarms on the way of an advance come in its reply, acknowledgements, the power cut,
and the step guard's limits as the console sets them. Runs under pytest and MicroPython."""
from builders import DAY_MS, HOUR_MS
from console_fakes import Board, events, kv, programmed, running
from pump import drugs as dt
from pump.errors import E_NO_SIM, E_RANGE, E_ROLE, E_USAGE


def test_sim_commands_on_a_real_board_answer_err_80():
    b = Board(sim=False)
    for line in ("sim advance 1h", "sim fault stall", "sim power-cut"):
        b.err(line, E_NO_SIM)


def test_sim_needs_no_login_and_refuses_what_it_does_not_know():
    b = Board()
    b.ok("sim advance 1s")
    b.err("sim fault meteor", E_RANGE)
    b.err("sim advance 0ms", E_USAGE)
    b.err("sim advance", E_USAGE)
    b.err("sim warp 1h", E_USAGE)
    assert b.clock.now_ms() == 1000


def test_sim_advance_passes_only_where_something_is_due_and_sliced_at_every_minute():
    b = Board()  # nothing programmed, no session: nothing is due before the end
    r = kv(b.ok("sim advance 150s"))
    assert r["advanced_ms"] == "150000" and r["time"] == "1970-01-01T00:02:30"
    assert b.sim.passes == [150_000]
    b.sim.sliced = True
    b.ok("sim advance 150s")
    assert b.sim.passes == [150_000, 210_000, 270_000, 300_000]


def test_a_session_ends_at_the_minute_mark_of_its_timeout_in_both_walks():
    for sliced in (False, True):
        b = Board(t=30_000)
        b.sim.sliced = sliced
        b.login()  # a session of 15 min from 00:00:30
        reply = b.ok("sim advance 1h")
        assert events(reply, "session-ended") == [
            "session-ended reason=timeout time=1970-01-01T00:15:30"], reply
        assert b.sim.passes[-1] == 3_630_000
        if not sliced:
            assert b.sim.passes == [930_000, 3_630_000]  # the timeout's mark, the end


def test_an_occlusion_is_raised_when_the_motor_meets_it_and_stops_delivery():
    b = running()
    assert kv(b.ok("sim fault occlusion"))["fault"] == "occlusion"
    reply = b.ok("sim advance 1h")
    alarm = events(reply, "alarm")
    assert alarm and alarm[0].startswith("alarm name=occlusion")
    assert "state old=running new=alarm" in events(reply, "state")[0]
    s = kv(b.ok("status"))
    assert (s["state"], s["alarms"]) == ("alarm", "occlusion")
    b.err("ack occlusion", E_ROLE)
    b.login()
    r = kv(b.ok("ack occlusion"))
    assert (r["old"], r["new"], r["state"]) == ("occlusion", "-", "stopped")
    assert b.dev.pump.sm.state == "stopped"  # a clinician must start it again


def test_alarm_lines_of_an_advance_come_before_its_final_line_and_list_in_alarms():
    b = running(fill="3mL")  # 2.85 mL after the prime; the low alarm sits at 2 mL
    reply = b.ok("sim advance 2d")
    names = [e.split()[1] for e in events(reply, "alarm")]
    assert names == ["name=low_reservoir"]
    assert reply.index([r for r in reply if r.startswith("! alarm")][0]) < len(reply) - 1
    lines = b.ok("alarms")
    assert lines[0].startswith("alarm name=low_reservoir priority=low effect=inform since=")
    assert kv(lines)["alarms"] == "low_reservoir"
    assert b.dev.events() == []  # the reply took them


def test_events_between_commands_are_read_once():
    b = running()
    b.clock.t += 2 * HOUR_MS
    b.dev.tick()
    b.con.press_bolus()  # the button; its answer is also returned
    got = b.dev.events()
    assert got == []  # press_bolus returned its events with its answer
    b.clock.t += HOUR_MS
    b.dev.tick()
    assert [e for e in b.dev.events() if e.startswith("! bolus-done")]
    assert b.dev.events() == []


def test_the_button_answers_like_the_bolus_command_and_leaves_the_session_alone():
    b = running()
    b.clock.t += HOUR_MS
    reply = b.con.press_bolus()
    assert reply[-1].startswith("OK dose_ng=30000 by=patient")
    assert b.con.press_bolus()[-1].startswith("ERR 43 ")  # one is running
    b.clock.t += 10 * 60_000
    assert b.con.press_bolus()[-1].startswith("ERR 44 ")  # lockout


def test_a_battery_fault_raises_its_alarm_at_once():
    b = running()
    reply = b.ok("sim fault battery-sag")
    assert events(reply, "alarm")[0].startswith("alarm name=battery_eri")


def test_power_cut_answers_ok_and_asks_the_world_to_cut():
    b = running()
    assert kv(b.ok("sim power-cut"))["power"] == "cut"
    assert b.sim.cuts == 1


def test_before_any_prescription_the_guard_allows_one_prime_of_the_line_only():
    b = Board()
    rig = b.rig
    steps = -(-rig.dead_volume_nl * rig.step_den // rig.step_num) + 1
    assert (b.guard.max_hour, b.guard.max_day) == (steps, steps) == (109, 109)


def _mix_limit_ng(mix, field):
    """The tightest limit over the mix as primary-drug ng, worked out here: drug i's
    limit L_i is reached when the primary dose is L_i * c_primary / c_i."""
    cp = mix[0][1]
    return min(dt.lookup(name)[field] * cp // c for name, c in mix)


def _expected(mix):
    """Steps of 1.4 uL of the mix: the hourly limit plus one clinician bolus, the daily
    limit plus one hourly limit, all the mix's tightest, in dose (issue 14, item 3; the
    slack was a volume: a 5-min edge at prime speed and one prime, 286 steps)."""
    hour = _mix_limit_ng(mix, dt.F_MAX_HOURLY)
    bolus = _mix_limit_ng(mix, dt.F_MAX_CLINICIAN_BOLUS)
    day = _mix_limit_ng(mix, dt.F_MAX_DAILY)
    per_step = 1400 * mix[0][1]  # ng of the primary in a step, times 10**6
    return ((hour + bolus) * 10**6 // per_step, (day + hour) * 10**6 // per_step)


def _guard(b):
    return b.guard.max_hour, b.guard.max_day


def _held(b):
    """The limits the prescription holds the guard to, without the prime's allowance
    (which leaves the windows with the prime's steps)."""
    return b.dev.safety.limits.limits


def test_with_a_prescription_the_guard_holds_the_drug_table_limits_of_the_mix():
    b = programmed()
    mix = (("hydromorphone", 1_000_000), ("ropivacaine", 2_500_000), ("clonidine", 75_000))
    hour = _mix_limit_ng(mix, dt.F_MAX_HOURLY)
    day = _mix_limit_ng(mix, dt.F_MAX_DAILY)
    # Ropivacaine binds: 15 mg/day at 2.5 mg/mL is 6 mL, which carries 6 mg hydromorphone
    # (clonidine would allow 8 mL, hydromorphone itself 10 mL).
    assert day == 6_000_000
    assert _guard(b) == _expected(mix) == ((hour + 100_000) // 1400, (day + hour) // 1400)


def test_a_weaker_refill_counts_the_old_mix_at_its_own_dose_until_it_has_left_the_line():
    """Was: the tighter of the old and the new limits for a day after the old mix left;
    with a dose allowance a step tighter than therapy, that tripped on the new mix."""
    b = running()
    b.ok("sim advance 2h")
    tight = _held(b)
    lim = b.dev.safety.limits
    b.login()
    b.ok("stop")
    counted = (b.guard.hour.total(b.clock.now_ms()), b.guard.day.total(b.clock.now_ms()))
    b.ok("drug hydromorphone 500ug/mL ropivacaine 1250ug/mL clonidine 37.5ug/mL")
    b.ok("refill 40mL withdrawn=%dnL" % b.dev.pump.reservoir.volume_nl())
    b.ok("confirm")
    b.ok("start")
    half = (("hydromorphone", 500_000), ("ropivacaine", 1_250_000), ("clonidine", 37_500))
    loose = _held(b)
    assert loose == _expected(half)  # ropivacaine's 6 mL: now 12 mL of mix a day
    assert loose[0] > tight[0] and loose[1] > tight[1]
    now = b.clock.now_ms()
    # The steps so far are the same share of the new allowance (rounded up)...
    assert b.guard.hour.total(now) == -(-counted[0] * loose[0] // tight[0])
    assert b.guard.day.total(now) == -(-counted[1] * loose[1] // tight[1])
    # ...and the line's 150 uL of the old mix (108 steps and one more) weigh as it does.
    assert lim.held == tight and lim.wash_left == 109
    assert lim.weigh(10) == (-(-10 * loose[0] // tight[0]), -(-10 * loose[1] // tight[1]))
    b.ok("sim advance 1d")  # the old mix leaves in about 6 h
    assert lim.held is None and lim.weigh(10) == (10, 10)
    assert not b.guard.tripped and b.dev.pump.sm.state == "running"


def test_a_tripped_guard_needs_a_clinician_s_ack_to_lift():
    b = running()
    # As if the hour were used up (the prime's steps are not in it: safety/limits.py).
    b.guard.set_limits(b.guard.hour.total(b.clock.now_ms()), 10**6)
    reply = b.ok("sim advance 10m")
    assert events(reply, "alarm")[0].startswith("alarm name=guard")
    assert b.guard.tripped and not b.motor.enabled
    b.login()
    b.ok("ack guard")
    assert not b.guard.tripped
    assert b.dev.pump.sm.state == "stopped"
    assert b.clock.now_ms() < DAY_MS
