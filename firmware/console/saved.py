"""What the console keeps inside the pump's snapshot (store/persist.py's `extra`): the PIN's
salted hash, the login lockout, the step guard's counts and its held limits.

Hazards: a power cycle must not be a way around the PIN lockout (so wrong PINs and the
lock survive, the lock restarting its full remaining time), nor a way to a fresh step
guard (so its hour and day counts survive at their ages, and the steps the lease charged
after the snapshot are added to them), nor a way to loosen the guard after a change of mix
(so the held limits survive). Times are kept as what was left, restored as if the board
had never been off: lost time always counts against the one asking. The calibration
counter (steps of water the guard still counts, console/guard_policy.py) is saved with
the counts it excuses, in the same snapshot, so the two agree after a reset: without it
a prescription programmed after a calibration's reboot would be charged for the water.

    encode(con, now_ms) -> bytes
    load(con, data, now_ms) -> True | False     False: unreadable, the console's defaults
                                                stand and the caller raises `memory`"""
from micropython import const
from hal.step_guard import StepGuard
from store.codec import Writer, Reader, Corrupt

VERSION = const(2)  # 2: the calibration counter; 1 (without it) is still read
_MAX_COUNTS = const(400)  # the guard's day window has 289 buckets
_CAL_GROUPS = const(6)  # per window: the counter in a few bytes, beside the guard's counts


def encode(con, now_ms):
    w = Writer()
    w.int(VERSION)
    a = con.auth
    pin = a.store.get()
    w.bytes(pin if pin is not None else b"")
    w.int(a.wrong)
    w.int(a.lockouts)
    w.int(a.locked_left_ms(now_ms))
    w.int(con.pump.steps_issued)
    tripped, hour, day = con.guard.dump(now_ms)
    w.int(1 if tripped else 0)
    _counts(w, hour)
    _counts(w, day)
    p = con.policy
    if p.held is None:
        w.int(0)
    else:
        w.int(1)
        w.int(p.held[0])
        w.int(p.held[1])
        w.int(-1 if p.hold_until is None else max(p.hold_until - now_ms, 0))
    if p.cal is None:
        w.int(0)
    else:
        w.int(1)
        _, hour, day = p.cal.dump(now_ms)
        _groups(w, hour)
        _groups(w, day)
    return w.result()


def load(con, data, now_ms):
    if not data:
        return True  # a first boot, or a snapshot from before any console state
    try:
        r = Reader(data)
        version = r.int()
        if version not in (1, VERSION):
            raise Corrupt("version")
        pin = r.bytes(64)
        wrong, lockouts, locked_left = r.int(), r.int(), r.int()
        steps_then = r.int()
        tripped = r.int()
        hour = _read_counts(r)
        day = _read_counts(r)
        held = None
        hold_left = -1
        if r.int():
            held = (r.int(), r.int())
            hold_left = r.int()
        cal = None
        if version >= 2 and r.int():
            cal = StepGuard(0, 0)
            cal.load(now_ms, False, _read_groups(r), _read_groups(r))
        r.end()
        if min(wrong, lockouts, locked_left, steps_then) < 0 or hold_left < -1:
            raise Corrupt("range")
        # The steps the lease charged beyond the snapshot were issued, as far as anyone
        # can tell, in the newest bucket.
        charged = con.pump.steps_issued - steps_then
        if charged < 0:
            raise Corrupt("steps")
        con.guard.load(now_ms, tripped, hour, day)
    except (Corrupt, ValueError):
        return False
    con.guard.record(now_ms, charged)
    a = con.auth
    if pin:
        a.store.set(pin)
    a.wrong = wrong
    a.lockouts = lockouts
    a.locked_until = now_ms + locked_left if locked_left else 0
    if held is not None:
        con.policy.held = held
        con.policy.hold_until = None if hold_left < 0 else now_ms + hold_left
    con.policy.cal = cal  # the console applies the limits before anything moves
    return True


def _counts(w, counts):
    # Trailing empty buckets are not written: a quiet day costs a few bytes.
    n = len(counts)
    while n and counts[n - 1] == 0:
        n -= 1
    w.int(n)
    for i in range(n):
        w.int(counts[i])


def _read_counts(r):
    out = []
    for _ in range(r.count(_MAX_COUNTS)):
        out.append(r.int())
    return out


def _groups(w, counts):
    """The calibration counter, coarse: its buckets (newest first) in at most _CAL_GROUPS
    runs, each written as its sum at the age of its oldest bucket. Restored, those steps
    leave the window no later than the real ones, so the allowance never outlasts the
    water it excuses (at worst the guard trips early); the snapshot's `extra` stays small
    (it is refused above snapshot.MAX_EXTRA) however long the calibration ran."""
    n = len(counts)
    while n and counts[n - 1] == 0:
        n -= 1
    per = -(-n // _CAL_GROUPS) if n else 1
    out = []
    for start in range(0, n, per):
        end = start + per if start + per < n else n
        total = 0
        for i in range(start, end):
            total += counts[i]
        if total:
            out.append((end - 1, total))
    w.int(len(out))
    for age, total in out:
        w.int(age)
        w.int(total)


def _read_groups(r):
    n = r.count(_CAL_GROUPS)
    counts = []
    for _ in range(n):
        age, total = r.int(), r.int()
        if not len(counts) <= age < _MAX_COUNTS or total < 0:
            raise Corrupt("calibration")
        while len(counts) < age:
            counts.append(0)
        counts.append(total)
    return counts
