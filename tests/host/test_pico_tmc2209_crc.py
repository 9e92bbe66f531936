"""The TMC2209 CRC8 against an implementation that shares no code or method with the
firmware's: polynomial division over GF(2) with Python integers, each byte's bits taken
LSB first as the datasheet sends them. Plus the vectors it yields for the datagrams the
driver really sends, so a change to either side shows up as a number."""
from hypothesis import given, strategies as st

from hal import tmc2209 as t

POLY = 0x107  # x^8 + x^2 + x + 1


def crc_by_division(data):
    """Remainder of M(x) * x^8 modulo POLY, M's bits in wire order (LSB of byte 0 first)."""
    m = 0
    for byte in data:
        for i in range(8):
            m = (m << 1) | ((byte >> i) & 1)
    m <<= 8
    for shift in range(m.bit_length() - 9, -1, -1):
        if m >> (shift + 8) & 1:
            m ^= POLY << shift
    return m


@given(st.binary(min_size=1, max_size=16))
def test_firmware_crc_equals_polynomial_division(data):
    assert t.crc8(data, len(data)) == crc_by_division(data)


def test_vectors_of_the_datagrams_the_driver_sends():
    # 05 00 00 48 is the published GCONF read request; the others follow from division.
    vectors = {
        bytes.fromhex("050000"): 0x48,  # read GCONF
        bytes.fromhex("050002"): 0x8F,  # read IFCNT
        bytes.fromhex("050006"): 0x6F,  # read IOIN
        bytes.fromhex("05008000000" "1c1"): 0x7F,  # write GCONF = 0x1C1
    }
    for data, crc in vectors.items():
        assert crc_by_division(data) == crc, data.hex()
        assert t.crc8(data, len(data)) == crc, data.hex()


def test_built_datagrams_carry_the_division_crc():
    buf = bytearray(8)
    t.write_datagram(buf, 0, t.GCONF, t.GCONF_VALUE)
    assert bytes(buf) == bytes.fromhex("050080000001c17f")
    req = bytearray(4)
    t.read_request(req, 0, t.IFCNT)
    assert bytes(req) == bytes.fromhex("0500028f")
