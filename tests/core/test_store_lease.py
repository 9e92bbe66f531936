"""The lease: flash always holds a bound at least as large as the steps really issued,
committed before the move; if it cannot be committed, nothing moves."""
from hal.sim.motor import SimMotor
from store.lease import LeaseMotor, slots, read_bound
from store.sim_flash import SimFlash, PowerCut
from store_helpers import FailingFlash


def leased(flash, chunk=0):
    s = slots(flash)
    s.load()
    m = SimMotor()
    m.enable(True)
    return LeaseMotor(m, s, chunk), m


def bound_on(flash):
    s = slots(flash)
    payload, _ = s.load()
    return read_bound(payload)


def test_the_bound_is_on_flash_before_the_steps_move():
    flash = SimFlash()
    lm, m = leased(flash)
    seen = []
    flash.on_write = lambda i, name, old, new: seen.append(m.total)
    assert lm.move(3) == 3
    assert seen == [0] and bound_on(flash) == 3
    assert lm.move(2) == 2 and bound_on(flash) == 5


def test_a_chunk_saves_writes_and_still_bounds_the_steps():
    flash = SimFlash()
    lm, m = leased(flash, chunk=10)
    for _ in range(12):
        lm.move(1)
        assert bound_on(flash) >= m.total
    assert lm.commits == 2 and bound_on(flash) == 22


def test_a_cut_while_committing_leaves_a_bound_no_smaller_than_the_steps():
    for k in range(0, 20):
        flash = SimFlash()
        lm, m = leased(flash)
        lm.move(4)
        flash.cut = (flash.writes, k, 0)
        try:
            lm.move(5)
        except PowerCut:
            pass
        assert bound_on(flash) >= m.total == 4


def test_no_step_when_the_bound_cannot_be_written():
    s = slots(FailingFlash())
    s.load()
    m = SimMotor()
    m.enable(True)
    lm = LeaseMotor(m, s, 0)
    assert lm.move(3) == 0 and m.total == 0
    assert lm.fault() == "memory"
    assert lm.fault() is None


def test_a_bound_that_does_not_decode_is_none():
    assert read_bound(b"\xff") is None
    assert read_bound(b"\x01") is None  # -1: no count of steps is negative
    assert read_bound(b"\x06\x00") is None  # trailing byte


def test_a_reservation_is_one_commit_for_many_moves_and_release_brings_it_back():
    flash = SimFlash()
    lm, m = leased(flash, chunk=2)
    lm.reserve(50)
    assert lm.commits == 1 and bound_on(flash) == 52
    for _ in range(30):
        lm.move(1)
    assert lm.commits == 1 and bound_on(flash) >= m.total == 30
    lm.reserve(10)  # already covered: no write
    assert lm.commits == 1
    lm.release()
    assert lm.commits == 2 and bound_on(flash) == 32  # the chunk beyond what moved
    lm.release()  # nothing to give back: no write
    assert lm.commits == 2


def test_moves_past_a_reservation_commit_as_ever():
    flash = SimFlash()
    lm, m = leased(flash)
    lm.reserve(3)
    for _ in range(5):
        lm.move(1)
        assert bound_on(flash) >= m.total
    assert bound_on(flash) == 5


def test_a_reservation_that_cannot_be_written_leaves_the_move_to_refuse():
    s = slots(FailingFlash())
    s.load()
    m = SimMotor()
    m.enable(True)
    lm = LeaseMotor(m, s, 0)
    lm.reserve(100)  # never raises: the move that needs a bound finds it missing
    assert lm.move(1) == 0 and m.total == 0 and lm.fault() == "memory"
