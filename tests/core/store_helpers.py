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
            os.remove(path + "/" + name)
    return path
