"""The proof of issue 6: power cut at every write, at every byte of every write, in every
tear mode of the simulated flash, during 40 hours of docs/clinical_background.md case 1 on
the bench rig (boluses granted and refused, a suspend, a refill), then a reboot from what
the flash holds into a fresh pump, checked each time against the truth at the cut:

- what is read back is the state before the write or after it, never a mix;
- no bolus forgotten: boluses_24h is never below the grants that reached flash, and a
  grant always reaches flash before its first step;
- the reservoir read back is never above the truth and at most one step below it;
- therapy resumes (clonidine is in the mix) or stays as the clinician left it, with the
  restart alarm raised;
- no over-delivery: the therapy then goes on for 26 h with the patient pressing every
  15 minutes, the board taken to have been off for no time at all (the worst case): the
  steps before the cut plus those after are at most the ideal plus one step, and no
  rolling 24 h holds more than 7 boluses nor two inside the 1 h lockout.

Every cut is read back (Slots.load over the torn flash). The reboot and the 26 h that
follow depend only on the two payloads read back, so they run once per distinct pair and
are checked against every cut that gives that pair with that cut's own truth."""
import os
import sys

import pytest

from builders import case1_rx, steps_for_ng_ms, HOUR_MS, DAY_MS, MCG, MIN_MS
from hal.sim.motor import SimMotor
from store import snapshot
from pump.errors import PumpError
from pump.rig import bench_rig
from pump.states import DELIVERING
from store.persist import Persist
from store.record import decode, OK
from store.ring import MAGIC as LOG_MAGIC
from store.sim_flash import SimFlash, MODES, torn
from store.slots import Slots, FRESH, CLEAN, TORN

RIG = bench_rig()
RX = case1_rx()
BASAL_NG_D = 700 * MCG
BOLUS_NG = 30 * MCG
MAX_PER_DAY = 7
LOCKOUT_MS = HOUR_MS
CONC = 1000 * MCG  # hydromorphone ng/mL, the same after the refill
RUN_MS = 40 * HOUR_MS
PRESSES = sorted([h * HOUR_MS + 7 * MIN_MS for h in range(1, 40, 2)]
                 + [3 * HOUR_MS + 20 * MIN_MS, 30 * HOUR_MS + 10 * MIN_MS])  # two in lockout
SUSPEND = (27 * HOUR_MS, 27 * HOUR_MS + 30 * MIN_MS)
REFILL_AT = 20 * HOUR_MS + 30 * MIN_MS
AFTER_MS = 26 * HOUR_MS  # how long the restored therapy is followed


class Info:
    """What the pump had told the flash (or was telling it), for one outcome of a cut."""

    def __init__(self, pump, fill_mark, committed):
        self.state = pump.sm.state if committed else None
        self.grants = list(pump.history.grants)
        self.fill_vu = pump.reservoir.fill_vu
        self.fill_mark = fill_mark  # motor steps when that fill was confirmed


class Recorder:
    """Runs the therapy once, capturing the flash and the truth at every write."""

    def __init__(self):
        self.flash = SimFlash()
        self.flash.on_write = self.on_write
        self.motor = SimMotor()
        self.writes = []
        self.pump = None
        self.committed = None
        self.pending = None  # the Info of a state write in flight
        self.fill_mark = 0
        self.run_ms = 0  # time spent delivering before the current pass
        self.pass_start = 0
        self.pass_delivering = False
        self.grant_steps = {}  # grant time -> motor steps when it was granted
        self.all_grants = []  # every grant so far (the pump forgets those over 24 h old)

    def on_write(self, i, name, old, new):
        pump = self.pump
        if self.pending is not None:  # the write before this one completed
            self.committed = self.pending
            self.pending = None
        if pump is None:  # writes made while booting, before the therapy
            self.writes.append((i, name, dict(self.flash.files), new, None))
            return
        committed = self.committed
        if committed is not None:
            for g, at in self.grant_steps.items():
                if self.motor.total > at:  # its bolus has begun: flash must know it
                    assert g in committed.grants or g < pump.t - DAY_MS, (i, g)
        for g in pump.history.grants:
            if g not in self.all_grants:
                self.all_grants.append(g)
        now = Info(pump, self.fill_mark, True)
        if name.startswith("state."):
            self.pending = now
            after = now
        else:
            after = committed
        run = self.run_ms + (pump.t - self.pass_start if self.pass_delivering else 0)
        truth = {
            "t": pump.t, "steps": self.motor.total, "run_ms": run,
            "n_grants": len(self.all_grants),
            "before": committed, "after": after,
        }
        self.writes.append((i, name, dict(self.flash.files), new, truth))

    def step(self, p, pump, t1):
        # A pass in the device's order (app/device.py): journal, advance, journal.
        p.tick(pump)
        self.pass_start = pump.t
        self.pass_delivering = pump.sm.state in DELIVERING
        pump.advance(t1)
        if self.pass_delivering:
            self.run_ms += t1 - self.pass_start
        p.tick(pump)

    def record(self):
        p = Persist(self.flash)
        pump = p.boot(RIG, self.motor, 0)
        self.pump = pump
        pump.program(RX, 0)
        p.tick(pump)
        self._refill(p, pump, 0)
        pump.prime(RIG.dead_volume_nl, 0)
        p.tick(pump)
        t = 0
        presses = list(PRESSES)
        while t < RUN_MS:
            # A board's passes are ms apart, so each move is one step; passes of a
            # second while steps come fast, a minute otherwise, keep that here.
            fast = pump.sm.state in ("bolusing", "priming")
            t += 1000 if fast else MIN_MS
            self.step(p, pump, t)
            if pump.sm.state == "stopped" and t < REFILL_AT:
                pump.start(t)  # after priming
                p.tick(pump)
            if presses and t >= presses[0]:
                presses.pop(0)
                try:
                    pump.request_bolus(t)
                    self.grant_steps[pump.t] = self.motor.total
                except PumpError:
                    pass
                # No save here: the next pass journals it before it moves.
            if t == SUSPEND[0]:
                pump.suspend(t)
                p.tick(pump)
            if t == SUSPEND[1]:
                pump.resume(t)
                p.tick(pump)
            if t == REFILL_AT:
                pump.stop(t)
                p.tick(pump)
                self._refill(p, pump, t)
                pump.start(t)
                p.tick(pump)
        if self.pending is not None:
            self.committed = self.pending
        return self.writes

    def _refill(self, p, pump, t):
        pump.refill(RX.capacity_nl, None, t)
        p.tick(pump)
        pump.confirm(t)
        self.fill_mark = self.motor.total
        p.tick(pump)


def load(files, name):
    flash = SimFlash(files)
    if name == "state":
        s = Slots(flash, "state", b"IPST", snapshot.VERSION)
    else:
        s = Slots(flash, "lease", b"IPLS", 1)
    return s.load()


def follow(files):
    """Reboot from these files and run 26 h of therapy: the patient presses every 15
    minutes, the clinician confirms the time after 10. Returns what the checks need."""
    flash = SimFlash(files)
    motor = SimMotor()
    p = Persist(flash)
    pump = p.boot(RIG, motor, 0)
    st = pump.status()
    out = {
        "state": pump.sm.state, "alarms": pump.alarms.active(),
        "reservoir_vu": pump.reservoir.volume_vu, "boluses_24h": st["boluses_24h"],
        "grants": [], "run_ms": 0, "steps": 0, "refused_before_confirm": True,
    }
    if pump.rx is None:
        return out
    t = 0
    confirmed = False
    while t < AFTER_MS:
        nxt = t + 15 * MIN_MS
        delivering = pump.sm.state in DELIVERING
        pump.advance(nxt)
        p.tick(pump)
        if delivering:
            out["run_ms"] += nxt - t
        t = nxt
        if not confirmed and t >= 10 * MIN_MS:
            try:
                pump.request_bolus(t)
                out["refused_before_confirm"] = False
            except PumpError:
                pass
            pump.confirm_time(t, t)
            confirmed = True
        try:
            pump.request_bolus(t)
            out["grants"].append(pump.t)
        except PumpError:
            pass
    out["steps"] = motor.total
    return out


def check(out, truth, info, where):
    t_cut = truth["t"]
    if info is None or info.state is None:  # nothing of the therapy had reached flash
        assert out["state"] == "unprogrammed", where
        return
    assert "restart" in out["alarms"] and "memory" not in out["alarms"], (where, out)
    expect = {"running": "running", "bolusing": "running", "suspended": "suspended",
              "alarm": "alarm"}.get(info.state, "stopped")
    assert out["state"] == expect, (where, info.state, out["state"])
    assert out["refused_before_confirm"], where

    known = [g for g in info.grants if g > t_cut - DAY_MS]
    assert out["boluses_24h"] >= len(known), (where, out["boluses_24h"], known)

    step_vu = RIG.step_num
    truth_vu = info.fill_vu - (truth["steps"] - info.fill_mark) * step_vu
    assert truth_vu - step_vu <= out["reservoir_vu"] <= truth_vu, (
        where, truth_vu, out["reservoir_vu"])

    # Over the joined timeline, the board off for no time: t_cut is the restore's 0.
    grants = [g for g in info.grants] + [t_cut + g for g in out["grants"]]
    for k, g in enumerate(grants):
        inside = [h for h in grants[:k + 1] if h > g - DAY_MS]
        assert len(inside) <= MAX_PER_DAY, (where, g, inside)
        if k:
            assert g - grants[k - 1] >= LOCKOUT_MS, (where, grants[k - 1], g)

    prime = RIG.dead_volume_nl * RIG.step_den // RIG.step_num
    steps = max(0, truth["steps"] - prime) + out["steps"]
    run_ms = truth["run_ms"] + out["run_ms"]
    n_boluses = truth["n_grants"] + len(out["grants"])
    num, den = steps_for_ng_ms(BASAL_NG_D * run_ms + BOLUS_NG * DAY_MS * n_boluses, CONC, RIG)
    assert steps * den <= num + den, (where, steps, num / den)


def slot_outcomes(files, name, new, before_files):
    """Every torn form of one write, each read back; yields (k, mode, files, payload)."""
    kind = name.split(".")[0]
    for mode in MODES:
        for k in range(len(new) + 1):
            f = dict(before_files)
            f[name] = torn(before_files.get(name), new, k, mode)
            yield k, mode, f, kind


@pytest.mark.slow
def test_a_cut_at_every_byte_of_every_write_never_loses_a_dose_or_a_bolus():
    writes = Recorder().record()
    cuts = 0
    followed = {}
    kinds = {"state": 0, "lease": 0, "log": 0}
    for i, name, before_files, new, truth in writes:
        kind = name.split(".")[0]
        kinds[kind] += 1
        old = before_files.get(name)
        if truth is None:
            continue  # boot-time log lines, before any therapy (still cut, below)
        state_before = load(before_files, "state")[0]
        lease_before = load(before_files, "lease")[0]
        after_files = dict(before_files)
        after_files[name] = new
        state_after = load(after_files, "state")[0]
        lease_after = load(after_files, "lease")[0]
        for k, mode, files, _ in slot_outcomes(before_files, name, new, before_files):
            cuts += 1
            where = (i, name, k, mode)
            if kind == "log":
                status, seq, _, payload = decode(files[name], LOG_MAGIC, 1)
                if status == OK:
                    assert files[name] in (old, new), where
                pair = (state_before, lease_before)
                info = truth["before"]
            else:
                payload, report = load(files, kind)
                assert report in (FRESH, CLEAN, TORN), (where, report)
                if kind == "state":
                    assert payload in (state_before, state_after), where
                    pair = (payload, lease_before)
                    info = truth["after"] if payload == state_after and \
                        state_after != state_before else truth["before"]
                else:
                    assert payload in (lease_before, lease_after), where
                    pair = (state_before, payload)
                    info = truth["before"]
            if pair not in followed:
                followed[pair] = follow(files)
            check(followed[pair], truth, info, where)
    print("\npower cuts: %d (%d writes: %d state, %d lease, %d log; %d distinct reboots "
          "followed for 26 h)" % (cuts, len(writes), kinds["state"], kinds["lease"],
                                   kinds["log"], len(followed)))
    assert cuts > 10_000 and kinds["state"] > 30 and kinds["lease"] > 500
