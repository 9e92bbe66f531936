"""A/B slots: a commit cut at any byte, in any of the flash's tear modes, reads back as the
record before or the record after, never a mix; damage and foreign records are reported."""
from store.flash import DirFlash
from store.record import encode, StoreError
from store.sim_flash import SimFlash, PowerCut, MODES, torn
from store.slots import Slots, FRESH, CLEAN, TORN, ODD, LOST
from store_helpers import BadFlash, FailingFlash, scratch_dir

MAGIC = b"TEST"


def slots(flash):
    s = Slots(flash, "st", MAGIC, 1)
    s.load()
    return s


def test_commits_alternate_between_the_two_files():
    flash = SimFlash()
    s = slots(flash)
    for i in range(5):
        s.commit(b"v%d" % i)
    assert sorted(flash.files) == ["st.a", "st.b"]
    assert Slots(flash, "st", MAGIC, 1).load() == (b"v4", CLEAN)
    assert Slots(SimFlash(), "st", MAGIC, 1).load() == (None, FRESH)


def test_a_cut_at_every_byte_of_a_commit_gives_before_or_after_never_a_mix():
    cuts = 0
    for n_before in (1, 2, 3):  # the new record lands in a file that is empty, or not
        for mode in MODES:
            base = SimFlash()
            s = slots(base)
            for i in range(n_before):
                s.commit(b"before-%d-" % i + b"x" * (10 + i))
            before = b"before-%d-" % (n_before - 1) + b"x" * (9 + n_before)
            after = b"AFTER" + b"y" * 20
            size = len(encode(MAGIC, 1, 1, after))
            for k in range(size + 1):
                flash = SimFlash(base.files)
                flash.cut = (0, k, mode)
                s2 = slots(flash)
                try:
                    s2.commit(after)
                except PowerCut:
                    pass
                payload, report = Slots(flash, "st", MAGIC, 1).load()
                assert payload in (before, after), (n_before, mode, k, payload)
                if k == size:
                    assert payload == after
                assert report in (CLEAN, TORN), report
                cuts += 1
    assert cuts > 200, cuts


def test_the_next_commit_after_a_cut_rewrites_the_torn_slot_and_keeps_the_good_one():
    flash = SimFlash()
    s = slots(flash)
    s.commit(b"one")
    s.commit(b"two")
    flash.cut = (flash.writes, 5, MODES[0])
    try:
        s.commit(b"three")
    except PowerCut:
        pass
    flash.cut = None
    s = Slots(flash, "st", MAGIC, 1)
    assert s.load() == (b"two", TORN)
    s.commit(b"three")
    assert Slots(flash, "st", MAGIC, 1).load() == (b"three", CLEAN)


def test_both_slots_damaged_is_lost():
    flash = SimFlash({"st.a": b"garbage", "st.b": b"\xff" * 40})
    assert Slots(flash, "st", MAGIC, 1).load() == (None, LOST)


def test_a_record_of_an_unknown_version_is_set_aside_and_reported():
    flash = SimFlash()
    s = slots(flash)
    s.commit(b"ours")
    flash.files["st.b"] = encode(MAGIC, 2, 2, b"theirs")
    s = Slots(flash, "st", MAGIC, 1)
    assert s.load() == (b"ours", ODD)
    s.commit(b"next")  # over the foreign record, never over ours
    assert flash.files["st.a"] == encode(MAGIC, 1, 1, b"ours")
    assert Slots(flash, "st", MAGIC, 1).load() == (b"next", CLEAN)


def test_a_record_far_ahead_in_sequence_is_not_trusted_and_cannot_end_the_sequence():
    flash = SimFlash()
    s = slots(flash)
    s.commit(b"one")
    s.commit(b"two")  # st.b, seq 2
    flash.files["st.a"] = encode(MAGIC, 1, 0xFFFFFFFF, b"from the future")
    s = Slots(flash, "st", MAGIC, 1)
    assert s.load() == (b"two", ODD)
    s.commit(b"three")
    assert Slots(flash, "st", MAGIC, 1).load() == (b"three", CLEAN)


def test_a_commit_before_load_is_refused():
    s = Slots(SimFlash(), "st", MAGIC, 1)
    try:
        s.commit(b"x")
    except StoreError:
        return
    raise AssertionError("commit before load accepted")


def test_a_write_that_does_not_read_back_raises_and_leaves_the_good_record():
    flash = SimFlash()
    slots(flash).commit(b"good")
    bad = BadFlash(flash.files)
    s = slots(bad)
    try:
        s.commit(b"payload")
    except StoreError:
        pass
    else:
        raise AssertionError("a corrupted write was accepted")
    assert Slots(bad, "st", MAGIC, 1).load() == (b"good", TORN)


def test_a_write_error_from_the_filesystem_is_a_store_error():
    s = slots(FailingFlash())
    try:
        s.commit(b"x")
    except StoreError:
        return
    raise AssertionError("OSError passed through")


def test_torn_forms_are_prefix_mix_or_erased():
    old, new = b"OLDOLDOLD", b"newnewnew"
    assert torn(old, new, 3, MODES[0]) == b"new"
    assert torn(old, new, 3, MODES[1]) == b"newOLDOLD"
    t = torn(old, new, 3, MODES[2])
    assert t[:3] == b"new" and t[4:] == b"\xff" * 5 and len(t) == 9
    for mode in MODES:
        assert torn(old, new, len(new), mode) == new


def test_dir_flash_reads_what_it_wrote_and_none_for_a_missing_file():
    flash = DirFlash(scratch_dir("slots"))
    assert flash.read("nothing") is None
    s = slots(flash)
    s.commit(b"on disk")
    s.commit(b"again")
    assert Slots(flash, "st", MAGIC, 1).load() == (b"again", CLEAN)


def test_state_files_that_are_there_but_cannot_be_read_are_damage_not_a_fresh_start():
    import os
    path = scratch_dir("unreadable")
    flash = DirFlash(path)
    s = slots(flash)
    s.commit(b"programmed")
    s.commit(b"programmed again")
    for name in ("st.a", "st.b"):  # each replaced by something open() cannot read
        os.remove(path + "/" + name)
        os.mkdir(path + "/" + name)
    assert flash.read("st.a") is not None  # there: not a missing file
    assert Slots(flash, "st", MAGIC, 1).load() == (None, LOST)  # `memory`, not FRESH
    os.rmdir(path + "/st.a")
    assert Slots(flash, "st", MAGIC, 1).load() == (None, LOST)  # one unreadable: no cut write


def test_a_cut_first_commit_is_torn_not_lost():
    # One damaged file and no other: nothing had been committed, so no memory alarm.
    flash = SimFlash({"st.a": b"IPS"})
    assert Slots(flash, "st", MAGIC, 1).load() == (None, TORN)
    flash = SimFlash({"st.a": b"IPS", "st.b": b"junk"})
    assert Slots(flash, "st", MAGIC, 1).load() == (None, LOST)
