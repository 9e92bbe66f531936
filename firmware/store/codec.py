"""A compact byte form for payloads: integers of any size as zigzag varints (7 bits a
byte), text and bytes with their length first. Positional, so the reader must know the
layout; the record's version says which.

A Reader never reads past its bytes nor builds an integer wider than MAX_BYTES varint
bytes, so a damaged or hostile payload raises Corrupt rather than a random exception or
a number that would exhaust the heap."""
from micropython import const

MAX_BYTES = const(20)  # 140 bits: the dose unit U reaches ~2**80 over a year's ledger


class Corrupt(Exception):
    """The payload does not fit the layout being read."""


class Writer:
    def __init__(self):
        self.buf = bytearray()

    def int(self, v):
        if 0 <= v < 64:
            # One byte, as the loop below would write it: most of a save's integers (the
            # guard's buckets, counts, flags) are this small, and this halves its time.
            self.buf.append(v << 1)
            return
        z = v << 1 if v >= 0 else ((-v) << 1) - 1
        while z >= 0x80:
            self.buf.append((z & 0x7F) | 0x80)
            z >>= 7
        self.buf.append(z)

    def bytes(self, b):
        self.int(len(b))
        self.buf.extend(b)

    def text(self, s):
        self.bytes(s.encode())

    def result(self):
        return bytes(self.buf)


class Reader:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def int(self):
        z = 0
        shift = 0
        for _ in range(MAX_BYTES):
            if self.pos >= len(self.data):
                raise Corrupt("short")
            b = self.data[self.pos]
            self.pos += 1
            z |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return z >> 1 if not z & 1 else -((z + 1) >> 1)
        raise Corrupt("varint")

    def count(self, most):
        """A length or a count, refused above `most` (no list is built from junk)."""
        n = self.int()
        if not 0 <= n <= most:
            raise Corrupt("count")
        return n

    def bytes(self, most=4096):
        n = self.count(most)
        if self.pos + n > len(self.data):
            raise Corrupt("short")
        b = bytes(self.data[self.pos:self.pos + n])
        self.pos += n
        return b

    def text(self, most=32):
        b = self.bytes(most)
        for c in b:
            if not 0x20 < c < 0x7F:  # names are printable ASCII, so decoding cannot fail
                raise Corrupt("text")
        return b.decode()

    def end(self):
        if self.pos != len(self.data):
            raise Corrupt("trailing")
