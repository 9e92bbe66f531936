"""The boot loop keeps the garbage collection out of the control-loop pass (issue 13: a
pass under 5 ms; a collection alone is ~18 ms on a Pico): before a pass that follows an
idle wait it collects once half the automatic share has been allocated (boot.GC_EARLY), so
the automatic collection, kept as a net, never lands in a pass of steady basal.

Measured with MicroPython's own count (gc.mem_alloc falls across a collection); under
CPython, which has no gc.threshold, the loop only runs and collects nothing early. Runs
under pytest and MicroPython."""
import gc

from app import boot
from app.controller import PASS_FAST_MS, PASS_IDLE_MS, PowerCut

COUNTS = hasattr(gc, "threshold")
SHARE = 16 * 1024  # the automatic collection's share, as boot sets one (bytes)
GARBAGE = 1200  # bytes a pass of steady basal leaves on a Pico (docs/architecture.md)
PASSES = 200


class Clock:
    def __init__(self):
        self.t = 0

    def now_ms(self):
        return self.t


class Board:
    def __init__(self):
        self.clock = Clock()


class Port:
    """Nothing typed for `passes` waits, then the host goes away (the loop's PowerCut)."""

    def __init__(self, board, passes):
        self.board = board
        self.left = passes

    def read_byte(self, timeout_ms):
        self.board.clock.t += timeout_ms
        if self.left == 0:
            return -1
        self.left -= 1
        return None


class Loop:
    """The controller as the boot loop sees it: each pass leaves GARBAGE bytes and notes
    whether a collection ran inside it, and every wait is `wait`."""

    def __init__(self, wait):
        self.wait = wait
        self.passes = 0
        self.inside = 0  # passes a collection ran in
        self.between = 0  # collections between passes
        self._after = None  # bytes allocated when the last pass ended

    def wait_ms(self):
        return self.wait

    def byte(self, b, now_ms):
        raise AssertionError("nothing was typed")

    def service(self, now_ms):
        before = gc.mem_alloc() if COUNTS else 0
        if self._after is not None and before < self._after:
            self.between += 1
        junk = bytearray(GARBAGE)  # dropped at once: garbage, as the dose arithmetic's
        junk = None
        after = gc.mem_alloc() if COUNTS else 0
        if after < before:
            self.inside += 1
        self._after = after
        self.passes += 1
        return junk


def run_loop(wait):
    board = Board()
    ctl = Loop(wait)
    old = gc.threshold() if COUNTS else None
    if COUNTS:
        gc.collect()
        gc.threshold(SHARE)
    try:
        boot._loop(ctl, board, Port(board, PASSES))
    except PowerCut:
        pass
    finally:
        if COUNTS:
            gc.threshold(old)
    assert ctl.passes == PASSES
    return ctl


def test_steady_idle_passes_hold_no_collection_the_loop_collects_between_them():
    ctl = run_loop(PASS_IDLE_MS)
    assert ctl.inside == 0
    if COUNTS:
        # 200 passes of 1.2 KB: about one collection every 7 passes (8 of 16 KiB).
        want = PASSES * GARBAGE // (SHARE // boot.GC_EARLY)
        assert want - 2 <= ctl.between <= want + 2, (ctl.between, want)


def test_passes_with_a_step_due_soon_collect_only_by_the_automatic_share():
    # Waits shorter than the idle one: something is due, no collection is added before
    # the pass; the automatic share still collects (inside passes, here).
    ctl = run_loop(PASS_FAST_MS)
    if COUNTS:
        assert ctl.inside > 0 and ctl.between == 0, (ctl.inside, ctl.between)
