"""Flash in RAM for tests, with power cuts in the middle of a write.

A cut during write number `at` after `nbytes` bytes leaves the file in one of three forms,
each seen on real storage, and then raises PowerCut:

    PREFIX     new[:k]                         open("wb") truncates, then k bytes land
                                               (host folder, FAT, LittleFS without sync)
    OVERWRITE  new[:k] + old[k:]               a rewrite in place over the old bytes
    ERASED     new[:k] + half byte + 0xFF...   NOR: sector erased, programming cut in the
                                               middle of byte k (bits only go 1 -> 0)

k runs over 0..len(new): 0 is a cut before the first byte, len(new) a cut just after the
last. Every byte that is not new is old, erased or half-programmed, never a byte the
writer did not put there or that was not there before, except the half byte, which is
any mix of the two. A checksummed record must then read as damaged, or as the old or the
new record in full; LittleFS's own copy-on-write commit only ever gives old or new, so
this model is the more pessimistic one."""
from micropython import const

PREFIX = const(0)
OVERWRITE = const(1)
ERASED = const(2)
MODES = (PREFIX, OVERWRITE, ERASED)


class PowerCut(Exception):
    """The board lost power during a flash write."""


def torn(old, new, k, mode):
    """What a write of `new` over `old`, cut after k bytes, leaves in the file."""
    old = old or b""
    if mode == PREFIX:
        return new[:k]
    if mode == OVERWRITE:
        return new[:k] + old[k:]
    if k >= len(new):
        return new
    half = new[k] | 0x5A  # some of the byte's zero bits not yet programmed
    return new[:k] + bytes((half,)) + b"\xff" * (len(new) - k - 1)


class SimFlash:
    def __init__(self, files=None):
        self.files = dict(files) if files else {}
        self.writes = 0  # write() calls so far, the cut ones included
        self.cut = None  # (write number, bytes written, mode)
        self.on_write = None  # called (number, name, old, new) before each write

    def read(self, name):
        return self.files.get(name)

    def names(self, folder):
        head = folder + "/"
        return [n[len(head):] for n in self.files if n.startswith(head)]

    def write(self, name, data):
        data = bytes(data)
        i = self.writes
        self.writes += 1
        if self.on_write is not None:
            self.on_write(i, name, self.files.get(name), data)
        if self.cut is not None and self.cut[0] == i:
            self.files[name] = torn(self.files.get(name), data, self.cut[1], self.cut[2])
            raise PowerCut(i)
        self.files[name] = data
