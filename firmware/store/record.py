"""One record on flash: magic, version, sequence number, payload length, payload, CRC-32.

    magic(4) version(1) seq(4, big-endian) length(2) payload(length) crc32(4)

The CRC covers everything before it, so a record cut short, partly overwritten, or with a
bit flipped anywhere is DAMAGED. A record whose CRC holds but whose version this firmware
does not know is FUTURE: it is never decoded, since its layout is unknown here."""
import struct
from micropython import const
from store.crc import crc32

HEADER = const(11)
TRAILER = const(4)
MAX_PAYLOAD = const(65535)
MAX_SEQ = 0xFFFFFFFF  # above 2**30: a plain global

EMPTY = const(0)  # no file, or a file of no bytes
OK = const(1)
DAMAGED = const(2)
FUTURE = const(3)


class StoreError(Exception):
    """A record could not be written or checked (its code says why, as numbers)."""


def encode(magic, version, seq, payload):
    if len(payload) > MAX_PAYLOAD or not 0 <= seq <= MAX_SEQ:
        raise StoreError("record", len(payload), seq)
    head = struct.pack(">4sBIH", magic, version, seq, len(payload))
    body = head + payload
    return body + struct.pack(">I", crc32(body))


def decode(data, magic, known_version):
    """(status, seq, version, payload); seq, version and payload are None unless the CRC
    holds, and payload is None unless the status is OK."""
    if not data:
        return EMPTY, None, None, None
    n = len(data)
    if n < HEADER + TRAILER or data[:4] != magic:
        return DAMAGED, None, None, None
    _, version, seq, length = struct.unpack(">4sBIH", data[:HEADER])
    if n != HEADER + length + TRAILER:
        return DAMAGED, None, None, None
    if crc32(data[:n - TRAILER]) != struct.unpack(">I", data[n - TRAILER:])[0]:
        return DAMAGED, None, None, None
    if version == 0 or version > known_version:
        return FUTURE, seq, version, None
    return OK, seq, version, bytes(data[HEADER:HEADER + length])
