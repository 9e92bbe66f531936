"""What the device keeps inside the pump's snapshot (store/persist.py's `extra`): the login
lockout and the safety channel's counts (safety/counts.py). The PIN's salted hash has its
own records (store/pin_record.py); the field it had here is written empty, and a PIN read
from a snapshot written before those records is moved into them.

Hazard: a power cycle must not be a way around the PIN lockout, so wrong PINs and the
lock survive, the lock restarting its full remaining time. Times are kept as what was
left, restored as if the board had never been off: lost time always counts against the
one asking.

    encode(dev, now_ms) -> bytes
    load(dev, data, now_ms) -> True | False     False: unreadable, the device's defaults
                                                stand and the caller raises `memory`"""
from micropython import const
from safety import counts
from store.codec import Writer, Reader, Corrupt
from store.record import StoreError

# 5: the open day of patient activity (app/activity.py's bytes); 4: an old mix's steps
# left in the line (was a hold's ms); 3: the line-unknown flag; 2: the calibration
# counter; 1 (without either) is still read
VERSION = const(5)


def encode(dev, now_ms):
    w = Writer()
    w.int(VERSION)
    a = dev.auth
    w.bytes(b"")  # the PIN: in its own records now
    w.int(a.wrong)
    w.int(a.lockouts)
    w.int(a.locked_left_ms(now_ms))
    w.int(dev.pump.steps_issued)
    counts.write(w, dev.safety, now_ms)
    w.int(1 if dev.line_unknown else 0)
    w.bytes(dev.day_blob)
    return w.result()


def load(dev, data, now_ms):
    if not data:
        return True  # a first boot, or a snapshot from before any device state
    try:
        r = Reader(data)
        version = r.int()
        if version not in (1, 2, 3, 4, VERSION):
            raise Corrupt("version")
        pin = r.bytes(64)
        wrong, lockouts, locked_left = r.int(), r.int(), r.int()
        steps_then = r.int()
        saved = counts.read(r, version, now_ms)
        line_unknown = r.int() if version >= 3 else 0
        day = r.bytes(512) if version >= 5 else b""
        r.end()
        if min(wrong, lockouts, locked_left, steps_then) < 0:
            raise Corrupt("range")
        charged = dev.pump.steps_issued - steps_then
        if charged < 0:
            raise Corrupt("steps")
        counts.apply(dev.safety, saved, charged, now_ms, dev.pump.rx)
    except (Corrupt, ValueError):
        return False
    dev.line_unknown = dev.line_unknown or line_unknown != 0
    dev.day_blob = day  # app/activity.py reads it at the first pass
    a = dev.auth
    if pin and a.store.get() is None:
        try:
            a.store.set(pin)  # from a snapshot older than the PIN's own records
        except StoreError:
            return False
    a.wrong = wrong
    a.lockouts = lockouts
    a.locked_until = now_ms + locked_left if locked_left else 0
    return True
