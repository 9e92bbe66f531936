"""The event log ring: bounded, survives a reboot, a cut write loses only its own record,
and records that this ring cannot have written are ignored and counted."""
from store.record import encode
from store.ring import EventLog, MAGIC, event_text
from store.sim_flash import SimFlash, PowerCut, MODES


def pad(b):
    return (b + b" " * 16)[:16]  # no bytes.ljust on MicroPython


def test_last_n_gives_the_newest_records_oldest_first():
    log = EventLog(SimFlash(), size=8, width=16)
    for i in range(5):
        log.append(b"event %d" % i)
    assert log.last(3) == [(3, b"event 2"), (4, b"event 3"), (5, b"event 4")]
    assert log.last(0) == []


def test_the_ring_is_bounded_and_keeps_the_newest():
    flash = SimFlash()
    log = EventLog(flash, size=8, width=16)
    for i in range(30):
        log.append(b"e%d" % i)
    assert len([n for n in flash.files if n.startswith("log.")]) == 8
    got = log.last(100)
    assert [s for s, _ in got] == list(range(23, 31))
    assert got[-1][1] == b"e29"


def test_numbers_go_on_after_a_reboot():
    flash = SimFlash()
    log = EventLog(flash, size=8, width=16)
    for i in range(11):
        log.append(b"x")
    again = EventLog(flash, size=8, width=16)
    assert again.append(b"after") == 12
    assert again.last(1) == [(12, b"after")]


def test_a_cut_append_loses_only_the_record_being_written():
    for mode in MODES:
        for k in range(0, 40, 3):
            flash = SimFlash()
            log = EventLog(flash, size=8, width=16)
            for i in range(10):
                log.append(b"e%d" % i)
            flash.cut = (flash.writes, k, mode)
            try:
                log.append(b"cut one")
            except PowerCut:
                pass
            flash.cut = None
            back = EventLog(flash, size=8, width=16)
            got = back.last(100)
            # e3..e9 survive whatever; e2 shared the file with the cut record
            assert [p for _, p in got if p != b"e2" and p != b"cut one"] == \
                [b"e%d" % i for i in range(3, 10)], (mode, k, got)
            assert back.damaged <= 1
            back.append(b"next")
            assert back.last(1)[0][1] == b"next"


def test_records_from_the_future_or_in_the_wrong_file_are_ignored_and_counted():
    flash = SimFlash()
    log = EventLog(flash, size=8, width=16)
    for i in range(5):
        log.append(b"e%d" % i)
    flash.files["log.07"] = encode(MAGIC, 1, 8 * 1000 + 7, pad(b"future"))
    flash.files["log.06"] = encode(MAGIC, 1, 3, pad(b"wrong file"))
    flash.files["log.00"] = encode(MAGIC, 9, 8, pad(b"unknown version"))
    back = EventLog(flash, size=8, width=16)
    assert [p for _, p in back.last(10)] == [b"e0", b"e1", b"e2", b"e3", b"e4"]
    assert back.odd == 3
    assert back.append(b"next") == 6


def test_a_long_payload_is_cut_to_the_width():
    log = EventLog(SimFlash(), size=4, width=8)
    log.append(b"0123456789abcdef")
    assert log.last(1) == [(1, b"01234567")]


def test_event_text_is_wall_seconds_kind_and_values():
    assert event_text(90_180_500, "bolus", (30000, False)) == b"90180 bolus 30000 False"
