"""The emulated Pico: MicroPython's own RP2040 build (the .uf2 a real Pico runs) in
rp2040js, driven by runner.mjs, with its USB CDC console on a pseudo-terminal that
pumpctl, pyserial and mpremote open like /dev/ttyACM0. Bench use only.

Hazards first. An emulator that lies is worse than none, so:
- the firmware goes on in the board's own form: a LittleFS image at the RPI_PICO
  filesystem offset, laid out by pumpctl.deploy's build (.mpy for armv6m, board.json);
- every input the board config names is driven at power-on to its INACTIVE level (the
  emulator has no pull-ups: an undriven input reads 0, which for an active-low button is
  a press), and the battery reads a healthy voltage unless a test says otherwise;
- a power cut stops the emulator and writes its flash out; power-on boots a new one from
  that image, so the board comes back from its own LittleFS, nothing else;
- the runner's death is never silent: any wait on it raises EmuError with its log tail.

Figures (pin edges and their emulated times, flash erases and programs, the TMC2209's
registers) come from the runner's own counters; see docs/virtual_pico.md."""
import json
import os
import pty
import select
import shutil
import subprocess
import tempfile
import threading
import time
import tty
from pathlib import Path

from pumpctl import bundled, deploy
from pumpctl.emu import assets, fsimage

DEFAULT_BOARD = bundled.DEFAULT_BOARD
REPLY_S = 30.0
OUT_QUEUE_MAX = 64 * 1024  # console output kept while nobody reads the port
SEEN_MAX = 1024 * 1024
HEALTHY_MV = 5200  # four charged NiMH cells
ADC_CHANNEL = {26: 0, 27: 1, 28: 2, 29: 3}
UART1_TX = (4, 8, 20, 24)


class EmuError(Exception):
    pass


def adc_counts(mv, divider_x1000):
    """12-bit ADC reading for a battery of `mv` behind the config's divider (3.3 V ref)."""
    pin_mv = mv * 1000 // divider_x1000
    return max(0, min(4095, pin_mv * 4095 // 3300))


class Pins:
    """The board config's pins and the level at which each is NOT active."""

    def __init__(self, config):
        p, lv = config["pins"], config["active_levels"]
        self.step, self.dir, self.en = p["step"], p["dir"], p["en"]
        self.button = p["bolus_button"]
        self.buzzer, self.led = p["buzzer"], p["led"]
        self.end_stop_min, self.end_stop_max = p["end_stop_min"], p["end_stop_max"]
        self.occlusion = p.get("occlusion")
        self.diag = p.get("diag")
        self.battery_adc = p["battery_adc"]
        self.uart_tx = p.get("uart_tx")
        self.service = p.get("service")
        self.levels = lv
        self.inactive = {self.end_stop_min: 1 - lv["end_stop"],
                         self.end_stop_max: 1 - lv["end_stop"],
                         self.button: 1 - lv["button"]}
        if self.occlusion is not None:
            self.inactive[self.occlusion] = 1 - lv["occlusion"]
        if self.diag is not None:
            self.inactive[self.diag] = 0  # DIAG is push-pull, high on a stall
        if self.service is not None:
            # No jumper: the pull-up holds it high. The emulator models no pull-ups, so
            # the level is driven, as for every input here.
            self.inactive[self.service] = 1

    def en_active(self):
        return self.levels["en"]


class EmuPico:
    """with EmuPico(board_config=...) as emu: emu.port ...

    state_dir holds flash.bin (the filesystem), the build and the runner's log; without
    one, a fresh folder is used. tmc: 'chip' (a TMC2209 answers), 'echo' (the wire is
    there, no chip), 'none' (nothing on the UART); only for TMC2209 rigs."""

    def __init__(self, state_dir=None, board_config=DEFAULT_BOARD, firmware=deploy.FIRMWARE,
                 uf2=None, bootrom=None, tmc="chip", pace="free", battery_mv=HEALTHY_MV,
                 reinstall=False, opt=deploy.DEFAULT_OPT, no_fix=(), files=None, say=None,
                 trace_irq=False,
                 service_jumper=False):
        self.temporary = state_dir is None  # removed again by stop()
        self.state_dir = Path(state_dir) if state_dir else Path(tempfile.mkdtemp(prefix="emu-"))
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.flash = self.state_dir / "flash.bin"
        self.log_path = self.state_dir / "emu.log"
        self.link = self.state_dir / "ttyACM0"
        self.board_config = Path(board_config)
        self.config = json.loads(self.board_config.read_text())
        self.pins = Pins(self.config)
        self.firmware = Path(firmware) if firmware else None
        self.uf2 = Path(uf2) if uf2 else assets.uf2()
        self.bootrom = Path(bootrom) if bootrom else assets.bootrom()
        if self.uf2 is None or self.bootrom is None:
            raise EmuError(assets.UF2_HINT)
        self.tmc = tmc if self.config["driver"] == "tmc2209" else "none"
        self.pace = pace
        self.battery_mv = battery_mv
        self.reinstall = reinstall
        self.opt = opt
        self.no_fix = tuple(no_fix)
        self.trace_irq = trace_irq  # runner.mjs --trace-irq: `exc` events
        self.files = dict(files or {})  # board path -> text, over the build (tests)
        self.say = say
        # The service jumper in (its pin held low) at every power-on while this is True.
        self.service_jumper = service_jumper
        self.proc = None
        self.port = None
        self._ma = self._sa = None
        self._lock = threading.Lock()
        self._replies = {}
        self._next_id = 0
        self._events = []  # every non-serial event, in order (tests read it)
        self._cond = threading.Condition()
        self._to_host = bytearray()
        self.seen = bytearray()  # everything the console sent, for tests (last SEEN_MAX)
        self.seen_at = []  # (offset in seen, emulated ns) of each chunk, since start()
        self._thread = None
        self._stop = False
        self.cuts = 0

    # ----- life -----
    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def install(self):
        """The firmware and board.json onto a fresh filesystem image."""
        build = self.state_dir / "build"
        deploy.build(self.firmware, build, opt=self.opt, say=lambda *_: None)
        deploy.add_board_config(build, self.board_config)
        for name, text in self.files.items():
            (build / name).parent.mkdir(parents=True, exist_ok=True)
            (build / name).write_text(text)
        fsimage.build(build, self.flash)

    def start(self):
        assets.ensure_rp2040js(self.say)
        if self.firmware is not None and (self.reinstall or not self.flash.exists()):
            self.install()
        if self._ma is None:
            self._ma, self._sa = pty.openpty()
            tty.setraw(self._sa)  # a cooked pty breaks mpremote, as on the virtual Pico
            os.set_blocking(self._ma, False)
            self.port = os.ttyname(self._sa)
            try:
                self.link.unlink()
            except FileNotFoundError:
                pass
            self.link.symlink_to(self.port)
        self._spawn()
        self._thread = threading.Thread(target=self._io, daemon=True)
        self._thread.start()
        return self

    def _args(self):
        p = self.pins
        levels = dict(p.inactive)
        if self.service_jumper and p.service is not None:
            levels[p.service] = 0
        inputs = ",".join("%d:%d" % kv for kv in sorted(levels.items()))
        adc = "%d:%d" % (ADC_CHANNEL[p.battery_adc],
                         adc_counts(self.battery_mv, self.config["battery_divider_x1000"]))
        args = [assets.node(), str(assets.RUNNER), "--bootrom=%s" % self.bootrom,
                "--uf2=%s" % self.uf2, "--fs=%s" % self.flash, "--inputs=" + inputs,
                "--adc=" + adc, "--record-rises=%d" % p.step,
                "--log-pins=%d,%d,%d,%d" % (p.dir, p.en, p.buzzer, p.led),
                "--pace=" + self.pace, "--tmc=" + self.tmc]
        if self.tmc != "none":
            args += ["--tmc-uart=%d" % (1 if p.uart_tx in UART1_TX else 0),
                     "--tmc-node=%d" % self.config["tmc2209"]["node"]]
        if self.no_fix:
            args.append("--no-fix=" + ",".join(self.no_fix))
        if self.trace_irq:
            args.append("--trace-irq")
        return args

    def _spawn(self):
        self._stop = False
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self._args(), stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=log)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self._wait_event("up", REPLY_S)

    def stop(self):
        """Power off for good: the runner ends, the port closes."""
        self._halt()
        for fd in (self._ma, self._sa):
            if fd is not None:
                os.close(fd)
        self._ma = self._sa = None
        try:
            self.link.unlink()
        except FileNotFoundError:
            pass
        if self.temporary:
            shutil.rmtree(self.state_dir, ignore_errors=True)

    def _halt(self):
        self._stop = True
        if self.proc is not None:
            if self.proc.poll() is None:
                try:
                    self._send({"op": "quit"})
                    self.proc.wait(timeout=5)
                except (EmuError, subprocess.TimeoutExpired):
                    self.proc.kill()
                    self.proc.wait()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)  # before its pipe closes under it
        self._thread = None
        if self.proc is not None:
            self.proc.stdout.close()
            self.proc.stdin.close()

    # ----- power -----
    def power_cut(self, after_programs=None, timeout=REPLY_S):
        """Cut the power now (or half way through the Nth flash page program from now,
        once the firmware gets there); the flash is saved as it was at that instant.
        With after_programs, returns at once: wait_cut() waits for the cut."""
        msg = {"op": "cut", "path": str(self.flash)}
        if after_programs is not None:
            msg["after_programs"] = after_programs
        self._send(msg)
        if after_programs is None:
            self.wait_cut(timeout)

    def wait_cut(self, timeout=REPLY_S):
        self._wait_event("cut", timeout)
        self.proc.wait(timeout=10)
        self._halt()
        self.cuts += 1

    def power_on(self):
        """Boot again from the saved flash, on the same port."""
        self._spawn()
        self._thread = threading.Thread(target=self._io, daemon=True)
        self._thread.start()

    # ----- the world around the board -----
    def set_input(self, pin, value, delay_ms=None, after_rises=None):
        """Drive an input: now, delay_ms of emulated time from now, or once the STEP pin
        has risen `after_rises` times in all (counted since power-on)."""
        msg = {"op": "input", "pin": pin, "value": int(value)}
        if after_rises is not None:
            msg["after"] = {"pin": self.pins.step, "rises": after_rises}
        elif delay_ms is not None:
            msg["delay_ns"] = int(delay_ms * 1_000_000)
        self._send(msg)

    def press(self, hold_ms):
        """The bolus button held for hold_ms of emulated time, then released."""
        active = self.pins.levels["button"]
        self.set_input(self.pins.button, active)
        self.set_input(self.pins.button, 1 - active, delay_ms=hold_ms)

    def battery(self, mv):
        ch = ADC_CHANNEL[self.pins.battery_adc]
        self._send({"op": "adc", "ch": ch,
                    "value": adc_counts(mv, self.config["battery_divider_x1000"])})

    def state(self):
        """Emulated time (ns), every watched pin (level, rises, falls, a log of level
        changes with times), flash erases and programs, the TMC2209's registers."""
        return self._ask({"op": "state"})

    def rises(self, pin=None, edge="rise"):
        """Emulated times (ns) of every rising (or, edge='fall', falling) edge of the
        STEP pin since power-on."""
        pin = self.pins.step if pin is None else pin
        out, start = [], 0
        while True:
            got = self._ask({"op": "rises", "pin": pin, "from": start,
                             "edge": edge})["times"]
            out += got
            if len(got) < 100000:
                return out
            start += len(got)

    def wait_output(self, marker, timeout, start=0):
        """Wait until the console has sent `marker` (bytes) at or after offset `start`
        of self.seen (output before any client opened the port counts too); returns
        the output from `start`. Raises EmuError on timeout."""
        end = time.monotonic() + timeout
        with self._cond:
            while marker not in self.seen[start:]:
                left = end - time.monotonic()
                if left <= 0:
                    raise EmuError("no %r from the console within %g s; it sent %r"
                                   % (marker, timeout, bytes(self.seen[start:][-300:])))
                self._cond.wait(min(left, 0.2))
            return bytes(self.seen[start:])

    def ns_of(self, marker, start=0):
        """Emulated ns at which the chunk holding the end of `marker` (bytes, at or
        after offset `start` of self.seen) came out; None if it has not."""
        with self._cond:
            at = self.seen.find(marker, start)
            if at < 0:
                return None
            end = at + len(marker) - 1
            ns = None
            for offset, when in self.seen_at:
                if offset > end:
                    break
                ns = when
            return ns

    def events(self, kind=None):
        with self._cond:
            return [e for e in self._events if kind is None or e["ev"] == kind]

    # ----- the runner's channel -----
    def _send(self, msg):
        if self.proc is None or self.proc.poll() is not None:
            raise EmuError("the emulated Pico is not running" + self._log_tail())
        with self._lock:
            try:
                self.proc.stdin.write((json.dumps(msg) + "\n").encode())
                self.proc.stdin.flush()
            except (BrokenPipeError, ValueError) as e:
                raise EmuError("the emulated Pico stopped" + self._log_tail()) from e

    def _ask(self, msg, timeout=REPLY_S):
        with self._cond:
            self._next_id += 1
            msg["id"] = ident = self._next_id
        self._send(msg)
        with self._cond:
            end = time.monotonic() + timeout
            while ident not in self._replies:
                left = end - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise EmuError("no answer from the emulated Pico to %s%s"
                                   % (msg["op"], self._log_tail()))
                self._cond.wait(min(left, 0.2))
            return self._replies.pop(ident)

    def _wait_event(self, kind, timeout):
        end = time.monotonic() + timeout
        with self._cond:
            seen = len([e for e in self._events if e["ev"] == kind])
        while True:
            with self._cond:
                if len([e for e in self._events if e["ev"] == kind]) > seen:
                    return
                if self.proc.poll() is not None and kind != "cut":
                    raise EmuError("the emulated Pico ended" + self._log_tail())
                left = end - time.monotonic()
                if left <= 0:
                    raise EmuError("waited %g s for %s" % (timeout, kind) + self._log_tail())
                if self._thread is None:  # before the io thread runs (at spawn)
                    pass
            self._pump_runner(min(left, 0.1))

    def _log_tail(self):
        try:
            tail = self.log_path.read_text(errors="replace").strip().splitlines()[-10:]
        except OSError:
            return ""
        return (" (runner log %s: %s)" % (self.log_path, " | ".join(tail))) if tail else ""

    # ----- io: runner stdout -> events and the port; the port -> runner -----
    _partial = b""

    def _pump_runner(self, timeout):
        """Read what the runner said (used before the io thread exists)."""
        if self._thread is not None and self._thread.is_alive():
            time.sleep(timeout)
            return
        fd = self.proc.stdout.fileno()
        if select.select([fd], [], [], timeout)[0]:
            self._from_runner(fd)

    def _from_runner(self, fd):
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return True
        except OSError:
            return False
        if not chunk:
            return False
        data = self._partial + chunk
        *lines, self._partial = data.split(b"\n")
        for line in lines:
            msg = json.loads(line)
            ev = msg["ev"]
            if ev == "serial":
                data = bytes.fromhex(msg["hex"])
                self._to_host += data
                with self._cond:
                    self.seen_at.append((len(self.seen), msg.get("ns", 0)))
                    self.seen += data
                    if len(self.seen) > SEEN_MAX:
                        cut = len(self.seen) - SEEN_MAX
                        del self.seen[:cut]
                        self.seen_at = [(o - cut, t) for o, t in self.seen_at if o >= cut]
                    self._cond.notify_all()
                if len(self._to_host) > OUT_QUEUE_MAX:
                    del self._to_host[:len(self._to_host) - OUT_QUEUE_MAX]
                continue
            with self._cond:
                if ev == "reply":
                    self._replies[msg["id"]] = msg
                else:
                    self._events.append(msg)
                self._cond.notify_all()
        return True

    def _io(self):
        fd = self.proc.stdout.fileno()
        while not self._stop:
            wants_write = [self._ma] if self._to_host else []
            try:
                r, w, _ = select.select([fd, self._ma], wants_write, [], 0.1)
            except (OSError, ValueError):
                return
            if fd in r and not self._from_runner(fd):
                with self._cond:
                    self._cond.notify_all()
                return  # the runner ended: a cut, a quit, or a crash (see its log)
            if self._ma in r:
                try:
                    data = os.read(self._ma, 4096)
                except (BlockingIOError, OSError):
                    data = b""
                if data:
                    try:
                        self._send({"op": "serial", "hex": data.hex()})
                    except EmuError:
                        return
            if self._ma in w and self._to_host:
                try:
                    n = os.write(self._ma, bytes(self._to_host[:4096]))
                    del self._to_host[:n]
                except (BlockingIOError, OSError):
                    pass
