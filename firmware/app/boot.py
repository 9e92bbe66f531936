"""Boot: the driver disabled first, the board config checked, the board built, then the
control loop until a clinician's `repl` (while nothing may move) or a simulated power cut.
Ctrl-C never ends it, and neither does a bug: an exception is said and the board restarts.

On any exception the driver is disabled, the console told the exception's type, and the
board restarts (the virtual Pico's launcher powers it up again). A refused board config
leaves the motor disabled and says why on the console, then drops to the REPL so the
config can be fixed with mpremote (no config: no therapy to protect)."""
import gc
import sys

from app.controller import Controller, PowerCut, Reboot, WatchdogReset

CONFIG_FILE = "board.json"
# A clinician's `repl` on a board whose watchdog is armed (it cannot be disarmed on an
# RP2040: the REPL would last 5 s): the firmware marks this file and resets, and the next
# boot, before anything is armed, drops to the REPL. Only the firmware writes it; a
# patient never reaches a REPL to write it.
REPL_FLAG = "repl.next"
STATE_DIR = "pumpstate"
VERSION = "0.2.0"
# The heap (docs/architecture.md, "Memory on the board"): a collection each time an
# eighth of the heap has been allocated (~28.5 KiB on a Pico), not only when the heap is
# full, so what lives stays packed at the bottom and a large block stays free above it.
# Garbage then never climbs much further above the live data, so nothing long-lived is
# left scattered up the heap (without it, the largest free block in steady basal was
# ~4-6 KB of ~80 KB free; with it, ~95 KB of ~113 KB). A collection costs ~18 ms of a
# Pico's time whatever the threshold, so the share is a trade: a collection every ~3 s
# of steady basal, where 16 KiB gave a few KB more in one block and one every ~2 s.
GC_SHARE = 8
# Needed only to build the board: dropped once it is built (app/lazy.py).
_BOOT_ONLY = ("hal.board_config", "hal.tmc2209", "hal.pio_asm")


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


def _env(name):
    import os
    return os.getenv(name) if hasattr(os, "getenv") else None


def _world_path():
    return _env("PUMP_WORLD")


def _real_time():
    # PUMP_CLOCK=manual: time moves only with `sim advance`, so two runs of one script
    # give the same replies to the millisecond (the differential tests need that).
    return _env("PUMP_CLOCK") != "manual"


def _sliced():
    # PUMP_SIM_WALK=slice: `sim advance` passes at every minute mark, as before jumps
    # (app/sim_hooks.py); tests/host/test_jump_differential.py compares the walks.
    return _env("PUMP_SIM_WALK") == "slice"


def _build(config, rig):
    if _on_pico():
        from hal.pico.board import PicoBoard
        return PicoBoard(config), None
    from hal.sim.board import SimBoard
    from app.sim_hooks import SimHooks
    board = SimBoard(config, rig, ".", real_time=_real_time())
    path = _world_path()
    if path:
        from app import world_file
        why = world_file.load(board.world, path)
        if why is not None and why != "no world file":
            print("! world " + why)
        board.cause = _sim_cause()
    jumper = _env("PUMP_SERVICE_JUMPER")  # the launcher's hand on the rig: in, or out
    if jumper is not None:
        board.world.service_jumper = jumper == "1"
    return board, SimHooks(board, sliced=_sliced())


def _store(board, rig):
    """The pump's state on flash, in its own folder (made on first boot)."""
    import os
    from store.flash import DirFlash
    from store.persist import Persist, lease_chunk
    folder = board.flash_dir.rstrip("/") + "/" + STATE_DIR
    try:
        os.mkdir(folder)
    except OSError:
        pass  # there already; if it cannot be made, every save fails and says `memory`
    return Persist(DirFlash(folder), chunk=lease_chunk(rig.step_nl_ceil()))


def _heap():
    """Collect now, and from now on whenever 1/GC_SHARE of the heap has been allocated
    (MicroPython; CPython has no such heap). A share, not a size: the virtual Pico's
    512 KiB heap then collects half as often as a Pico, per byte of garbage."""
    if hasattr(gc, "threshold"):
        gc.collect()
        gc.threshold((gc.mem_free() + gc.mem_alloc()) // GC_SHARE)


def _config(port):
    """(config, rig) from board.json, or None once the console has been told why (the
    motor is still disabled). The loader and its tables are dropped again by run()."""
    from hal import board_config
    try:
        with open(CONFIG_FILE) as f:
            text = f.read()
        config = board_config.load(text)
        return config, board_config.rig(config)
    except OSError:
        port.write("! config missing: " + CONFIG_FILE + " (motor disabled)")
    except board_config.ConfigError as err:
        port.write("! config refused: " + err.field + ": " + err.reason + " (motor disabled)")
    return None


def run(port=None):
    _heap()
    from app import lazy
    keep = lazy.loaded(_BOOT_ONLY)  # imported before boot: not boot's to drop
    if port is None:
        from app.port import StdioPort
        port = StdioPort()
    loaded = _config(port)
    if loaded is None:
        return
    config, rig = loaded
    name, driver = config.board, config.driver
    try:
        board, sim = _build(config, rig)
    except OSError as err:
        # The driver did not answer (a TMC2209 with no power or no UART wire): the board
        # built its EN pin first and left it inactive; say why, in the user's words.
        port.write("! driver failed: " + driver + ": " + _reason(err) + " (motor disabled)")
        return
    who = _take_repl_flag()
    if who:
        board.motor.enable(False)
        port.write("! repl by=" + who + " (asked before the reset; motor disabled)")
        return
    # The checked config's objects are the loader's classes: let them go with it.
    config = loaded = None
    lazy.drop(_BOOT_ONLY, keep)
    _heap()
    try:
        from app.config_file import ConfigFile
        ctl = Controller(board, rig, port.write, sim, _store(board, rig),
                         ConfigFile(CONFIG_FILE))
        _heap()  # what the device loaded to restore the pump is garbage now
        port.write("! ready firmware=" + VERSION + " board=" + name
                   + " driver=" + driver + " step_nl=" + str(rig.step_nl_ceil()))
        if ctl.device.service_until is not None:
            port.write("! service jumper=in s=%d: repl and pin need no login; remove it"
                       % ((ctl.device.service_until - board.clock.now_ms()) // 1000))
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


def _take_repl_flag():
    """Who asked for the REPL before the reset, or None; the flag is gone either way."""
    import os
    try:
        with open(REPL_FLAG) as f:
            who = f.read(16)
    except OSError:
        return None
    try:
        os.remove(REPL_FLAG)
    except OSError:
        return None  # a flag that cannot be removed would hold the board at the REPL
    return who if who in ("clinician", "service", "fresh") else "clinician"


def _mark_repl(who):
    with open(REPL_FLAG, "w") as f:
        f.write(who)


def _reason(err):
    reason = getattr(err, "reason", None)
    return reason if reason is not None else str(err)


def _loop(ctl, board, port):
    clock = board.clock
    while True:
        b = port.read_byte(ctl.wait_ms())
        now = clock.now_ms()
        if b == -1:
            raise PowerCut()  # no one can reach this board again: power it off
        if b is not None and not ctl.byte(b, now):
            return
        ctl.service(now)


def _save_world(sim, cause="power"):
    path = _world_path()
    if sim is not None and path:
        from app import world_file
        world_file.save(sim.world, path)
        with open(path + ".cause", "w") as f:
            f.write(cause)  # what a Pico's machine.reset_cause() would say at the next boot


def _sim_cause():
    path = _world_path()
    if not path:
        return "power"
    try:
        with open(path + ".cause") as f:
            cause = f.read().strip()
    except OSError:
        return "power"
    return cause if cause in ("power", "watchdog", "reset") else "power"
