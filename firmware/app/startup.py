"""What boot needs once, before the loop: the board config read and checked, the board
built (the simulated world on the unix port), the store and the controller made, the
`! ready` line said. app/boot.py imports this module for that and drops it again
(app/lazy.py) before the loop starts, so none of this code stays in a Pico's heap.

The driver is disabled first thing, by the board's own constructor, and stays so on
every way out of here that is not a controller ready to run: a refused config, a driver
that does not answer (the board held, or the REPL on a board with no pump state), a REPL
asked for before the reset."""
import sys

CONFIG_FILE = "board.json"
# A clinician's `repl` on a board whose watchdog is armed (it cannot be disarmed on an
# RP2040: the REPL would last 5 s): the firmware marks this file and resets, and the next
# boot, before anything is armed, drops to the REPL. Only the firmware writes it; a
# patient never reaches a REPL to write it.
REPL_FLAG = "repl.next"
STATE_DIR = "pumpstate"
# Needed only to build the board: dropped once it is built (app/lazy.py).
_BOOT_ONLY = ("hal.board_config", "hal.tmc2209", "hal.pio_asm", "hal.pico.parts")


def on_pico():
    return sys.platform == "rp2"


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
    if on_pico():
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


def board(port, heap):
    """(board, sim, rig, name, driver) once the board is built, or None once the
    console has been told why not (the motor disabled). `heap` packs the heap."""
    from app import lazy
    keep = lazy.loaded(_BOOT_ONLY)  # imported before boot: not boot's to drop
    loaded = _config(port)
    if loaded is None:
        return _held(port, "config")
    config, rig = loaded
    name, driver = config.board, config.driver
    try:
        built, sim = _build(config, rig)
    except OSError as err:
        # The driver did not answer (a TMC2209 with no power or no UART wire): the board
        # built its EN pin first and left it inactive; say why, in the user's words.
        port.write("! driver failed: " + driver + ": " + _reason(err) + " (motor disabled)")
        return _held(port, "driver")
    who = _take_repl_flag()
    if who:
        built.motor.enable(False)
        port.write("! repl by=" + who + " (asked before the reset; motor disabled)")
        return None
    # The checked config's objects are the loader's classes: let them go with it.
    config = loaded = None
    lazy.drop(_BOOT_ONLY, keep)
    heap()
    return built, sim, rig, name, driver


def controller(board, rig, port, sim, name, driver, version):
    """The controller over the pump's saved state, once `! ready` has been said."""
    from app.config_file import ConfigFile
    from app.controller import Controller
    ctl = Controller(board, rig, port.write, sim, _store(board, rig), ConfigFile(CONFIG_FILE),
                     getattr(port, "echo", None))
    port.write("! ready firmware=" + version + " board=" + name
               + " driver=" + driver + " step_nl=" + str(rig.step_nl_ceil()))
    if ctl.device.service_until is not None:
        port.write("! service jumper=in s=%d: repl and pin need no login; remove it"
                   % ((ctl.device.service_until - board.clock.now_ms()) // 1000))
    return ctl


def _held(port, why):
    """None (the REPL) for a board whose flash holds no pump state: a fresh deploy whose
    config is wrong, fixed with mpremote. A board that holds one (a PIN, a therapy) never
    gets here by a clinician's choice: a patient who unplugs the motor supply makes the
    driver fail, and the REPL at the end of main.py was anyone's (issue 15). Such a board
    holds: the motor disabled, every line answered why, until it is powered up again
    with the cause fixed. Returns only when the virtual Pico's host has gone."""
    if not _holds_state():
        return None
    from console.messages import text
    from pump.errors import E_BOARD_HELD
    port.write("! held: this flash holds a pump's state, so no REPL (motor disabled)")
    reply = "ERR %d %s" % (E_BOARD_HELD, text(E_BOARD_HELD, (why,)))
    typed = 0
    while True:
        b = port.read_byte(1000)
        if b == -1:
            sys.exit(0)  # no one can reach this board again: power it off
        if b == 10 or b == 13:
            if typed:
                port.write(reply)
            typed = 0
        elif b is not None:
            typed += 1


def _holds_state():
    """True if the pump's state folder has anything in it, or cannot be read."""
    import os
    try:
        return len(os.listdir(STATE_DIR)) > 0
    except OSError as err:
        return not (err.args and err.args[0] == 2)  # ENOENT: never a pump here


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


def save_world(sim, cause="power"):
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
