"""CRC-32 (IEEE, as zlib and binascii compute it) of bytes.

binascii.crc32 is in the unix port and in rp2 builds with deflate, but it is an optional
feature of MicroPython, so a table-less version stands in where it is missing: a 1 KB
table would sit in RAM for a few hundred bytes checked at boot and per save."""

_POLY = 0xEDB88320  # above 2**30: a plain global, not const(), for 32-bit boards
_MASK = 0xFFFFFFFF


def crc32_slow(data, crc=0):
    crc ^= _MASK
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (_POLY if crc & 1 else 0)
    return crc ^ _MASK


try:
    from binascii import crc32 as _fast

    def crc32(data, crc=0):
        return _fast(data, crc) & _MASK  # some ports return it signed
except ImportError:  # a build without binascii.crc32
    crc32 = crc32_slow
