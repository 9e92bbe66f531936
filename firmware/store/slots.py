"""Two slots (A/B) for one record, so a commit is atomic whatever the flash does when it
is cut: a commit writes only the slot that does not hold the newest good record, then
reads it back. A cut leaves that slot damaged, or whole with the new record; the other
still holds the one before. Loading takes the newest good record, so what is read back
is the state before the commit or after it, never a mix.

Two records ours in a row differ by exactly one in sequence number. A good record more
than one ahead of the other slot's was not written by this sequence: it is "from the
future", ignored and reported, as is one of a version this firmware cannot read, and
the next commit overwrites it."""
from micropython import const
from store.flash import UNREADABLE
from store.record import (encode, decode, StoreError, OK, DAMAGED, FUTURE, EMPTY,
                          MAX_SEQ)

# load() reports, worst last. TORN is what a cut commit leaves and needs no alarm (the
# state is the one before it); LOST and ODD are damage or a foreign record: the memory
# alarm.
FRESH = const(0)  # nothing was ever written
CLEAN = const(1)
TORN = const(2)  # one slot unreadable, the other good
ODD = const(3)  # a record from the future or of an unknown version was set aside
LOST = const(4)  # files there, no good record

ALARM_REPORTS = (ODD, LOST)
REPORT_NAMES = ("fresh", "clean", "torn", "odd", "lost")


class Slots:
    def __init__(self, flash, name, magic, version):
        self.flash = flash
        self.names = (name + ".a", name + ".b")
        self.magic = magic
        self.version = version
        self.seq = None  # sequence number of the record in use
        self.read_version = None  # the version of the record load() returned, or None
        self.index = None  # the slot that holds it
        self.loaded = False

    def load(self):
        """(payload or None, report). Never raises on bad content."""
        self.loaded = True
        found = []
        damaged = 0
        odd = 0
        present = 0
        unreadable = 0
        for i in (0, 1):
            data = self.flash.read(self.names[i])
            if data == UNREADABLE:
                unreadable += 1
            status, seq, version, payload = decode(data, self.magic, self.version)
            if status != EMPTY:
                present += 1
            if status == OK:
                found.append((seq, i, payload, version))
            elif status == FUTURE:
                odd += 1
            elif status == DAMAGED:
                damaged += 1
        if len(found) == 2:
            found.sort()
            if found[1][0] != found[0][0] + 1:
                odd += 1  # not a pair this sequence wrote: the higher is not ours
                found.pop()
            else:
                found.pop(0)
        if not found:
            self.seq = None
            self.index = None
            self.read_version = None
            if not present:
                return None, FRESH
            # One damaged file and no other is what a cut first commit leaves: nothing
            # had been committed, so nothing is lost. A file that cannot be read at all
            # is no cut write: what it held is lost.
            return None, (TORN if present == 1 and damaged == 1 and not unreadable else LOST)
        self.seq, self.index, payload, self.read_version = found[0]
        if odd:
            return payload, ODD
        return payload, (TORN if damaged else CLEAN)

    def commit(self, payload):
        """Write payload as the next record; raises StoreError if it did not read back."""
        if not self.loaded:
            raise StoreError("commit before load")  # it could overwrite the newest record
        seq = 1 if self.seq is None else self.seq + 1
        if seq > MAX_SEQ:
            raise StoreError("seq", seq)
        target = 0 if self.index is None else 1 - self.index
        data = encode(self.magic, self.version, seq, payload)
        try:
            self.flash.write(self.names[target], data)
            back = self.flash.read(self.names[target])
        except OSError as err:
            raise StoreError("write", target, err)
        if back != data:
            raise StoreError("readback", target)
        self.seq = seq
        self.index = target
