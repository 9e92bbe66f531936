"""Adversarial tests of the console, CPython only: fuzzed lines and a PIN-guessing attacker.

Hazards: unauthorized programming (a patient or passer-by at the console changes the
prescription, the reservoir or the clock) and bad input (a line that crashes the console
leaves a pump nobody can stop). So, for any bytes at all:
- the console never fails inside (no `ERR 82`, no `! error` line) and answers every line
  with exactly one final OK/ERR, after its events and data;
- without a clinician session, nothing a clinician guards changes: the prescription and
  the draft, the reservoir and any staged refill, the wall clock, the PIN, the alarms'
  acknowledgements, the step guard's limits, and the state (but for the patient's own
  bolus, which anyone may ask for).

The attacker guesses PINs as fast as the lockout lets them, for simulated weeks, against
the real Auth; the test prints how many guesses an hour and a day that gives, and checks
the count against the lockout rule worked out here."""
from hypothesis import event, given, settings, strategies as st

import tally
from app.auth import Auth, LOCK_MAX_MS, LOCK_MS, MAX_WRONG
from console_fakes import Board, CASE1_LINES, kv
from pump.errors import E_INTERNAL, E_LOGIN_LOCKED, PumpError

PIN = "73915048"  # 8 digits: the corpus below never holds it, so no line can log in
MIN_MS = 60_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000
TYPING_MS = 1_000  # one guess a second when not locked out: faster than any person

CORPUS = (
    b"status", b"alarms", b"rx", b"log 5", b"help", b"help basal", b"whoami", b"session",
    b"mem", b"mem x", b"help mem",
    b"bolus", b"bolus 50ug", b"pin 1234", b"pin 73915049", b"login 1234", b"login", b"logout",
    b"time 2026-01-01T08:00:00", b"drug morphine 10mg/mL", b"drug hydromorphone 15mg/mL",
    b"basal 700ug/d", b"basal 00:00=9mg/d", b"ptm 50ug lockout=1h max=24", b"ptm off",
    b"reservoir-alarm 1mL", b"capacity 60mL", b"refill 40mL", b"confirm", b"start", b"stop",
    b"suspend", b"resume", b"prime 50uL", b"ack low_reservoir", b"ack guard",
    b"sim advance 1h", b"sim press", b"sim fault occlusion", b"sim power-cut",
)


@st.composite
def mutated(draw):
    """A corpus line as it is, or with bytes inserted, deleted, replaced or doubled."""
    line = bytearray(draw(st.sampled_from(CORPUS)))
    for _ in range(draw(st.integers(0, 4))):
        how = draw(st.sampled_from(["insert", "delete", "replace", "double", "case"]))
        at = draw(st.integers(0, len(line)))
        if how == "insert":
            line[at:at] = draw(st.binary(min_size=1, max_size=4))
        elif how == "delete" and line:
            del line[min(at, len(line) - 1)]
        elif how == "replace" and line:
            line[min(at, len(line) - 1)] = draw(st.integers(0, 255))
        elif how == "double":
            line = line[:at] + line + line[at:]
        elif how == "case":
            line = bytearray(bytes(line).swapcase())
    return bytes(line)


fuzz_line = (st.sampled_from(CORPUS) | st.binary(max_size=260) | mutated()
             | st.text(st.characters(min_codepoint=9, max_codepoint=126), max_size=80).map(
                 str.encode))
fuzz_lines = st.lists(fuzz_line, min_size=1, max_size=30)


def board_in(phase):
    """A console with the PIN set and no session, its pump in `phase`. Then the sim is
    taken away (`sim` lines get ERR 80) and the clock stands still: only the lines
    themselves could change anything."""
    b = Board()
    b.ok("pin " + PIN)
    b.ok("login " + PIN)
    if phase != "unprogrammed":
        b.ok("time 2026-01-01T00:00:00")  # case 1's schedule runs by the time of day
        for line in CASE1_LINES:
            b.ok(line)
    if phase in ("running", "stopped"):
        b.ok("refill 40mL")
        b.ok("confirm")
        b.ok("prime 150uL")
        b.ok("sim advance 4m")
        b.ok("login " + PIN)
        b.ok("start")
    if phase == "stopped":
        b.ok("stop")
    b.ok("logout")
    b.dev.sim = None
    return b


def guarded(b):
    """Everything a clinician login guards, as plain values."""
    p = b.dev.pump
    rx = p.rx
    d = b.dev.draft
    return dict(
        rx=None if rx is None else (rx.drugs, rx.schedule.steps,
                                    None if rx.bolus is None else (
                                        rx.bolus.dose_ng, rx.bolus.lockout_ms,
                                        rx.bolus.max_per_day),
                                    rx.capacity_nl, rx.low_nl),
        draft=(d.drugs, d.next_drugs, None if d.schedule is None else d.schedule.steps,
               d.bolus if d.bolus is None or type(d.bolus) is str else (
                   d.bolus.dose_ng, d.bolus.lockout_ms, d.bolus.max_per_day),
               d.low_nl, d.capacity_nl),
        reservoir=(p.reservoir.volume_vu, p.reservoir.fill_vu, p.reservoir.concs),
        pending=p.pending, wall=p.wall_offset_ms, clock=b.clock.t,
        pin=b.dev.auth.store.get(),
        acked=sorted((n, e[2]) for n, e in p.alarms.state.items()),
        guard=(b.guard.max_hour, b.guard.max_day, b.guard.tripped),
    )


def check_reply(line, reply):
    finals = [r for r in reply if r == "OK" or r.startswith("OK ") or r.startswith("ERR ")]
    assert len(finals) == 1 and reply[-1] == finals[0], (line, reply)
    for r in reply:
        assert not r.startswith("ERR %d " % E_INTERNAL), (line, reply)
        assert not r.startswith("! error"), (line, reply)
    tally.add("adversarial.lines")
    tally.add("adversarial.bytes", len(line))


@settings(max_examples=settings().max_examples * 2)
@given(st.sampled_from(["unprogrammed", "programmed", "stopped", "running"]), fuzz_lines)
def test_fuzzed_lines_without_a_login_never_crash_and_change_nothing_guarded(phase, lines):
    b = board_in(phase)
    before = guarded(b)
    state = b.dev.pump.sm.state
    for line in lines:
        reply = b.con.handle(line)
        check_reply(line, reply)
        if reply[-1].startswith("OK dose_ng=") and "by=patient" in reply[-1]:
            state = "bolusing"  # the patient's own bolus: allowed to anyone
        assert b.dev.pump.sm.state == state, (line, reply)
        assert not b.dev.auth.clinician(b.clock.t), (line, reply)
    assert guarded(b) == before
    event("phase %s, %d lines" % (phase, len(lines)))


@given(fuzz_lines)
def test_fuzzed_lines_with_a_clinician_session_never_crash_the_console(lines):
    # With a session open the lines may change anything; they must still be answered.
    b = board_in("running")
    b.ok("login " + PIN)
    for line in lines:
        check_reply(line, b.con.handle(line))


def test_a_real_login_is_needed_and_enough_for_the_guarded_fields_to_change():
    # The fuzz above must be able to fail: the same lines with a login do change them.
    b = board_in("running")
    before = guarded(b)
    b.ok("login " + PIN)
    b.ok("basal 650ug/d")
    b.ok("commit")  # a change to a running pump is staged for review first
    b.ok("time 2026-03-01T08:00:00")
    assert guarded(b)["rx"] != before["rx"] and guarded(b)["wall"] != before["wall"]


# ----- PIN guessing -----
def lock_ms(k):
    """The k-th lockout (1, 2, ...) from the rule in docs/protocol.md: 15 min, doubling,
    at most 24 h."""
    return min(LOCK_MS * 2 ** (k - 1), LOCK_MAX_MS)


def guesses_by_rule(until_ms):
    """Guess times an attacker gets by the rule alone: MAX_WRONG guesses a TYPING_MS
    apart, then the k-th lockout from the last of them, and again."""
    times = []
    t = 0
    k = 0
    while t < until_ms:
        for _ in range(MAX_WRONG):
            if t >= until_ms:
                break
            times.append(t)
            last = t
            t += TYPING_MS
        k += 1
        t = max(t, last + lock_ms(k))
    return times


def attack(days):
    """The attacker against the real Auth: a guess whenever login is not locked, each a
    wrong PIN, one a second; when locked, wait exactly as long as the refusal says."""
    auth = Auth()
    auth.set_pin(PIN, 0)
    t = 0
    times = []
    n = 0
    while t < days * DAY_MS:
        left = auth.locked_left_ms(t)
        if left:
            t += left
            continue
        guess = "%04d" % (n % 10_000)
        n += 1
        try:
            auth.login(guess, t)
            raise AssertionError("a wrong PIN logged in: " + guess)
        except PumpError as err:
            assert err.code in (77, E_LOGIN_LOCKED), err.code
        times.append(t)
        t += TYPING_MS
    return times


def count_in(times, a, b):
    return sum(1 for t in times if a <= t < b)


def test_a_pin_guesser_gets_15_guesses_in_the_first_hour_then_5_a_day():
    days = 30
    times = attack(days)
    assert times == guesses_by_rule(days * DAY_MS)  # the Auth follows the rule exactly
    first_hour = count_in(times, 0, HOUR_MS)
    first_day = count_in(times, 0, DAY_MS)
    # Once the lockout is at its 24 h cap, every day holds 5 guesses (the window of a
    # day can hold a burst at its start and the next one at its end, so at most 10).
    busiest_hour = max(count_in(times, t, t + HOUR_MS) for t in times)
    later_days = [count_in(times, d * DAY_MS, (d + 1) * DAY_MS) for d in range(3, days)]
    print("\nPIN guessing, one guess a second whenever login is not locked:")
    print("  first hour: %d guesses; busiest rolling hour: %d" % (first_hour, busiest_hour))
    print("  first day: %d; each later day: %d..%d; %d in %d days"
          % (first_day, min(later_days), max(later_days), len(times), days))
    print("  a 4-digit PIN (10000) at that rate: half found after ~%d days"
          % ((5000 - first_day) // 5 + 1))
    tally.add("adversarial.pin_guesses", len(times))
    assert first_hour == 15  # 5, then 15 min locked, 5, then 30 min locked, 5
    assert busiest_hour == 15
    assert first_day == 35  # locks of 15, 30, 60, 120, 240, 480 min, then 960 min
    assert min(later_days) >= 5 and max(later_days) <= 10
    assert count_in(times, 2 * DAY_MS, days * DAY_MS) <= 5 * (days - 2) + 5


def test_the_right_pin_during_a_lockout_is_refused_without_being_checked():
    auth = Auth()
    auth.set_pin(PIN, 0)
    for i in range(MAX_WRONG):
        try:
            auth.login("0000", i)
        except PumpError:
            pass
    try:
        auth.login(PIN, MAX_WRONG)
        raise AssertionError("the right PIN opened a locked console")
    except PumpError as err:
        assert err.code == E_LOGIN_LOCKED
    auth.login(PIN, MAX_WRONG - 1 + LOCK_MS)  # the lock is over: the right PIN works
    assert auth.clinician(MAX_WRONG + LOCK_MS)


def test_the_console_tells_the_attacker_no_more_than_the_lockout():
    b = Board()
    b.ok("pin " + PIN)
    replies = [b.send("login 0000")[-1] for _ in range(MAX_WRONG + 1)]
    assert replies[:4] == ["ERR 77 wrong PIN: %d more before login locks" % n
                           for n in (4, 3, 2, 1)]
    assert replies[4].startswith("ERR 78") and replies[5].startswith("ERR 78")
    assert kv(b.ok("whoami"))["login_locked_s"] == "900"
