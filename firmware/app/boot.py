"""Boot: the driver disabled first, the board config checked, the board built, then the
control loop until a clinician's `repl` (while nothing may move) or a simulated power cut.
Ctrl-C never ends it, and neither does a bug: an exception is said and the board restarts.

On any exception the driver is disabled, the console told the exception's type, and the
board restarts (the virtual Pico's launcher powers it up again). A refused board config
leaves the motor disabled and says why on the console, then drops to the REPL so the
config can be fixed with mpremote (no config: no therapy to protect).

What only the start needs (the config, the board's construction, the store, the
controller) is app/startup.py, imported for it and dropped before the loop: a Pico keeps
every loaded module's code in its heap, and this module's stays for the whole run."""
import gc
import sys

from app.controller import PASS_IDLE_MS, PowerCut, Reboot, WatchdogReset

VERSION = "0.2.0"
# The heap (docs/architecture.md, "Memory on the board"): a collection each time an
# eighth of the heap has been allocated (~28.5 KiB on a Pico), not only when the heap is
# full, so what lives stays packed at the bottom and a large block stays free above it.
# Garbage then never climbs much further above the live data, so nothing long-lived is
# left scattered up the heap (without it, the largest free block in steady basal was
# ~4-6 KB of ~80 KB free; with it, ~95 KB of ~113 KB). A collection costs ~18 ms of a
# Pico's time whatever the threshold, so the share is a trade: a collection every ~3 s
# of steady basal, where 16 KiB gave a few KB more in one block and one every ~2 s (as
# measured before the collections moved between passes, below).
GC_SHARE = 8
# ...and that collection kept out of the passes (issue 13: a pass under 5 ms, so the
# watchdog and the button are never starved). Before a pass that follows an idle wait
# (nothing was due for PASS_IDLE_MS), the loop collects once 1/GC_EARLY of the share has
# been allocated since the last collection; the share's own collection stays, as a net.
# The other half (~14 KiB on a Pico) is room for ~5 passes of steady basal's garbage
# (~2.6 KB each on the emulated RP2040), where at most two or three run between idle
# waits. The VM's own count decides, at no cost: the threshold lowered to the budget, one
# small allocation (which collects if the count is past it), the threshold back.
# (gc.mem_free() would count the heap's blocks: ~7.6 ms on a Pico, every pass.)
GC_EARLY = 2
# pump.restart: how a restored pump resumes, needed once, at the boot that restores it.
_STARTUP = ("app.startup", "pump.restart", "pump.rx_check", "pump.sched_bolus",
            "store.snapshot_read")


def _on_pico():
    return sys.platform == "rp2"


def _no_ctrl_c():
    # Ctrl-C becomes a byte the loop reads and judges, not an exception in the middle of a
    # step batch (micropython.kbd_intr; the unix port has it too).
    try:
        import micropython
        micropython.kbd_intr(-1)
    except (ImportError, AttributeError):
        pass


def _ctrl_c_back():
    try:
        import micropython
        micropython.kbd_intr(3)
    except (ImportError, AttributeError):
        pass


def _heap():
    """Collect now, and from now on whenever 1/GC_SHARE of the heap has been allocated
    (MicroPython; CPython has no such heap). A share, not a size: the virtual Pico's
    512 KiB heap then collects half as often as a Pico, per byte of garbage."""
    if hasattr(gc, "threshold"):
        gc.collect()
        gc.threshold((gc.mem_free() + gc.mem_alloc()) // GC_SHARE)


def run(port=None):
    _heap()
    from app import lazy
    keep = lazy.loaded(_STARTUP)  # imported before boot: not boot's to drop
    from app import startup
    if port is None:
        from app.port import StdioPort
        port = StdioPort()
    up = startup.board(port, _heap)
    if up is None:
        return
    board, sim, rig, name, driver = up
    up = None
    try:
        ctl = startup.controller(board, rig, port, sim, name, driver, VERSION)
        startup = None
        lazy.drop(_STARTUP, keep)
        _heap()  # what the device loaded to restore the pump, and the start, are garbage
        _no_ctrl_c()
        _loop(ctl, board, port)
        if ctl.armed and _on_pico():
            board.motor.enable(False)
            _mark_repl(ctl.device.repl)
            board.reset()
    except (PowerCut, WatchdogReset) as cut:
        board.motor.enable(False)
        _save_world(sim, "watchdog" if isinstance(cut, WatchdogReset) else "power")
        sys.exit(0)  # the virtual Pico's launcher powers it up again from flash
    except Reboot:
        board.motor.enable(False)
        _save_world(sim, "reset")
        if _on_pico():
            board.reset()
        sys.exit(0)
    except Exception as exc:  # a bug: said, then a restart; never the REPL, which anyone
        board.motor.enable(False)  # could reach by making the firmware fail
        port.write("! error type=%s: restarting (motor disabled)" % type(exc).__name__)
        _save_world(sim, "reset")
        if _on_pico():
            board.reset()
        sys.exit(1)
    finally:
        board.motor.enable(False)
        _ctrl_c_back()
    _save_world(sim)


def _mark_repl(who):
    from app.startup import REPL_FLAG  # read and removed there, at the next boot
    with open(REPL_FLAG, "w") as f:
        f.write(who)


def _loop(ctl, board, port):
    clock = board.clock
    full = gc.threshold() if hasattr(gc, "threshold") else -1
    early = full // GC_EARLY if full > 0 else 0  # 0: no count (CPython)
    while True:
        ms = ctl.wait_ms()
        b = port.read_byte(ms)
        now = clock.now_ms()
        if b == -1:
            raise PowerCut()  # no one can reach this board again: power it off
        if b is not None and not ctl.byte(b, now):
            return
        if early and ms == PASS_IDLE_MS:
            _collect_early(early, full)
        ctl.service(now)


def _collect_early(early, full):
    """Collect now if `early` bytes have been allocated since the last collection."""
    gc.threshold(early)
    bytearray(1)  # an allocation: the VM collects first if its count is past `early`
    gc.threshold(full)


def _save_world(sim, cause="power"):
    """The simulated world, for the launcher's next boot (the unix port only: a Pico has
    no sim, and imports nothing here)."""
    if sim is not None:
        from app.startup import save_world
        save_world(sim, cause)
