"""Patient activity by day (issue 16, item 8): presses, grants, refusals by their code, a
clinician's boluses, and the dose of each drug that left the catheter tip, for a
clinician's review at a refill visit. Loaded when a day rolls over, at a press, and for
`activity`; dropped after (app/lazy.py): the Pico's heap keeps only the device's bytes of
the open day (`Device.day_blob`) and the time it ends.

Hazards: a power cut must never count a press twice or invent one, and a day's record is
written once, not every pass (flash wear). So:

- the open day lives in RAM as bytes (`pack`), saved with the device's state in every
  snapshot (app/device_state.py): a press is a note, and a note is saved before the reply;
- at the day's end the day becomes one record of a ring on flash (`days/day.NNN`, DAYS
  records of WIDTH bytes, each with its number and CRC: store/ring.py's pattern, one file
  each), written at the number the open day carries. A cut before the next snapshot
  brings back the closed day with that same number, so the record is written again over
  itself, never a second time beside it;
- the dose of a day is each drug's delivered total (Pump.delivered_ng, basal and boluses,
  a reset's charged steps included) at its end less at its start: the days add up to the
  pump's own totals, to the ng.

Days are the pump's wall-clock days (its time plus the wall offset, as the schedule
reads it). On a clock never set that is 1970-01-01 plus the time the pump has run: the
days since its first boot. Setting the clock to another day closes the open one under
its old date. Never raises: what cannot be written is logged and counted."""
from micropython import const
from pump.dose_units import DAY_MS
from store.codec import Writer, Reader, Corrupt
from store.record import decode, encode as encode_record, OK, EMPTY, StoreError
from store.ring import EventLog

DAYS = const(400)  # records kept: a year and a month of days
# Bytes a record holds: its file stays 135 bytes as an event record does, small enough for
# LittleFS to keep inside its folder's metadata (a larger file takes a 4 KB block each).
WIDTH = const(120)
MAGIC = b"IPDY"
VERSION = const(1)
FOLDER = "days"
_BLOB = const(1)  # the open day's byte form (in the snapshot)


class Day:
    """One day's counts: key (the wall day number, days since 1970-01-01), seq (the ring
    number its record gets; 0: not known yet), counts {code: presses} (0: granted),
    clinician boluses and their ng, and base or dose: each drug's ng delivered before the
    day (the open day) or in it (a record)."""

    def __init__(self, key, seq=0, counts=None, clin_n=0, clin_ng=0, drugs=None):
        self.key = key
        self.seq = seq
        self.counts = counts if counts is not None else {}
        self.clin_n = clin_n
        self.clin_ng = clin_ng
        self.drugs = drugs if drugs is not None else {}
        self.cut = 0  # drugs a record had no room for

    def presses(self):
        n = 0
        for v in self.counts.values():
            n += v
        return n


def _write_counts(w, d):
    w.int(len(d.counts))
    for code in sorted(d.counts):
        w.int(code)
        w.int(d.counts[code])
    w.int(d.clin_n)
    w.int(d.clin_ng)


def _read_counts(r, d):
    for _ in range(r.count(64)):
        code, n = r.int(), r.int()
        if not 0 <= code < 256 or n < 0:
            raise Corrupt("count")
        d.counts[code] = n
    d.clin_n, d.clin_ng = r.int(), r.int()
    if d.clin_n < 0 or d.clin_ng < 0:
        raise Corrupt("count")


def pack(d):
    """The open day as bytes for the snapshot."""
    w = Writer()
    w.int(_BLOB)
    w.int(d.key)
    w.int(d.seq)
    _write_counts(w, d)
    w.int(len(d.drugs))
    for name in sorted(d.drugs):
        w.text(name)
        w.int(d.drugs[name])
    return w.result()


def unpack(blob):
    """The open day from its bytes, or None (none kept, or unreadable: a fresh day)."""
    if not blob:
        return None
    try:
        r = Reader(blob)
        if r.int() != _BLOB:
            return None
        d = Day(r.int(), r.int())
        _read_counts(r, d)
        for _ in range(r.count(16)):
            name = r.text()
            d.drugs[name] = r.int()
        r.end()
    except (Corrupt, ValueError):
        return None
    return d if d.key >= 0 and d.seq >= 0 else None


def record(d, totals):
    """The closed day as a record's payload: its counts and each drug's dose in it, the
    largest first, as many as WIDTH holds (how many did not fit: the last number)."""
    doses = [(totals[n] - d.drugs.get(n, 0), n) for n in totals]
    doses = [x for x in doses if x[0]]
    doses.sort()
    doses.reverse()
    w = Writer()
    w.int(d.key)
    _write_counts(w, d)
    room = WIDTH - len(w.buf) - 2  # the count of drugs, and of those left out (< 64 each)
    fit = []
    for ng, name in doses:
        size = len(_dose_bytes(name, ng))
        if size > room:
            break
        room -= size
        fit.append((name, ng))
    w.int(len(fit))
    for name, ng in fit:
        w.text(name)
        w.int(ng)
    w.int(len(doses) - len(fit))
    return w.result()


def _dose_bytes(name, ng):
    w = Writer()
    w.text(name)
    w.int(ng)
    return w.buf


def parse(payload):
    """A record's payload (with its padding) back as a Day whose drugs are the day's
    doses; Corrupt if it is not one."""
    r = Reader(payload)
    d = Day(r.int())
    _read_counts(r, d)
    for _ in range(r.count(16)):
        name = r.text()
        d.drugs[name] = r.int()
    d.cut = r.count(16)
    rest = payload[r.pos:]
    if rest != b" " * len(rest):
        raise Corrupt("trailing")
    return d


def totals(pump):
    """Each drug's ng delivered since the pump was built (Pump.delivered)."""
    out = {}
    for name in pump.delivered:
        out[name] = pump.delivered_ng(name)
    return out


class Ring(EventLog):
    """The ring of closed days. Built without reading its DAYS files: the open day knows
    the next record's number; scan() only when it does not (a lost snapshot)."""

    def __init__(self, flash):
        EventLog.__init__(self, flash, FOLDER + "/day", DAYS, WIDTH)

    def _scan(self):
        self.next_seq = 0  # unknown until scan()

    def scan(self):
        """The next record's number: one past the newest good record's (1 if none).
        Keeps one number per file, never the payloads (400 of them would not fit)."""
        seqs = []
        for i in range(self.size):
            status, seq, _, _ = decode(self.flash.read(self._file(i)), MAGIC, VERSION)
            if status == OK and seq % self.size == i:
                seqs.append(seq)
        seqs.sort()
        # A number more than a ring beyond the rest was not written by this ring.
        while len(seqs) > 1 and seqs[-1] - seqs[-2] >= self.size:
            seqs.pop()
        self.next_seq = seqs[-1] + 1 if seqs else 1
        return self.next_seq

    def put(self, seq, payload):
        """Write record `seq` (over itself if a cut brought its day back)."""
        self.next_seq = seq
        body = bytes(payload) + b" " * (WIDTH - len(payload))
        self.flash.write(self._file(seq % self.size), encode_record(MAGIC, VERSION, seq, body))

    def get(self, seq):
        """Record `seq` as a Day, None if it was never written (an empty file), or False
        if what its file holds is not it (torn, damaged, another number, unparsable)."""
        status, s, _, payload = decode(self.flash.read(self._file(seq % self.size)),
                                       MAGIC, VERSION)
        if status == EMPTY:
            return None
        if status != OK or s != seq:
            return False
        try:
            return parse(payload)
        except (Corrupt, ValueError):
            return False


def ring(dev):
    """The ring on the device's flash, or None without a store (a test's bare device)."""
    store = dev.store
    if store is None:
        return None
    flash = store.log.flash  # the store's flash: the event log's
    return Ring(flash)


def _make_folder(flash):
    """The ring's folder on a board's files (a SimFlash has no folders)."""
    prefix = getattr(flash, "prefix", None)
    if prefix is not None:
        import os
        try:
            os.mkdir(prefix + FOLDER)
        except OSError:
            pass  # there already (EEXIST); a real failure shows when the record is written


def _open(dev, key, seq):
    """A new open day. Its record's number is known from the start (the ring read once,
    at the boot that found no open day): a day saved without it would, after a cut that
    came between its record and the next save, be given a new number, and counted twice."""
    if not seq:
        r = ring(dev)
        seq = 0 if r is None else r.scan()
    return Day(key, seq, drugs=totals(dev.pump))


def roll(dev, now):
    """Bring the open day in line with the pump's wall clock: close it (its record
    written) once its end has passed or the clock was set to another day, open the next,
    and set when that one ends. Raises only MemoryError (Device.day_check)."""
    pump = dev.pump
    d = unpack(dev.day_blob)
    off = pump.wall_offset_ms
    ended = False
    if d is not None:
        end = (d.key + 1) * DAY_MS - off
        ended = off == dev.day_off and end <= now  # by time, not by a clock set
        if pump.t < end <= now:
            pump.advance(end)  # the day's dose to its last ms, whatever the pass's time
    key = (pump.t + off) // DAY_MS
    if d is None:
        d = _open(dev, key, 0)
    elif key != d.key:
        d = _open(dev, key, close(dev, d, ended))
    dev.day_blob = pack(d)
    dev.day_off = off
    dev.day_end = (key + 1) * DAY_MS - off


def close(dev, d, ended=True):
    """Write the closed day `d` as record d.seq (the ring's next if unknown); the number
    the next day's record gets (0: unknown). A day that did not reach its end (the clock
    was set) and holds nothing is not written: the minutes before a new pump's clock was
    set would be a row of zeros dated 1970. A write that fails is logged; the day is then
    lost, and the pump goes on (the record informs)."""
    r = ring(dev)
    if r is None:
        return 0
    totals_now = totals(dev.pump)
    if not ended and not d.presses() and not d.clin_n and not _moved(d, totals_now):
        return d.seq
    seq = d.seq
    try:
        if not seq:
            seq = r.scan()
        _make_folder(r.flash)
        r.put(seq, record(d, totals_now))
    except (OSError, StoreError):
        dev.record("activity-lost day=%s" % _date(d.key))
    return seq + 1 if seq else 0


def _moved(d, totals_now):
    for name in totals_now:
        if totals_now[name] != d.drugs.get(name, 0):
            return True
    return False


def _date(key):
    from console.iso_time import format_iso
    return format_iso(key * DAY_MS)[:10]


def today(dev):
    """The open day, its drugs being the doses so far (None before the first pass)."""
    d = unpack(dev.day_blob)
    if d is not None:
        now = totals(dev.pump)
        d.drugs = dict((n, now[n] - d.drugs.get(n, 0)) for n in now
                       if now[n] != d.drugs.get(n, 0))
    return d


def press(dev, code):
    """A patient's press: granted (code 0) or refused with its code."""
    d = unpack(dev.day_blob)
    if d is None:
        return  # before the first pass: the pump has not opened a day yet
    d.counts[code] = d.counts.get(code, 0) + 1
    dev.day_blob = pack(d)
    dev.changed = True  # saved with the device's state before the reply goes out


def clinician(dev, dose_ng):
    """A clinician's bolus granted (its dose of the primary drug)."""
    d = unpack(dev.day_blob)
    if d is None:
        return
    d.clin_n += 1
    d.clin_ng += dose_ng
    dev.day_blob = pack(d)
    dev.changed = True
