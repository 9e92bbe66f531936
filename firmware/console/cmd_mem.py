"""`mem`: the MicroPython heap as the control loop leaves it. Anyone may ask; it changes
nothing the pump holds.

heap_free and heap_used are gc.mem_free() and gc.mem_alloc() (used counts garbage not yet
collected). heap_max_block is the largest single allocation the heap can give now: a
fragmented heap refuses a big one while heap_free still looks ample, and a refused
allocation is an `ERR 82 internal error: MemoryError` (an `! error` line from a tick).

No gc.collect() first: the reading must show the heap as the loop leaves it, garbage and
holes included, not as a collection would tidy it. CPython (the tests) has no such heap:
it answers 0 for all three, in the same format."""
import gc
import sys

# A GC block is 4 words (MICROPY_BYTES_PER_GC_BLOCK on the unix and rp2 ports): 16 bytes on
# the Pico, 32 on the 64-bit unix port. Allocations come in whole blocks.
_WORDS = 4
_BLOCK = _WORDS * (8 if sys.maxsize > 0x7FFFFFFF else 4)
_ONE = [None]


def do_mem(dev, out, args, now):
    free, used, block = measure()
    return "heap_free=%d heap_used=%d heap_max_block=%d" % (free, used, block)


def measure():
    """(free, used, max_block) in bytes; (0, 0, 0) where there is no MicroPython heap."""
    if not hasattr(gc, "mem_free"):
        return 0, 0, 0
    free = gc.mem_free()  # read first: the probes below leave some garbage
    used = gc.mem_alloc()
    # MicroPython has no call for the largest free run on every port (mem_info() prints it
    # to the console, which is the protocol's stream), so ask the allocator itself. With
    # the GC enabled a failed allocation collects and retries: disabled, it just fails.
    was = gc.isenabled()
    gc.disable()
    try:
        block = largest(_fits, free // _BLOCK) * _BLOCK
    finally:
        if was:
            gc.enable()
    return free, used, block


def _fits(blocks):
    """Can one run of `blocks` free blocks be allocated now? A list's items are one run."""
    try:
        probe = _ONE * (blocks * _WORDS)
    except MemoryError:
        return False
    # Dropping it would hold the run until a collection; clear() shrinks it in place
    # (gc_realloc frees the tail at once), so the next probe finds the run again, less
    # the one block clear() keeps. So the figure is never more than was really allocated.
    # It may read a little low: each probe leaves garbage until the next collection (that
    # block; a failed one its list header and MemoryError, ~9 blocks), and the allocator
    # puts it in the lowest holes that fit, inside the longest run only if that run is
    # among them. Against mem_info()'s count it read a few blocks short, on the unix
    # port and on the RP2040 build (tests/host/test_mem_under_micropython.py).
    probe.clear()
    return True


def largest(fits, most):
    """The largest n in 0..most with fits(n), for fits true up to some n and false beyond;
    0 if fits(1) is false. About log2(most) calls, each probe no larger than `most`."""
    lo, hi = 0, most
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo
