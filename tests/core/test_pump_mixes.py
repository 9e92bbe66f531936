"""Each drug's past dose kept as it was given across a refill that changes the mix
(pump/ledger.py's mixes, pump/mixes.py), and kept across a reset (store/snapshot.py v2,
pump/restart.py). Morphine 10 mg/mL with clonidine 1000 ug/mL at 5 mg/day on the bench
rig for a day, then clonidine 500 ug/mL: the day's clonidine is 500 ug, not the 250 ug a
conversion at the new mix made of it. Runs under pytest and MicroPython."""
from hal.sim.motor import SimMotor
from pump import drugs as dt
from pump.errors import E_DOSE_WINDOW
from pump.ledger import DoseLedger, MAX_MIXES, worst_of
from pump.prescription import Prescription
from pump.pump import Pump
from pump.rig import bench_rig
from pump.schedule import BasalSchedule
from store import snapshot

MIN_MS = 60_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000
MG = 1_000_000
OLD = (("morphine", 10 * MG), ("clonidine", 1 * MG))
NEW = (("morphine", 10 * MG), ("clonidine", MG // 2))


def rx_of(drugs, rate=5 * MG):
    return Prescription(drugs, BasalSchedule(((0, rate),)), None, 20_000_000, 2_000_000,
                        bench_rig())


def refilled(hours_after, old=OLD, new=NEW):
    """A day of the old mix, the new one filled and started, `hours_after` hours run."""
    pump = Pump(bench_rig(), SimMotor())
    pump.program(rx_of(old), 0)
    pump.refill(10_000_000, None, 0)
    pump.confirm(0)
    pump.prime(150_000, 0)
    t = 4 * MIN_MS
    pump.advance(t)
    pump.start(t)
    t += DAY_MS
    pump.advance(t)
    pump.stop(t)
    pump.refill(15_000_000, new, t)
    pump.confirm(t)
    pump.start(t)
    t += hours_after * HOUR_MS
    pump.advance(t)
    return pump


def big_bolus_verdict(pump):
    """A 4 mg bolus over 3 h (200 ug of clonidine at the new mix; within every hourly
    row) asked of the windows: it fits beside the past day converted at the new mix
    (250 ug of clonidine), not beside the ~470 ug really given."""
    u = 4 * MG * pump.u_per_ng
    return pump._windows_verdict(pump.rx, u, u // (3 * HOUR_MS) + 1)


def test_one_mix_all_day_is_one_entry_and_the_old_check():
    pump = refilled(0)
    # Before the refill the tip gave one fluid for a day: one mix, and the check was the
    # primary at one ratio (pump/permits.py's own); the refill's line is another fluid.
    assert [m[1] for m in pump.ledger.mixes] == [OLD]
    assert not pump._one_mix(pump.rx)
    pump.advance(pump.t + 2 * DAY_MS)  # the old fluid left the tip, then a day passed
    assert [m[1] for m in pump.ledger.mixes][-1] == NEW
    assert pump._one_mix(pump.rx)


def test_a_dose_that_fits_the_past_converted_at_the_new_mix_is_refused():
    pump = refilled(10)  # the line has washed: the tip gives the new mix
    v = big_bolus_verdict(pump)
    assert v and v[0] == E_DOSE_WINDOW and v[1] == DAY_MS and v[4] == "clonidine", v
    assert v[2] > 600_000  # ng of clonidine the window would hold


def test_the_mixes_survive_a_reset():
    pump = refilled(10)
    before = big_bolus_verdict(pump)
    new, _ = snapshot.restore(snapshot.save(pump), pump.rig, SimMotor(), 0)
    assert [m[1:] for m in new.ledger.mixes][:len(pump.ledger.mixes)] == \
        [m[1:] for m in pump.ledger.mixes]
    after = big_bolus_verdict(new)
    assert after and after[0] == E_DOSE_WINDOW and after[4] == "clonidine", after
    assert after[2] >= before[2]  # a reset never makes the past lighter
    # (clonidine's abrupt stop is a hazard: the restored pump resumed by itself)
    assert new.sm.state == "running"


def test_a_snapshot_from_before_the_mixes_reads_at_the_worst_fluid_in_the_line():
    pump = refilled(1)  # the line still holds the old, richer fluid
    kept = pump.ledger.mixes
    pump.ledger.mixes = []
    payload = snapshot.save(pump)[:-1]  # version 1 ended before the mixes' count (0)
    pump.ledger.mixes = kept
    new, _ = snapshot.restore(payload, pump.rig, SimMotor(), 0, version=1)
    start, concs, c_ref = new.ledger.mixes[0]
    # The whole past at the line's worst ratio: clonidine at 1/10 of morphine, as given.
    assert start == new.ledger.pieces[0][0]
    assert dict(concs)["clonidine"] * 10 >= c_ref
    assert big_bolus_verdict(new)[0] == E_DOSE_WINDOW


def test_the_lease_charge_counts_at_the_worst_fluid():
    # A refill that raised clonidine's ratio: the tip still gives the old, leaner fluid,
    # the steps the lease charges may have reached the reservoir's richer one.
    pump = refilled(1, NEW, OLD)
    assert dict(pump.ledger.mixes[-1][1])["clonidine"] == MG // 2
    n = 50  # steps the lease allows beyond the snapshot
    new, _ = snapshot.restore(snapshot.save(pump), pump.rig, SimMotor(), 0,
                              bound=pump.steps_issued + n)
    m = new.ledger.mixes
    # The charge lands at now (0), in the mix that ends there: it weighs clonidine at the
    # reservoir's ratio, 1/10 of morphine, not the tip's 1/20.
    _, concs, c_ref = [x for x in m if x[0] < 0][-1]
    assert dict(concs)["clonidine"] * 10 >= c_ref, m
    assert new.delivered_ng("clonidine") > pump.delivered_ng("clonidine")  # charged
    assert dict(m[-1][1])["clonidine"] == MG // 2  # the tip noted again from now


def test_more_mixes_than_kept_merge_the_oldest_at_each_drugs_worst_ratio():
    led = DoseLedger()
    led.mark(0, 0)
    # Each leaner than the one before: a merge that kept the newer would lose the richest.
    fluids = [(("morphine", 10 * MG), ("clonidine", (12 - k) * 50_000)) for k in range(12)]
    for k, concs in enumerate(fluids):
        led.tip(k * MIN_MS, concs, 10 * MG)
    assert len(led.mixes) == MAX_MIXES
    start, concs, c_ref = led.mixes[0]
    assert start == 0
    # The merged oldest is at least the richest it stands for (the first: 600 ug/mL).
    assert dict(concs)["clonidine"] * 10 * MG >= 600_000 * c_ref
    assert [m[1] for m in led.mixes[1:]] == fluids[5:]


def test_worst_of_keeps_each_drugs_worst_ratio_and_conc():
    a = (0, (("morphine", 10 * MG), ("clonidine", MG)), 10 * MG)
    b = (0, (("morphine", 5 * MG), ("clonidine", 400_000), ("bupivacaine", 3 * MG)), 5 * MG)
    concs, c_ref = worst_of((a, b))
    got = dict(concs)
    assert c_ref == 10 * MG
    assert got == {"morphine": 10 * MG, "clonidine": MG, "bupivacaine": 6 * MG}
    for name in got:
        assert dt.lookup(name)  # names only from the table


def test_a_tip_noted_again_allocates_no_entry():
    pump = refilled(0)
    pump.advance(pump.t + 2 * DAY_MS)
    mixes = list(pump.ledger.mixes)
    for k in range(100):
        pump.advance(pump.t + MIN_MS)
    assert pump.ledger.mixes == mixes


def test_a_start_after_the_refill_is_not_refused_for_the_lines_old_fluid():
    # 5.9 mg/day of the old mix is 590 ug of clonidine a day, near its 600 ug row: the
    # line's old fluid (75 ug over the new mix) on top of the past day would be over, but
    # it only comes out at the old rate, which the past day already held (bound 2).
    pump = Pump(bench_rig(), SimMotor())
    pump.program(rx_of(OLD, 5_900_000), 0)
    pump.refill(10_000_000, None, 0)
    pump.confirm(0)
    pump.prime(150_000, 0)
    t = 4 * MIN_MS
    pump.advance(t)
    pump.start(t)
    t += DAY_MS
    pump.advance(t)
    pump.stop(t)
    pump.refill(15_000_000, NEW, t)
    pump.confirm(t)
    assert pump.start_allowed() == 0
    pump.start(t)


def test_a_version_1_record_on_flash_boots_without_the_memory_alarm():
    from store.persist import Persist, MAGIC
    from store.sim_flash import SimFlash
    from store.slots import Slots
    pump = refilled(1)
    kept = pump.ledger.mixes
    pump.ledger.mixes = []
    payload = snapshot.save(pump)[:-1]  # as version 1 wrote it
    pump.ledger.mixes = kept
    flash = SimFlash()
    old = Slots(flash, "state", MAGIC, 1)  # the firmware before the mixes
    old.load()
    old.commit(payload)
    p = Persist(SimFlash(flash.files))
    new = p.boot(pump.rig, SimMotor(), 0)
    assert p.slots.read_version == 1
    assert new.rx is not None and not new.alarms.is_active("memory")
    assert dict(new.ledger.mixes[0][1])["clonidine"] * 10 >= new.ledger.mixes[0][2]
