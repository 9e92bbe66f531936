"""The safety channel's counts in the snapshot (app/device_state.py writes them beside the
PIN): the step guard's hour and day buckets, whether it tripped, the limits of an old mix
still in the line and how many of its steps are left there, and the calibration counter.

Hazards: a power cycle must not be a way to a fresh step guard (so its counts survive at
their ages, and the steps the lease charged after the snapshot are added to them), nor a
way to count the old mix still in the line after a change of mix as the new one (so its
limits and its steps left survive). The
calibration counter (steps of water the guard still counts, safety/limits.py) is saved
with the counts it excuses, in the same snapshot, so the two agree after a reset: without
it a prescription programmed after a calibration's reboot would be charged for the water.
Times are kept as what was left, restored as if the board had never been off.

    write(w, channel, now_ms)           into a store.codec.Writer
    read(r, version, now_ms) -> saved   from a Reader; raises Corrupt or ValueError
    apply(channel, saved, charged, now_ms, rx)   once everything else read back too"""
from micropython import const
from pump.dose_units import ceil_div
from safety.limits import for_rx, prime_only
from safety.step_guard import StepGuard
from store.codec import Corrupt

_MAX_COUNTS = const(400)  # the guard's day window has 289 buckets
_CAL_GROUPS = const(6)  # per window: the counter in a few bytes, beside the guard's counts


def write(w, channel, now_ms):
    tripped, hour, day = channel.guard.dump(now_ms)
    w.int(1 if tripped else 0)
    _counts(w, hour)
    _counts(w, day)
    p = channel.limits
    if p.held is None:
        w.int(0)
    else:
        w.int(1)
        w.int(p.held[0])
        w.int(p.held[1])
        w.int(p.wash_left)
    if p.cal is None:
        w.int(0)
    else:
        w.int(1)
        _, hour, day = p.cal.dump(now_ms)
        _groups(w, hour)
        _groups(w, day)


def read(r, version, now_ms):
    """(tripped, hour, day, held, wash_left, cal), checked; version 1 has no calibration
    counter. Before version 4 `held` was the tighter of two mixes' limits, kept for a
    time: read as an old mix a whole line of which is still to leave (the tighter
    weighs at least as much)."""
    tripped = r.int()
    hour = _read_counts(r)
    day = _read_counts(r)
    held = None
    wash_left = 0
    if r.int():
        held = (r.int(), r.int())
        wash_left = r.int()
        if version < 4:
            wash_left = -1  # apply(): a whole line, on the rig it is restored on
        elif wash_left <= 0 or held[0] < 0 or held[1] < 0:
            raise Corrupt("range")
    cal = None
    if version >= 2 and r.int():  # versions of app/device_state.py
        cal = StepGuard(0, 0)
        cal.load(now_ms, False, _read_groups(r), _read_groups(r))
    return tripped, hour, day, held, wash_left, cal


def apply(channel, saved, charged, now_ms, rx):
    """The counts back in the channel, with the limits of the prescription restored
    (`rx`, or None). The steps the lease charged beyond the snapshot (`charged`) were
    issued, as far as anyone can tell, in the newest bucket, and pushed the old mix
    along the line. Raises ValueError (counts the guard cannot hold) before it changes
    anything."""
    tripped, hour, day, held, wash_left, cal = saved
    channel.guard.load(now_ms, tripped, hour, day)
    p = channel.limits
    if rx is not None:
        p.limits = for_rx(rx, p.rig)  # the units the counts were kept in
    if held is not None:
        p.held = held
        p.wash_left = wash_left if wash_left > 0 else prime_only(p.rig)[0]
    h, d = p.weigh(charged)
    channel.guard.record(now_ms, h, d)
    p.moved(charged)
    p.cal = cal  # the device applies the limits before anything moves


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
    per = ceil_div(n, _CAL_GROUPS) if n else 1
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
