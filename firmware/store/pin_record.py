"""The clinician PIN's salted hash in its own A/B records ("pin.a", "pin.b"), apart from
the therapy snapshot.

Hazard: a PIN kept inside the snapshot went with it. Damage both state records (a byte
flipped in each) and, after a power cycle, anyone could provision a new PIN and log in as
a clinician. Here the PIN survives whatever happens to therapy state, and a PIN record
that was written and can no longer be read is told apart from one never written: `lost`
(the caller then refuses to provision a new PIN without the physical act, issue 15).

    rec = PinRecord(flash)      loads at once
    rec.get() -> bytes | None   the salted hash, None while none is set
    rec.set(value)              commits it to both slots; raises StoreError if a commit
                                did not read back
    rec.lost                    True if a PIN was set and no record of it can be read"""
from micropython import const
from store.slots import Slots, ALARM_REPORTS

MAGIC = b"IPPN"
VERSION = const(1)


class PinRecord:
    def __init__(self, flash):
        self.slots = Slots(flash, "pin", MAGIC, VERSION)
        payload, self.report = self.slots.load()
        self.value = payload if payload else None
        # set() writes A, then B: a B file, whatever it holds, means a PIN was set, so
        # with no good record the PIN is lost, even where a file emptied reads as never
        # written. A damaged A alone is what a cut first provisioning leaves (no PIN).
        self.lost = self.value is None and (
            self.report in ALARM_REPORTS or flash.read(self.slots.names[1]) is not None)

    def get(self):
        return self.value

    def set(self, value):
        # Into both slots: one record damaged later still leaves the other, and a single
        # damaged file with no other (what a cut first commit leaves, read as "never
        # set") then only comes from a cut during provisioning, whose reply never went.
        value = bytes(value)
        self.slots.commit(value)
        self.slots.commit(value)
        self.value = value
        self.lost = False
