"""Deploy the firmware onto a Pico (or a virtual one): compile with mpy-cross, copy with
mpremote, soft-reset, wait for the firmware's ready line.

Hazards first. Deploying replaces the code that drives a motor, so: it goes through
mpremote's usual connect (ctrl-C, raw REPL, soft reset). Our firmware never drops to the
REPL on ctrl-C: deploy asks it for a clinician's `repl` (the clinician PIN, asked for
unseen; a board with no PIN and nothing programmed needs none), which a pump that may
move refuses; the refusal is reported, never forced. A bare board gives its prompt at
once. Old copies of the firmware's packages are removed first: MicroPython imports
x.py before x.mpy, so a stale source would silently shadow the new code. Nothing else in
the flash (the pump's own records) is touched. The board's board.json holds the rig's
calibration: it is kept unless a config is given, and one that differs from it is only
put in its place when forced (the differing fields are shown either way).

main.py stays source (a board runs only main.py, never main.mpy); every other module is
compiled with -march=armv6m. Bytecode .mpy files of the same version also load on the
unix port, so the virtual Pico takes the same build (native code would not load there;
the firmware has none). --source deploys .py files instead."""
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from pumpctl import boards, bundled
from pumpctl.client import ClientError, PumpClient

FIRMWARE = bundled.FIRMWARE  # the checkout's, or the copy in the wheel
BUILD = bundled.BUILD  # build/pico in a checkout, the user's cache when installed
# mpy-cross -O3: no line numbers in the bytecode, which leaves a Pico's heap ~3 KB more
# (docs/virtual_pico.md, "The heap on the real target"), past issue 13's 96 KB floor with
# room to spare. The firmware has no `assert` and prints no traceback to a user (it says
# `! error type=...`), so what -O3 drops only a developer at the REPL misses: `--opt 0`.
DEFAULT_OPT = 3
BOARD_NAME = "board.json"  # the board config's name on the flash
MPY_CROSS_S = 60
STOP_S = 10.0  # longest wait for the REPL prompt, or the firmware's answer, after ctrl-C
MPREMOTE_GAP_S = 60.0  # longest silence from mpremote (it has no deadline of its own)
MPREMOTE_S = 600.0  # longest mpremote run
READY_S = 20.0
PROMPT = b">>> "  # the friendly REPL's prompt
CTRL_C = b"\x03"  # ctrl-C: clear any half-typed line at the friendly REPL
CTRL_D = b"\x04"  # ctrl-D at the friendly REPL: soft reset, main.py runs

# Run on the board before the copy: remove the packages being replaced, make their
# folders. Only names from the build are touched.
_PREPARE = """import os
def _rm(p):
    try:
        mode = os.stat(p)[0]
    except OSError:
        return
    if mode & 0x4000:
        for n in os.listdir(p):
            _rm(p + '/' + n)
        os.rmdir(p)
    else:
        os.remove(p)
for p in %r:
    _rm(p)
for d in %r:
    os.mkdir(d)
"""


class DeployError(Exception):
    pass


class BuildError(DeployError):
    """The firmware folder or the build folder would not build; no board was touched."""


def tool(name):
    beside = Path(sys.executable).parent / name  # a venv's python is a link: not resolved
    if beside.is_file():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise DeployError("%s not found next to %s nor on PATH (pip install %s)"
                          % (name, sys.executable, name))
    return found


def build(firmware=FIRMWARE, out=BUILD, source=False, march="armv6m", opt=DEFAULT_OPT,
          say=print, progress=None):
    """Fill `out` (emptied first) with what goes onto the flash; returns the files as
    board-relative paths, sorted. opt: mpy-cross -O level (DEFAULT_OPT, above; 0 keeps
    line numbers in tracebacks). progress: a progress.Progress, told of each file
    (mpy-cross takes most of a deploy's time and says nothing meanwhile)."""
    firmware, out = Path(firmware), Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    mpy_cross = None if source else tool("mpy-cross")
    files = []
    sources = [src for src in sorted(firmware.rglob("*.py"))
               if "__pycache__" not in src.relative_to(firmware).parts]
    if progress is not None:
        progress.total = len(sources)
    try:
        for done, src in enumerate(sources):
            rel = src.relative_to(firmware)
            if progress is not None:
                progress.update(done, "compiling %s" % rel.as_posix())
            if source or rel == Path("main.py"):
                dest = out / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
            else:
                dest = (out / rel).with_suffix(".mpy")
                dest.parent.mkdir(parents=True, exist_ok=True)
                proc = subprocess.run(
                    [mpy_cross, "-march=" + march, "-O%d" % opt, "-s", rel.as_posix(),
                     "-o", str(dest), str(src)],
                    stdin=subprocess.DEVNULL, capture_output=True, text=True,
                    timeout=MPY_CROSS_S)
                if proc.returncode != 0:
                    raise BuildError("mpy-cross failed on %s:\n%s" % (rel, proc.stderr))
            files.append(dest.relative_to(out).as_posix())
    finally:  # an error message must not land on a half-drawn progress line
        if progress is not None:
            progress.finish()
    say("built %d files in %s (%s)" % (len(files), out, "sources" if source else
                                       "mpy-cross -march=%s -O%d" % (march, opt)))
    return files


# Run on the board (at the REPL) to read its board.json: hex, so neither the port's line
# endings nor the text can be taken for anything else.
_READ_CONFIG = """import binascii
try:
    f = open(%r, 'rb')
except OSError:
    print('pumpctl-config none')
else:
    print('pumpctl-config', binascii.hexlify(f.read()).decode())
    f.close()
""" % BOARD_NAME
_CONFIG_SAYS = "pumpctl-config "


def read_board_config(port):
    """The board's board.json (bytes), None if it has none; the board at the REPL."""
    args = [tool("mpremote"), "connect", port, "resume", "exec", _READ_CONFIG]
    try:
        proc = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=MPREMOTE_GAP_S)
    except subprocess.TimeoutExpired as e:
        raise DeployError("mpremote took over %g s to read %s" % (MPREMOTE_GAP_S,
                                                                   BOARD_NAME)) from e
    said = [line.split(" ", 1)[1].strip() for line in proc.stdout.splitlines()
            if line.startswith(_CONFIG_SAYS)]
    try:
        if proc.returncode == 0 and len(said) == 1:
            return None if said[0] == "none" else bytes.fromhex(said[0])
    except ValueError:  # not hex: a garbled line, reported below
        pass
    raise DeployError("could not read the board's %s with mpremote (exit %d):\n%s"
                      % (BOARD_NAME, proc.returncode, (proc.stdout + proc.stderr)[-1500:]))


def add_board_config(out, board_config):
    shutil.copyfile(board_config, Path(out) / BOARD_NAME)
    return BOARD_NAME


def mpremote_args(port, out, files):
    """One mpremote call: connect (with soft reset), prepare, then one cp per file."""
    tops = sorted({f.split("/")[0] for f in files if "/" in f})
    dirs = sorted({"/".join(f.split("/")[:i]) for f in files
                   for i in range(1, f.count("/") + 1)})
    args = [tool("mpremote"), "connect", port, "exec", _PREPARE % (tuple(tops), tuple(dirs))]
    for f in files:
        args += ["+", "fs", "cp", str(Path(out) / f), ":" + f]
    return args


# What our firmware says to a ctrl-C: never the REPL; while stopped, a clinician's `repl`.
IGNORED = b"! ctrl-c ignored"
CLINICIANS_REPL = b"the REPL is a clinician's"


def _read_for(client, want, timeout):
    """Bytes until one of `want` appears (with the rest of its line) or `timeout` s
    pass."""
    deadline = time.monotonic() + timeout
    got = client.take_buffered()  # a reply's read may already hold what came after it
    while time.monotonic() < deadline:
        hit = [got.find(w) for w in want if w in got]
        if hit and b"\n" in got[min(hit):] or PROMPT in got:
            break
        client.serial.timeout = 0.1
        got += client.serial.read(max(1, client.serial.in_waiting))
    return got


def _clinicians_repl(client, ask_pin, timeout):
    """Our firmware, stopped: `repl confirm`, after a login if the board has a PIN. The
    pump's own rules decide (a clinician, nothing moving); this only asks."""
    reply = client.command("repl confirm", timeout=timeout)
    if not reply.ok and reply.code == 74:  # needs a clinician login
        pin = ask_pin() if ask_pin is not None else None
        if not pin:
            raise DeployError("the board runs the pump firmware, whose REPL needs a "
                              "clinician: give the PIN (pumpctl deploy asks for it)")
        login = client.command("login " + pin, timeout=timeout)
        if not login.ok:
            raise DeployError("login refused: " + login.final)
        reply = client.command("repl confirm", timeout=timeout)
    if not reply.ok:
        raise DeployError("the firmware refused the REPL: " + reply.final)
    return _read_for(client, (PROMPT,), READY_S)


def stop_firmware(port, timeout=STOP_S, ask_pin=None):
    """ctrl-C, then wait for the REPL prompt (a bare board, or a firmware that gives it);
    our firmware never gives it on ctrl-C, so a clinician's `repl` is asked for, with
    the PIN from `ask_pin()` if the board has one. mpremote would wait for ever on a
    board that keeps running (its first read has no timeout), so refuse here instead."""
    try:
        with PumpClient(port) as client:
            client.drain(quiet=0.05, overall=1.0)
            client.write_raw(b"\r" + CTRL_C)  # ctrl-C: a bare board shows its prompt
            got = _read_for(client, (PROMPT, IGNORED), timeout)
            if PROMPT not in got and CLINICIANS_REPL in got:
                client.drain(quiet=0.05, overall=1.0)
                got = _clinicians_repl(client, ask_pin, timeout)
    except ClientError as e:
        raise DeployError(str(e)) from e
    if PROMPT not in got:
        raise DeployError(
            "the board did not drop to the REPL on ctrl-C within %g s. If the pump may be "
            "delivering, its firmware ignores ctrl-C: stop it first (a clinician's "
            "suspend), then retry. A board stuck in the raw REPL needs a reset." % timeout)


def _read_lines(stream, into):
    """Each line of `stream` into the queue `into`, then None at its end. A thread, not
    select(): Windows cannot select() on a pipe."""
    for raw in iter(stream.readline, b""):
        into.put(raw)
    into.put(None)


def upload(port, out, files, say=print):
    args = mpremote_args(port, out, files)
    say("copying %d files to %s with mpremote" % (len(files), port))
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    done = 0
    tail = []
    lines = queue.Queue()
    reader = threading.Thread(target=_read_lines, args=(proc.stdout, lines), daemon=True)
    reader.start()
    deadline = time.monotonic() + MPREMOTE_S
    try:
        while True:
            wait = min(MPREMOTE_GAP_S, deadline - time.monotonic())
            try:
                if wait <= 0:
                    raise queue.Empty
                raw = lines.get(timeout=wait)
            except queue.Empty:
                raise DeployError("mpremote went silent for %g s (or ran past %g s); "
                                  "stopped it. Its last words:\n%s"
                                  % (MPREMOTE_GAP_S, MPREMOTE_S, "\n".join(tail[-15:])))
            if raw is None:
                break
            line = raw.decode(errors="replace").rstrip()
            if line.startswith("cp "):  # mpremote prints one "cp SRC :DEST" per file
                done += 1
                say("[%d/%d] %s" % (done, len(files), line.rsplit(" ", 1)[-1]))
            elif line:
                tail.append(line)
        rc = proc.wait(timeout=MPREMOTE_GAP_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(timeout=5.0)  # the pipe ends with the process; then it can be closed
        proc.stdout.close()
    if rc != 0:
        raise DeployError("mpremote failed (exit %d):\n%s" % (rc, "\n".join(tail[-15:])))


def soft_reset(port, wait=True, timeout=READY_S, say=print):
    """ctrl-D at the friendly REPL (where mpremote leaves the board): main.py runs."""
    try:
        with PumpClient(port) as client:
            client.drain(quiet=0.05, overall=1.0)
            client.write_raw(b"\r" + CTRL_C + CTRL_D)  # clear the line, then reset
            if not wait:
                return None
            ready = client.wait_ready(timeout)
    except ClientError as e:
        raise DeployError("after the copy: %s" % e) from e
    say("firmware up: " + ready)
    return ready


def deploy(port, firmware=FIRMWARE, board_config=None, out=BUILD, source=False,
           opt=DEFAULT_OPT, wait=True, say=print, progress=None, ask_pin=None, force=False):
    """board_config None: the board's own board.json stays. A config that differs from
    the board's is refused (boards.ConfigKept) unless force, and the board restarted
    unchanged."""
    try:
        files = build(firmware, out, source=source, opt=opt, say=say, progress=progress)
    except OSError as e:  # a file of the firmware folder, or --build's folder
        raise BuildError("cannot build: %s" % e) from e
    stop_firmware(port, ask_pin=ask_pin)
    try:
        if boards.replaces(read_board_config(port), board_config, force, say):
            files.append(add_board_config(out, board_config))
    except (DeployError, boards.BoardError):
        soft_reset(port, wait=False, say=say)  # back to its firmware, as it was
        raise
    upload(port, out, files, say=say)
    return soft_reset(port, wait=wait, say=say)
