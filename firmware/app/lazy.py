"""Modules loaded only while they are used, then dropped again: the Pico's heap.

A Pico keeps every loaded module's code in its 228 KiB heap (an .mpy is copied into RAM;
only a module frozen into the firmware image runs from flash). Code that only some
commands need (the prescription commands, login, help text, the error words,
the calibration run, the board config's loader) is therefore imported when a command needs it
and dropped from sys.modules when the command has been answered, so the next collection
frees it. Its interned names stay (MicroPython never frees a qstr); its bytecode, function
objects and tables go. What runs every pass, what a patient's bolus needs and `status`
stay resident (docs/architecture.md, "Memory on the board").

A module may be dropped only if nothing that outlives the command holds its functions or
its classes' instances: a dropped module imported again is a new copy, so a kept object
would hold the old one's code (and its classes would not be the new one's). The device
keeps app.calibration while a calibration run (an app.calibration.Run) exists.

Loading can fail like any allocation: the caller's MemoryError becomes `ERR 82` (the
console answers every line), and the error words fall back to the code and its values
(console/messages.py)."""
import sys

# Imported by commands and dropped after every reply (app/device.py); none of them
# defines a class whose instances outlive the command. Loading one costs the command tens
# of ms on a Pico (a module of a few KB: its file, its names looked up), so what a host
# polls (`status`: console/cmd_read.py and pump/status.py; not pump/forecast.py, its
# reservoir dates, which the heap cannot spare: issue 13) stays
# resident.
AFTER_COMMAND = (
    "console.cmd_access", "console.cmd_rx", "console.cmd_sim", "console.cmd_mem",
    "console.cmd_calibrate", "console.cmd_service", "console.usage",
    "console.message_text", "console.readable", "pump.units", "pump.teardown",
    "pump.forecast", "pump.line_floor", "pump.slow_bolus", "console.cmd_dose",
    "app.log_read", "console.cmd_care", "pump.drug_soft", "app.activity",
    "console.cmd_activity", "console.cmd_info", "console.cmd_review", "pump.review",
    "console.show", "console.iso_parse", "console.cmd_sched", "pump.sched_bolus",
    "pump.rx_check",
    "hal.calibration", "hal.board_config",
)
CALIBRATE = "app.calibration"  # kept while a calibration run is in progress
SIM = "console.cmd_sim"  # kept on the simulated board (app/device.py)


def load(name):
    """The module `name` ("console.cmd_rx"), imported if it is not loaded."""
    mod = sys.modules.get(name)
    if mod is None:
        __import__(name)
        mod = sys.modules[name]
    return mod


def loaded(names):
    """Those of `names` that are loaded now: what drop() must leave alone later. Whatever
    was imported before the console (or the boot) began is someone else's (a test's, or
    a host's that holds its classes), and a copy of it imported again would not be the
    same module."""
    return tuple(n for n in names if n in sys.modules)


def drop(names, keep=()):
    """Forget each loaded module of `names` that is not in `keep`, in sys.modules and
    as its package's attribute, so the next collection frees it once nothing else holds
    it. Allocates nothing when there is nothing to drop (it runs after every reply)."""
    mods = sys.modules
    for name in names:
        if name in mods and name not in keep:
            del mods[name]
            dot = name.rfind(".")
            parent = mods.get(name[:dot]) if dot > 0 else None
            if parent is not None and hasattr(parent, name[dot + 1:]):
                delattr(parent, name[dot + 1:])
