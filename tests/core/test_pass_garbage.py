"""What the control loop asks every pass allocates nothing when nothing has changed: on a
Pico every byte of garbage brings the next collection (~15 ms) nearer, and what is
allocated between collections is what scatters live objects up the heap.

Measured with MicroPython's own count (gc.mem_alloc, collections off); under CPython,
which has no such count, these tests only run the calls. The pump's dose arithmetic is
not among them: its integers are wider than a small int (step_integrator.py's units), so advancing
the integrator allocates by design. Runs under pytest and MicroPython."""
import gc

from console_fakes import Board, running
from store.persist import Persist
from store.sim_flash import SimFlash

COUNTS = hasattr(gc, "mem_alloc")


def allocated(f, times=20):
    """Bytes allocated by `times` calls of f() after a first one (0 under CPython)."""
    f()
    if not COUNTS:
        for _ in range(times):
            f()
        return 0
    gc.collect()
    gc.disable()
    try:
        before = gc.mem_alloc()
        for _ in range(times):
            f()
        return gc.mem_alloc() - before
    finally:
        gc.enable()


def test_events_with_none_waiting_allocate_nothing():
    b = running()
    b.dev.events()
    assert b.dev.events() == []
    assert allocated(b.dev.events) == 0


def test_the_active_alarms_are_sorted_once_per_change_not_per_call():
    b = running()
    alarms = b.dev.pump.alarms
    assert allocated(alarms.active) == 0  # none
    b.ok("sim fault battery-sag")
    first = alarms.active()
    assert first == ["battery_eri"]
    assert allocated(alarms.active) == 0  # one, sorted once
    assert alarms.active() is first


def test_the_active_alarms_follow_every_change_and_a_restored_set():
    b = running()
    alarms = b.dev.pump.alarms
    alarms.raise_("low_reservoir", 1)
    alarms.raise_("occlusion", 2)
    held = alarms.active()
    assert held == ["occlusion", "low_reservoir"]
    alarms.cause_gone("low_reservoir")
    assert alarms.active() == ["occlusion"]
    assert held == ["occlusion", "low_reservoir"]  # a list already returned never changes
    alarms.state = {"stall": [3, True, False]}  # as a restore from flash sets it
    assert alarms.active() == ["stall"]


def test_a_quiet_pass_of_the_console_with_a_store_allocates_nothing():
    b = Board(persist=Persist(SimFlash()))
    b.login()
    now = b.clock.now_ms()
    b.dev.settle(now)  # saves whatever changed
    assert allocated(lambda: b.dev.settle(now)) == 0


def test_asking_whether_a_save_is_due_allocates_nothing():
    b = Board(persist=Persist(SimFlash()))
    b.login()
    now = b.clock.now_ms()
    b.dev.settle(now)
    store, pump = b.dev.store, b.dev.pump
    assert not store.due(pump)
    assert allocated(lambda: store.due(pump)) == 0
