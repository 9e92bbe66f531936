"""The device's one order per pass (app/device.py): command, journal, advance, settle,
journal. Runs under pytest and MicroPython."""
from app import device_state
from console_fakes import Board, kv
from pump.errors import E_UNKNOWN_COMMAND
from store.persist import Persist
from store.sim_flash import SimFlash

MIN_MS = 60_000


def _running_on_flash(flash):
    b = Board(persist=Persist(flash))
    b.login()
    for line in ("time 2026-01-01T07:00:00",
                 "drug hydromorphone 1000ug/mL", "basal 00:00=600ug/d",
                 "ptm 30ug lockout=1h max=7", "reservoir-alarm 2mL", "capacity 40mL",
                 "refill 40mL", "confirm", "prime 150uL", "sim advance 4m"):
        b.ok(line)
    b.login()
    b.ok("start")
    return b


def test_a_grant_reaches_flash_before_its_first_step_even_if_nothing_settled_it():
    flash = SimFlash()
    b = _running_on_flash(flash)
    now = b.clock.now_ms()
    b.dev.pump.request_bolus(now)  # granted behind the device's back: no settle, no save
    steps = b.dev.pump.steps_issued
    b.clock.t += MIN_MS
    b.dev.tick()
    assert b.dev.pump.steps_issued > steps
    again = Board(persist=Persist(SimFlash(flash.files)))
    assert kv(again.ok("status"))["boluses_24h"] == "1"


def test_a_line_that_cannot_run_moves_no_step_and_writes_no_flash():
    flash = SimFlash()
    b = _running_on_flash(flash)
    b.clock.t += 30 * MIN_MS  # steps are due, and no pass has run
    t, steps, seq = b.dev.pump.t, b.dev.pump.steps_issued, b.dev.store.slots.seq
    for line in ("bolsu", "status now", "basal", b"st\xffatus"):
        b.send(line)
        assert (b.dev.pump.t, b.dev.pump.steps_issued, b.dev.store.slots.seq) == (t, steps, seq)
    b.err("bolsu", E_UNKNOWN_COMMAND)
    b.ok("status")  # a line that runs catches the pump up first
    assert b.dev.pump.t == b.clock.now_ms() and b.dev.pump.steps_issued > steps


def test_nothing_calls_up_into_the_device_while_the_pump_moves():
    # Wrapped where the pump hands its steps down (the safety channel), so a journal that
    # asked the device for its bytes from anywhere below, lease included, is caught.
    b = _running_on_flash(SimFlash())
    channel = b.dev.pump.motor
    inside = []
    real_move = channel.move
    real_encode = device_state.encode

    def move(n):
        inside.append(True)
        try:
            return real_move(n)
        finally:
            inside.pop()

    def encode(dev, now):
        assert not inside, "the device's state was asked for during a move"
        return real_encode(dev, now)
    channel.move = move
    device_state.encode = encode
    try:
        saves = b.dev.store.slots.seq
        for _ in range(3):
            b.ok("bolus")
            b.ok("sim advance 2h")
        assert b.dev.store.slots.seq > saves + 3  # it saved, and never from a move
    finally:
        device_state.encode = real_encode
