"""Records: the CRC is the standard one, and any cut, overwrite or flipped bit of a record
reads as damaged, never as another good record."""
from store.crc import crc32, crc32_slow
from store.record import encode, decode, OK, DAMAGED, FUTURE, EMPTY, HEADER, StoreError

MAGIC = b"TEST"


def test_crc32_is_the_ieee_crc_by_both_routes():
    # The check value of CRC-32/ISO-HDLC, as zlib and binascii give it.
    assert crc32(b"123456789") == 0xCBF43926
    assert crc32_slow(b"123456789") == 0xCBF43926
    data = bytes(range(256)) * 3
    assert crc32_slow(data) == crc32(data)
    assert crc32(data[100:], crc32(data[:100])) == crc32(data)


def test_a_record_reads_back_with_its_sequence_and_payload():
    data = encode(MAGIC, 1, 77, b"payload")
    assert decode(data, MAGIC, 1) == (OK, 77, 1, b"payload")
    assert len(data) == HEADER + 7 + 4


def test_no_bytes_or_no_file_is_empty_not_damaged():
    assert decode(None, MAGIC, 1)[0] == EMPTY
    assert decode(b"", MAGIC, 1)[0] == EMPTY


def test_every_truncation_is_damaged():
    data = encode(MAGIC, 1, 5, b"some state bytes")
    for k in range(1, len(data)):
        assert decode(data[:k], MAGIC, 1)[0] == DAMAGED, k
    assert decode(data + b"\x00", MAGIC, 1)[0] == DAMAGED


def test_every_single_bit_flip_is_damaged():
    data = encode(MAGIC, 1, 5, b"abc")
    for i in range(len(data)):
        for bit in range(8):
            b = bytearray(data)
            b[i] ^= 1 << bit
            status = decode(bytes(b), MAGIC, 1)[0]
            assert status == DAMAGED, (i, bit, status)


def test_a_record_of_a_later_version_is_future_and_its_payload_unread():
    data = encode(MAGIC, 3, 9, b"new layout")
    status, seq, version, payload = decode(data, MAGIC, 2)
    assert (status, seq, version, payload) == (FUTURE, 9, 3, None)


def test_another_kind_of_record_is_damaged_here():
    assert decode(encode(b"OTHR", 1, 1, b"x"), MAGIC, 1)[0] == DAMAGED


def test_oversized_payload_or_sequence_is_refused_when_written():
    for payload, seq in ((b"x" * 65536, 1), (b"x", -1), (b"x", 1 << 32)):
        try:
            encode(MAGIC, 1, seq, payload)
        except StoreError:
            continue
        raise AssertionError("accepted %d bytes at seq %d" % (len(payload), seq))
