"""Corrupted flash at boot: random bytes, truncations, flipped bits, records from the
future, payloads that pass their CRC but hold junk. Boot never raises, leaves the driver
disabled unless it resumed basal by policy, and says what it found: the memory alarm
whenever it set something aside, and never a state that is neither one that was committed
nor the unprogrammed one: the bolus granted before the damage is still counted."""
from hypothesis import given, strategies as st

from builders import case1_rx, START_MS, HOUR_MS
from hal.sim.motor import SimMotor
from store import snapshot
from pump.rig import bench_rig
from store.persist import Persist, MAGIC
from store.record import encode
from store.sim_flash import SimFlash
from store.slots import Slots
from store_helpers import persisted, run

NAMES = ["state.a", "state.b", "lease.a", "lease.b"] + ["log.%02d" % i for i in range(4)]


def _therapy():
    flash = SimFlash()
    p, pump = persisted(case1_rx(), flash)
    run(p, pump, START_MS, 6 * HOUR_MS)
    pump.request_bolus(pump.t)
    run(p, pump, pump.t, 7 * HOUR_MS)
    states = set()
    for name in ("state.a", "state.b"):
        s = Slots(SimFlash({name: flash.files[name]}), "state", MAGIC, snapshot.VERSION)
        states.add(s.load()[0])
    return flash.files, states


FILES, COMMITTED = _therapy()


def boot(files):
    flash = SimFlash(files)
    motor = SimMotor()
    p = Persist(flash)
    pump = p.boot(bench_rig(), motor, 0)
    pump.status()  # everything a console would show must be there
    p.log.last(10)
    assert motor.enabled == (pump.sm.state == "running"), pump.sm.state
    return p, pump


def restored_payload(p):
    return snapshot.save(p.pump) if p.pump.rx is not None else None


@given(st.dictionaries(st.sampled_from(NAMES), st.binary(max_size=300)))
def test_random_bytes_in_any_file_never_crash_the_boot(files):
    p, pump = boot(files)
    junk_states = [n for n in ("state.a", "state.b") if files.get(n)]
    if len(junk_states) == 2:  # two files and no good record: lost, and said so
        assert pump.alarms.is_active("memory")
    assert pump.rx is None


@given(st.sampled_from(NAMES[:4]), st.data())
def test_a_truncated_file_gives_a_committed_state_and_never_crashes(name, data):
    files = dict(FILES)
    files[name] = files[name][:data.draw(st.integers(0, len(files[name])))]
    p, pump = boot(files)
    assert pump.rx is not None
    assert "restart" in pump.alarms.active()
    assert pump.status()["boluses_24h"] == 1  # both committed states hold the grant


@given(st.sampled_from(NAMES[:4]), st.data())
def test_flipped_bytes_are_detected(name, data):
    files = dict(FILES)
    b = bytearray(files[name])
    for _ in range(data.draw(st.integers(1, 4))):
        b[data.draw(st.integers(0, len(b) - 1))] ^= data.draw(st.integers(1, 255))
    files[name] = bytes(b)
    p, pump = boot(files)
    assert pump.rx is not None  # the other slot still holds a committed state
    assert pump.status()["boluses_24h"] == 1
    assert not pump.alarms.is_active("memory")  # one bad slot is what a cut leaves


@given(st.sampled_from(["state", "lease"]), st.integers(2, 255), st.integers(0, 2**32 - 1),
       st.binary(max_size=200), st.booleans())
def test_a_record_from_the_future_is_set_aside_with_the_memory_alarm(kind, version, seq,
                                                                     payload, far):
    files = dict(FILES)
    magic = MAGIC if kind == "state" else b"IPLS"
    known = snapshot.VERSION if kind == "state" else 1  # the newest this firmware reads
    version = known + 1 + (version - 2) % (255 - known)
    slots = Slots(SimFlash(files), kind, magic, known)
    slots.load()
    other = slots.names[1 - slots.index]
    if far:  # a version this firmware knows, but a sequence number it never reached
        version, seq = known, slots.seq + 2 + seq % (2**32 - slots.seq - 2)
    files[other] = encode(magic, version, seq, payload)
    p, pump = boot(files)
    assert pump.alarms.is_active("memory")
    if kind == "state":
        assert pump.rx is not None and pump.sm.state == "alarm"


@given(st.one_of(st.binary(max_size=400),
                 st.builds(lambda base, at, junk: base[:at] + junk + base[at + len(junk):],
                           st.sampled_from(sorted(COMMITTED)), st.integers(0, 600),
                           st.binary(min_size=1, max_size=8))))
def test_a_payload_that_passes_its_crc_but_holds_junk_never_crashes(payload):
    files = dict(FILES)
    slots = Slots(SimFlash(files), "state", MAGIC, snapshot.VERSION)
    slots.load()
    other = slots.names[1 - slots.index]
    files[other] = encode(MAGIC, snapshot.VERSION, slots.seq + 1, payload)
    p, pump = boot(files)
    if pump.alarms.is_active("memory"):
        assert pump.rx is None
    else:  # it decoded: then it restored everything a snapshot holds, checked
        assert pump.rx is not None and pump.alarms.is_active("restart")
