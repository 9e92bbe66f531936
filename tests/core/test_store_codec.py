"""The payload codec's integers: zigzag varints, 7 bits a byte, read back exactly; the
one-byte fast path writes what the general loop would. Runs under pytest and MicroPython."""
from store.codec import Writer, Reader


def _varint(v):
    """The layout store/codec.py documents, written out plainly."""
    z = v << 1 if v >= 0 else ((-v) << 1) - 1
    out = bytearray()
    while z >= 0x80:
        out.append((z & 0x7F) | 0x80)
        z >>= 7
    out.append(z)
    return bytes(out)


def test_every_integer_is_written_as_its_zigzag_varint_and_read_back():
    values = list(range(-300, 300)) + [2 ** 31, -2 ** 31, 2 ** 80 + 5, -(2 ** 70)]
    for v in values:
        w = Writer()
        w.int(v)
        assert w.result() == _varint(v), v
        r = Reader(w.result())
        assert r.int() == v
        r.end()
