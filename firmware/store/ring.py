"""The event log: a bounded ring of fixed-size records on flash that survives resets.

Each record is its own file (log.00 .. log.NN), with its own sequence number and CRC, and
record number `seq` always lives in file `seq % size`. A cut write loses only the record
being written (and the oldest one, which it was replacing anyway). At boot the newest good
record gives the next number; a record in the wrong file, of an unknown version, or more
than a ring ahead of the others cannot have been written by this ring: it is ignored and
counted in `odd`. Payloads are padded to a fixed size, so every write costs the same."""
from micropython import const
from store.record import encode, decode, OK, DAMAGED, EMPTY, MAX_SEQ

MAGIC = b"IPLG"
VERSION = const(1)
SIZE = const(64)  # records kept
WIDTH = const(120)  # payload bytes per record: a console event line with its time


class EventLog:
    def __init__(self, flash, name="log", size=SIZE, width=WIDTH):
        self.flash = flash
        self.name = name
        self.size = size
        self.width = width
        self.damaged = 0
        self.odd = 0
        self.next_seq = 1
        self._scan()

    def _file(self, i):
        return self.name + "." + ("0" + str(i) if i < 10 else str(i))

    def _records(self):
        """Good records as (seq, payload), oldest first; sets damaged and odd."""
        good = []
        self.damaged = 0
        self.odd = 0
        for i in range(self.size):
            status, seq, _, payload = decode(self.flash.read(self._file(i)), MAGIC, VERSION)
            if status == OK and seq % self.size == i:
                good.append((seq, payload))
            elif status == DAMAGED:
                self.damaged += 1
            elif status != EMPTY:  # an unknown version, or a record in the wrong file
                self.odd += 1
        good.sort()
        # Appends are consecutive, so the records of this ring lie within one ring's span
        # of numbers. A jump as large cuts them in runs; the longest run is the ring (the
        # lower on a tie: it cannot be from the future), the rest were not written here.
        best = (0, 0)
        start = 0
        for k in range(1, len(good) + 1):
            if k == len(good) or good[k][0] - good[k - 1][0] >= self.size:
                if k - start > best[1] - best[0]:
                    best = (start, k)
                start = k
        self.odd += len(good) - (best[1] - best[0])
        return good[best[0]:best[1]]

    def _scan(self):
        good = self._records()
        self.next_seq = good[-1][0] + 1 if good else 1

    def append(self, payload):
        """Write one record (payload cut or padded to the width). Returns its number."""
        seq = self.next_seq
        if seq > MAX_SEQ:
            seq = 1  # after 4e9 records: start again rather than stop logging
        body = bytes(payload[:self.width])
        body = body + b" " * (self.width - len(body))
        self.next_seq = seq + 1  # a failed write still uses its number: no reuse
        self.flash.write(self._file(seq % self.size), encode(MAGIC, VERSION, seq, body))
        return seq

    def last(self, n):
        """The newest n records as (seq, payload with the padding removed), oldest first."""
        good = self._records()
        out = []
        for seq, payload in good[-n:] if n > 0 else []:
            out.append((seq, payload.rstrip(b" ")))
        return out


def event_text(wall_ms, kind, values):
    """A pump note (pump._note) as one log payload: "wall_s kind v1 v2 ..." in ASCII."""
    parts = [str(wall_ms // 1000), kind]
    for v in values:
        parts.append(str(v))
    return " ".join(parts).encode()
