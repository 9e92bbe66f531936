"""Helpers for the store tests: a flash that fails on purpose, and a scratch folder that
works under CPython and MicroPython alike. Not a test module."""
import os

from store.sim_flash import SimFlash


class BadFlash(SimFlash):
    """Writes land altered (a bit flipped), as a worn-out sector would store them."""

    def write(self, name, data):
        SimFlash.write(self, name, data)
        b = bytearray(self.files[name])
        b[len(b) // 2] ^= 0x10
        self.files[name] = bytes(b)


class FailingFlash(SimFlash):
    """Every write raises OSError, as a full or broken filesystem does."""

    def write(self, name, data):
        raise OSError(28)


def scratch_dir(tag):
    """An empty folder under /tmp, one per interpreter so parallel runs do not meet."""
    import sys
    path = "/tmp/pump_store_" + sys.implementation.name + "_" + tag
    try:
        os.mkdir(path)
    except OSError:
        for name in os.listdir(path):
            try:
                os.remove(path + "/" + name)
            except OSError:
                os.rmdir(path + "/" + name)  # a folder a test put where a file belongs
    return path


def persisted(rx, flash, persist_kw=None, fill_nl=None):
    """A pump booted from empty flash through Persist, then programmed, filled, primed and
    started at START_MS, saving after each command as a controller would."""
    from builders import START_MS
    from hal.sim.motor import SimMotor
    from pump.rig import bench_rig
    from store.persist import Persist

    rig = bench_rig()
    p = Persist(flash, **(persist_kw or {}))
    pump = p.boot(rig, SimMotor(), 0)
    pump.program(rx, 0)
    p.tick(pump)
    pump.refill(rx.capacity_nl if fill_nl is None else fill_nl, None, 0)
    p.tick(pump)
    pump.confirm(0)
    p.tick(pump)
    pump.prime(rig.dead_volume_nl, 0)
    p.tick(pump)
    run(p, pump, 0, START_MS)
    pump.start(START_MS)
    p.tick(pump)
    return p, pump


def run(p, pump, t0, t1, pass_ms=60_000):
    """Control-loop passes from t0 to t1: advance, then tick."""
    t = t0
    while t < t1:
        t = t + pass_ms if t + pass_ms < t1 else t1
        pump.advance(t)
        p.tick(pump)
    return t


def reboot(flash, now_ms=0):
    """A fresh Persist and pump from what is on flash, as after a power cut."""
    from hal.sim.motor import SimMotor
    from pump.rig import bench_rig
    from store.persist import Persist

    p = Persist(SimFlash(flash.files))
    return p, p.boot(bench_rig(), SimMotor(), now_ms)
