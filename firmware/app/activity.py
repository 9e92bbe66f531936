"""Patient activity by day (issue 16, item 8): presses, grants, refusals by their code, a
clinician's boluses and the dose of each drug that left the catheter tip, for a
clinician's review at a refill visit. Loaded when a day rolls over, at a press, and for
`activity`; dropped after (app/lazy.py): the Pico's heap keeps only the device's bytes of
the open day (`Device.day_blob`) and the time it ends (`Device.day_end`).

Hazards: a power cut must never count a press twice or invent one, and a day's record is
written once, not every pass (flash wear). So:

- the open day lives in RAM as bytes (`pack`), saved with the device's state in every
  snapshot (app/device_state.py): a press is a note, and a note is saved before the reply;
- at the day's end the day becomes one record of a ring on flash (`days/d<n>`, DAYS
  records of WIDTH bytes, each with its number and CRC as store/record.py writes them,
  one file each, record n in file n % DAYS), written at the number the open day carries
  from the day it opened. A cut before the next snapshot brings back the closed day with
  that same number, so its record is written again over itself, never beside itself;
- a day's dose is each drug's delivered total (Pump.delivered_ng, basal and boluses, a
  reset's charged steps included) at its end less at its start: the days add up to the
  pump's own totals, to the ng, and nothing is added per pass.

Days are the pump's wall-clock days (its time plus the wall offset, as the schedule
reads it). On a clock never set that is 1970-01-01 plus the time the pump has run: the
days since its first boot. Setting the clock to another day closes the open one under
its old date. Nothing here raises but MemoryError: what cannot be written is logged.

Few names, on purpose: every name a module holds stays in a Pico's heap for good once
the module has been loaded (MicroPython never frees an interned name), and this one is
loaded every day. A day is a list: [key (days since 1970-01-01), seq (its record's
number), counts {code: n} (0: granted; _CLIN_N, _CLIN_NG: a clinician's boluses and ng),
drugs {name: ng} (delivered before the open day; in the day, for a closed one), cut (the
drugs a record had no room for)]."""
from micropython import const
from pump.dose_units import DAY_MS
from store import record
from store.codec import Writer, Reader, Corrupt

_DAYS = const(400)  # records kept: a year and a month (console/cmd_activity.py, pumpctl)
# Bytes a record holds: its file is 135 bytes as an event record's, small enough for
# LittleFS to keep inside its folder's metadata (a larger file takes a 4 KB block each).
_WIDTH = const(120)
MAGIC = b"IPDY"
VERSION = const(1)
_KEY = const(0)
_SEQ = const(1)
_COUNTS = const(2)
_DRUGS = const(3)
_CUT = const(4)
_CLIN_N = const(-1)  # keys of counts that are no press's code
_CLIN_NG = const(-2)
_BLOB = const(1)  # the open day's byte form


def _file(seq):
    return "days/d%d" % (seq % _DAYS)


def pack(d, cut=None):
    """A day as bytes: the open day for the snapshot (its number, each drug's total
    before it), or, with `cut` (the most bytes), a closed day's record payload (each
    drug's dose in it, the largest first, as many as fit; how many did not, last)."""
    w = Writer()
    w.int(_BLOB if cut is None else d[_KEY])
    if cut is None:
        w.int(d[_KEY])
        w.int(d[_SEQ])
    c = d[_COUNTS]
    w.int(len(c))
    for code in sorted(c):
        w.int(code)
        w.int(c[code])
    drugs = sorted([(-ng, name) for name, ng in d[_DRUGS].items()] if cut else
                   [(0, name) for name in d[_DRUGS]])
    room = (cut or 0) - len(w.buf) - 2  # the counts of drugs kept and left out (< 64)
    kept = []
    for ng, name in drugs:
        if cut is not None:
            room -= len(name) + 6  # its length, the name, its ng (< 2**34: 5 bytes)
            if room < 0:
                break
        kept.append(name)
    w.int(len(kept))
    for name in kept:
        w.text(name)
        w.int(d[_DRUGS][name])
    if cut is not None:
        w.int(len(drugs) - len(kept))
    return w.result()


def unpack(data, cut=False):
    """A day from its bytes (with `cut`, a closed day's record payload, padding and all);
    None if there are none or they are not a day's (an open day then starts afresh)."""
    if not data:
        return None
    try:
        r = Reader(data)
        if cut:
            d = [r.int(), 0]
        elif r.int() != _BLOB:
            return None
        else:
            d = [r.int(), r.int()]
        c = {}
        for _ in range(r.count(64)):
            code, n = r.int(), r.int()
            if not _CLIN_NG <= code < 256 or n < 0:
                raise Corrupt("count")
            c[code] = n
        drugs = {}
        for _ in range(r.count(16)):
            name = r.text()
            drugs[name] = r.int()
        d += [c, drugs, r.count(16) if cut else 0]
        rest = data[r.pos:]
        if rest != b" " * len(rest) or (rest and not cut) or min(d[_KEY], d[_SEQ]) < 0:
            raise Corrupt("trailing")
    except (Corrupt, ValueError):
        return None
    return d


def delivered(pump):
    """Each drug's ng delivered since the pump was built (Pump.delivered)."""
    out = {}
    for name in pump.delivered:
        out[name] = pump.delivered_ng(name)
    return out


def flash(dev):
    """The store's flash (the event log's), or None without a store (a bare device)."""
    return None if dev.store is None else dev.store.log.flash


def _scan(f):
    """The next record's number: one past the newest good one's (1 if none). Keeps a
    number per file, never the payloads (400 of them would not fit a Pico's heap); a
    number more than a ring beyond the rest was not written by this ring."""
    seqs = []
    for i in _present(f):
        status, seq, _, _ = record.decode(f.read(_file(i)), MAGIC, VERSION)
        if status == record.OK and seq % _DAYS == i:
            seqs.append(seq)
    seqs.sort()
    while len(seqs) > 1 and seqs[-1] - seqs[-2] >= _DAYS:
        seqs.pop()
    return seqs[-1] + 1 if seqs else 1


def _present(f):
    """The ring's file numbers that exist. Listed, not probed: opening each of 400 absent
    files cost a fresh Pico about 1.2 s of its boot (issue 13's emulated boot figure). A
    flash that cannot list is probed file by file."""
    names = getattr(f, "names", None)
    if names is None:
        return range(_DAYS)
    head = _file(0)[5]  # "d" of "days/d0"
    out = []
    for n in names(_file(0)[:4]):
        if n[:1] == head and n[1:].isdigit() and int(n[1:]) < _DAYS:
            out.append(int(n[1:]))
    return out


def get(f, seq):
    """Record `seq` as a closed day; False if its file holds anything else (torn,
    damaged, another number, never written: skipped and counted by `activity`)."""
    status, s, _, payload = record.decode(f.read(_file(seq)), MAGIC, VERSION)
    d = unpack(payload, True) if status == record.OK and s == seq else None
    if d is None:
        return False
    d[_SEQ] = seq
    return d


def tick(dev, now, code=None):
    """Bring the open day in line with the pump's wall clock: once its end has passed,
    or the clock was set to another day (Device.day_end 0), close it (its record
    written) and open the next; then count a patient's press, granted (`code` 0) or
    refused with its code. Device.day_check calls it."""
    pump = dev.pump
    d = unpack(dev.day_blob)
    off = pump.wall_offset_ms
    last = False
    if d is not None:
        end = (d[_KEY] + 1) * DAY_MS - off
        last = 0 < dev.day_end <= now  # it ran to its end: by time, not by a clock set
        if pump.t < end <= now:
            pump.advance(end)  # the day's dose to its last ms, whatever the pass's time
    key = (pump.t + off) // DAY_MS
    if d is None or key != d[_KEY]:
        seq = 0 if d is None else close(dev, d, last)
        f = flash(dev)
        if not seq and f is not None:
            # Known from the start: a day saved without it, cut after its record, would
            # be written again under the next number and counted twice.
            seq = _scan(f)
        d = [key, seq, {}, delivered(pump), 0]
    if code is not None:
        d[_COUNTS][code] = d[_COUNTS].get(code, 0) + 1
        dev.changed = True  # saved before the press's answer goes out
    # The new open day has no save of its own: the next snapshot takes it (a press, an
    # event, 10 minutes). A cut before that brings the closed day back, and its number.
    dev.day_blob = pack(d)
    dev.day_end = (key + 1) * DAY_MS - off


def close(dev, d, last):
    """Write the closed day `d` as its record; the number the next day's gets. A day
    that did not run to its `last` ms (the clock was set) and holds nothing is not
    written: the minutes before a new pump's clock was set would be a row of zeros dated
    1970. A write that fails is logged; the day is then lost and the pump goes on (the
    record informs)."""
    f = flash(dev)
    if f is None:
        return 0
    now = delivered(dev.pump)
    for name in now:
        now[name] -= d[_DRUGS].get(name, 0)
        if not now[name]:
            del now[name]
    seq = d[_SEQ]
    if not (last or d[_COUNTS] or now):
        return seq
    seq = seq or _scan(f)
    d[_DRUGS] = now
    body = pack(d, _WIDTH)
    try:
        if hasattr(f, "prefix"):  # a board's files (a SimFlash has no folders)
            import os
            try:
                os.mkdir(f.prefix + _file(0)[:4])  # the records' folder, "days"
            except OSError:
                pass  # there already (EEXIST); a real failure shows in the write below
        f.write(_file(seq), record.encode(MAGIC, VERSION, seq,
                                          body + b" " * (_WIDTH - len(body))))
    except (OSError, record.StoreError):
        from console.iso_time import format_iso
        dev.record("activity-lost day=%s" % format_iso(d[_KEY] * DAY_MS)[:10])
    return seq + 1


def load(dev):
    """The open day, its drugs being the doses so far (None before the first pass)."""
    d = unpack(dev.day_blob)
    if d is not None:
        now = delivered(dev.pump)
        d[_DRUGS] = dict((n, now[n] - d[_DRUGS].get(n, 0)) for n in now
                         if now[n] != d[_DRUGS].get(n, 0))
    return d


def clinician(dev, dose_ng):
    """A clinician's bolus granted: counted, with its dose of the primary drug."""
    d = unpack(dev.day_blob)
    if d is not None:
        c = d[_COUNTS]
        c[_CLIN_N] = c.get(_CLIN_N, 0) + 1
        c[_CLIN_NG] = c.get(_CLIN_NG, 0) + dose_ng
        dev.day_blob = pack(d)
        dev.changed = True
