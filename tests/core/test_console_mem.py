"""`mem`: the heap figures, for anyone, in one format on both interpreters; and the search
for the largest block. Runs under pytest and MicroPython: under MicroPython the figures are
the real heap's, under CPython they are 0 (there is no such heap)."""
import gc

from console.cmd_mem import largest, measure
from console_fakes import Board, running
from pump.errors import E_USAGE

MEM_KEYS = ["heap_free", "heap_used", "heap_max_block"]
ON_MICROPYTHON = hasattr(gc, "mem_free")


def figures(reply):
    """The final line's three figures as ints, after checking the line's exact shape."""
    assert len(reply) == 1, reply  # no data lines, no events on a quiet board
    words = reply[0].split(" ")
    assert words[0] == "OK" and len(words) == 4, reply
    pairs = [w.split("=") for w in words[1:]]
    assert [p[0] for p in pairs] == MEM_KEYS, reply
    for p in pairs:
        assert len(p) == 2 and p[1].isdigit(), reply  # whole bytes, never `-` or a sign
    return [int(p[1]) for p in pairs]


def test_mem_answers_free_used_and_largest_block_in_bytes():
    free, used, block = figures(Board().send("mem"))
    if ON_MICROPYTHON:
        assert free > 0 and used > 0
        assert 0 < block <= free  # one block cannot be more than all that is free
    else:
        assert (free, used, block) == (0, 0, 0)


def test_anyone_may_ask_on_any_board():
    b = running()
    b.ok("logout")  # the patient, on the simulated board
    figures(b.send("mem"))
    b.dev.sim = None  # a real board: no sim, and `mem` is still answered
    figures(b.send("mem"))
    figures(Board(sim=False).send("MEM"))  # the command word is case-insensitive


def test_mem_with_an_argument_is_refused_and_changes_nothing():
    b = running()
    b.ok("logout")
    p = b.dev.pump
    log = b.dev.notes.last(64)
    before = (p.sm.state, p.rx, p.reservoir.volume_vu, p.wall_offset_ms, b.dev.draft,
              b.motor.total, b.guard.max_hour, b.guard.max_day)
    for line in ("mem x", "mem 1 2", "mem status"):
        reply = b.err(line, E_USAGE)
        assert reply == ["ERR 71 wrong arguments for mem: write mem  (heap bytes: free, "
                         "used, largest block)"], reply
    assert (p.sm.state, p.rx, p.reservoir.volume_vu, p.wall_offset_ms, b.dev.draft,
            b.motor.total, b.guard.max_hour, b.guard.max_day) == before
    assert b.dev.notes.last(64) == log


def test_help_lists_mem_for_anyone():
    b = Board()
    assert "mem" in b.ok("help")[0].split()[1:]
    assert b.ok("help mem")[0].startswith("mem  (")
    assert b.ok("help mem")[-1] == "OK command=mem role=anyone"


def test_the_reading_does_not_collect_the_garbage_it_finds():
    if not ON_MICROPYTHON:
        assert measure() == (0, 0, 0)
        return
    junk = [bytearray(1024) for _ in range(16)]
    junk = None  # 16 KiB of garbage that a collection would give back
    used_before = gc.mem_alloc()
    free, used, block = measure()
    assert used >= used_before, (used_before, used)  # nothing was collected
    assert gc.mem_alloc() >= used  # nor while probing for the largest block
    assert gc.isenabled()  # the GC is switched back on after the probes
    gc.disable()
    try:
        measure()
        assert not gc.isenabled()  # and left off if it was off
    finally:
        gc.enable()


def test_largest_finds_the_edge_of_any_fit_in_few_probes():
    for most in (0, 1, 2, 3, 10, 1000, 12_000):
        for edge in (0, 1, most // 3, most - 1, most):
            if not 0 <= edge <= most:
                continue
            asked = []

            def fits(n):
                asked.append(n)
                return n <= edge

            assert largest(fits, most) == edge, (most, edge)
            assert all(1 <= n <= most for n in asked), (most, edge, asked)
            assert len(asked) <= 15, (most, edge, len(asked))  # log2(12000) < 14
