"""A virtual Pico as a child process: start the launcher (pumpctl.vpico_launcher) in its
own process group, learn its port, and end it and everything it started, even on failure.

Never leaves a VM running: stop() kills the launcher's whole process group, and the VM
is also tied to the launcher's life (PR_SET_PDEATHSIG)."""
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pumpctl import bundled, vpico_launcher

FIRMWARE = bundled.FIRMWARE  # the checkout's, or the copy in the wheel
DEFAULT_BOARD = bundled.DEFAULT_BOARD
START_S = 10.0  # longest wait for the launcher to name its port
READY = b"! ready"  # the firmware's first line once booted (docs/protocol.md)
MEMORY_ERROR = re.compile(rb"MemoryError[^\r\n]*\r?\n")  # a whole line of a traceback
BOOT_CHECK_BYTES = 4096  # of boot output kept to find either in (a traceback is ~300 B)


class SimError(Exception):
    pass


class BootCheck:
    """For `pumpctl sim`, fed what main.py prints at power-up (Launcher.on_boot_output):
    a MemoryError before the firmware's `! ready` means the heap asked for is too small
    to boot, which would otherwise leave a REPL nobody sees. `failed`: that error's line;
    on_fail() is called once when it comes. Watches the first boot to `! ready` only."""

    def __init__(self, on_fail):
        self.failed = None
        self.done = False
        self._on_fail = on_fail
        self._seen = b""

    def __call__(self, data):
        if self.done:
            return
        self._seen = (self._seen + data)[-BOOT_CHECK_BYTES:]
        if READY in self._seen:
            self.done = True
            return
        found = MEMORY_ERROR.search(self._seen)
        if found:
            self.done = True
            self.failed = found.group().decode(errors="replace").strip()
            self._on_fail()


def default_state_root():
    """$XDG_RUNTIME_DIR/pumpctl, else /tmp/pumpctl-<uid>."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime):
        return Path(runtime) / "pumpctl"
    return Path(tempfile.gettempdir()) / ("pumpctl-%d" % os.getuid())


def fresh_state_dir():
    root = default_state_root()
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="vpico-", dir=root))


class VirtualPico:
    """with VirtualPico(state_dir, firmware=FIRMWARE) as vp: vp.port ...

    firmware: a folder copied into the flash before boot (None: the flash as it is,
    e.g. a bare board). board_config: copied as flash/board.json with the firmware.
    Without state_dir, a fresh folder is made and removed again by stop()."""

    def __init__(self, state_dir=None, firmware=FIRMWARE, board_config=DEFAULT_BOARD,
                 heap=vpico_launcher.DEFAULT_HEAP, micropython=None, service_jumper=False):
        self.temporary = state_dir is None
        self.state = Path(state_dir) if state_dir else fresh_state_dir()
        self.flash = self.state / "flash"
        self.log_path = self.state / "vpico.log"
        self.firmware = firmware
        self.board_config = board_config
        self.heap = heap
        self.micropython = micropython
        self.service_jumper = service_jumper  # in at every power-up of this launch
        self.proc = None
        self.port = None

    @property
    def link(self):
        return str(self.state / "ttyACM0")

    def start(self, timeout=START_S):
        # Asked here, not only by the launcher: its error would be a traceback on our
        # stderr and a SimError that says only "did not start".
        try:
            micropython = self.micropython or vpico_launcher.find_micropython()
        except vpico_launcher.NoVirtualPico as e:
            if self.temporary:
                shutil.rmtree(self.state, ignore_errors=True)  # ours, and still empty
            raise SimError(str(e)) from e
        self.flash.mkdir(parents=True, exist_ok=True)
        if self.firmware is not None:
            vpico_launcher.install_firmware(self.flash, self.firmware, self.board_config)
        cmd = [sys.executable, "-m", "pumpctl.vpico_launcher", "--state", str(self.state),
               "--heap", self.heap, "--log", str(self.log_path), "--micropython", micropython]
        if self.service_jumper:
            cmd.append("--service-jumper")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(Path(vpico_launcher.__file__).resolve().parents[1])] +
            ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                     start_new_session=True, env=env)
        try:
            line = self._first_line(timeout)
        except BaseException:
            self.stop()
            raise
        if not line.startswith("port: "):
            self.stop()
            raise SimError("the virtual Pico did not start: %r (log: %s)"
                           % (line, self.log_path))
        self.port = line[len("port: "):].strip()
        return self

    def _first_line(self, timeout):
        deadline = time.monotonic() + timeout
        buf = b""
        fd = self.proc.stdout.fileno()
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise SimError("no port from the virtual Pico within %g s" % timeout)
            r, _, _ = select.select([fd], [], [], left)
            if r:
                chunk = os.read(fd, 256)
                if not chunk:
                    break  # the launcher died before naming its port
                buf += chunk
        return buf.decode(errors="replace")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=5.0):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # the launcher tidies its VM up
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            except ProcessLookupError:  # already gone between poll() and killpg()
                pass
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.proc = None
        if self.temporary:
            shutil.rmtree(self.state, ignore_errors=True)  # ours alone, and its VM is gone

    def log_text(self):
        try:
            return self.log_path.read_text()
        except OSError:
            return ""

    def __enter__(self):
        if self.proc is None:
            self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
