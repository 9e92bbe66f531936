"""Shared by the virtual Pico, client, deploy and pumpctl tests: a virtual Pico running
the fake firmware (tests/host/fake_firmware/flash), and reads that never wait without limit."""
import os
import subprocess
import sys
import time
from pathlib import Path

import serial

from pumpctl.virtual_pico import VirtualPico

REPO = Path(__file__).resolve().parents[3]
FAKE_FIRMWARE = REPO / "tests" / "host" / "fake_firmware" / "flash"
MPREMOTE_S = 60  # overall limit for one mpremote call


def start_fake(tmp_path, firmware=FAKE_FIRMWARE):
    vp = VirtualPico(tmp_path / "vpico", firmware=firmware, board_config=None)
    vp.start()
    return vp


def open_port(port):
    return serial.Serial(port, baudrate=115200, timeout=0.1)


def read_until(ser, marker, timeout=10.0):
    """Bytes up to and including marker; AssertionError with what came if it never does."""
    deadline = time.monotonic() + timeout
    got = b""
    while marker not in got:
        if time.monotonic() > deadline:
            raise AssertionError("no %r within %g s; got %r" % (marker, timeout, got))
        got += ser.read(max(1, ser.in_waiting))
    return got


def mpremote(port, *args, timeout=MPREMOTE_S):
    exe = Path(sys.executable).parent / "mpremote"
    cmd = [str(exe) if exe.exists() else "mpremote", "connect", port, *args]
    return subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout, env=dict(os.environ, TERM="dumb"))


def vm_pids(vp):
    """The VM pids the launcher started, from its log (`boot N (mode) pid P`)."""
    return [int(line.rsplit(" ", 1)[1]) for line in vp.log_text().splitlines()
            if " boot " in line and " pid " in line]


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purpose
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return False
