"""Damaged flash never unsets a PIN once set (issue 15): a patient who could flip bytes
in, cut, or replace any file of the pump's state, its lease or its log, then power-cycle
the board, finds the PIN still set, so `pin` is refused and only the PIN logs in. The
PIN's own records damaged in one slot still hold it; damaged in both, a new PIN is
refused (ERR 84), never provisioned. (Both PIN records deleted read as a board never
given one: deleting files takes the REPL, which only a clinician reaches.)"""
from hypothesis import given, strategies as st

from console_fakes import Board, PIN, CASE1_LINES
from pump.errors import E_PIN_LOST, E_PIN_SET
from store.persist import Persist
from store.sim_flash import SimFlash


def _therapy_files():
    b = Board(persist=Persist(SimFlash()))
    b.login()
    for line in ("time 2026-01-01T07:00:00",) + CASE1_LINES + (
            "refill 40mL", "confirm", "prime 150uL", "sim advance 4m"):
        b.ok(line)
    b.login()
    b.ok("start")
    b.ok("sim advance 3h")
    b.ok("bolus")
    b.ok("sim advance 1h")
    return dict(b.dev.store.slots.flash.files)


FILES = _therapy_files()
OTHERS = sorted(n for n in FILES if not n.startswith("pin."))
DAMAGE = st.one_of(
    st.binary(max_size=200),  # junk in its place
    st.just(b""),  # emptied
    st.tuples(st.integers(0, 10_000), st.integers(1, 255)),  # a byte flipped
    st.integers(0, 200),  # cut short to this length
    st.none(),  # deleted
)


def _damaged(files, name, how):
    data = files.get(name, b"")
    if how is None:
        files.pop(name, None)
    elif isinstance(how, bytes):
        files[name] = how
    elif isinstance(how, tuple):
        if data:
            b = bytearray(data)
            b[how[0] % len(b)] ^= how[1]
            files[name] = bytes(b)
    else:
        files[name] = data[:how]


def _boot(files):
    return Board(persist=Persist(SimFlash(files)))


@given(st.dictionaries(st.sampled_from(OTHERS), DAMAGE, min_size=1))
def test_no_damage_outside_the_pins_records_unsets_the_pin(damage):
    files = dict(FILES)
    for name, how in damage.items():
        _damaged(files, name, how)
    b = _boot(files)
    b.err("pin 1111", E_PIN_SET)
    b.ok("login " + PIN)


@given(st.sampled_from(["pin.a", "pin.b"]), DAMAGE)
def test_one_damaged_pin_record_still_holds_the_pin(name, how):
    files = dict(FILES)
    _damaged(files, name, how)
    b = _boot(files)
    b.err("pin 1111", E_PIN_SET)
    b.ok("login " + PIN)


# Damage that leaves a record unreadable: junk, emptied, a byte flipped, cut short.
RUINED = st.one_of(
    st.binary(max_size=200),
    st.just(b""),
    st.tuples(st.integers(0, 10_000), st.integers(1, 255)),
    st.integers(0, len(FILES["pin.a"]) - 1),
)


@given(RUINED, RUINED)
def test_both_pin_records_damaged_refuse_a_new_pin(how_a, how_b):
    # An emptied file reads as no file at all: emptied in one slot and ruined in the
    # other once read as "never set", and anyone could provision a new PIN.
    files = dict(FILES)
    _damaged(files, "pin.a", how_a)
    _damaged(files, "pin.b", how_b)
    b = _boot(files)
    b.err("pin 1111", E_PIN_LOST)


@given(RUINED)
def test_a_deleted_first_record_and_a_ruined_second_refuse_a_new_pin(how_b):
    files = dict(FILES)
    files.pop("pin.a")
    _damaged(files, "pin.b", how_b)
    b = _boot(files)
    b.err("pin 1111", E_PIN_LOST)
