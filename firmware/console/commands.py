"""The console's commands as one table: word, who may use it, how many arguments, and
the module and function that handle it (the usage line `help` prints is in usage.py).

Roles are checked here once, from the table, before any handler runs: the patient may
read and ask for a bolus; whatever changes the prescription, the reservoir, the clock or
the state needs a clinician session; `sim` acts on the simulated world, not the pump, and
needs none (a real board has no sim)."""
from micropython import const
from pump.errors import PumpError, E_USAGE

ANYONE = const(0)
CLINICIAN = const(1)
SIM = const(2)

# (word, role, fewest arguments, most arguments, module in console/, handler). cmd_run
# (the button's bolus) and cmd_read (`status`, `alarms`) are resident; any other module
# is imported when its command runs and dropped after the reply (app/lazy.py). Usage
# lines, for `help <command>`: console/usage.py.
COMMANDS = (
    ("help", ANYONE, 0, 1, "cmd_info", "do_help"),
    ("status", ANYONE, 0, 0, "cmd_read", "do_status"),
    ("alarms", ANYONE, 0, 0, "cmd_read", "do_alarms"),
    ("log", ANYONE, 0, 1, "cmd_info", "do_log"),
    ("activity", ANYONE, 0, 2, "cmd_activity", "do_activity"),
    ("rx", ANYONE, 0, 0, "cmd_review", "do_rx"),
    ("mem", ANYONE, 0, 0, "cmd_mem", "do_mem"),
    ("whoami", ANYONE, 0, 0, "cmd_access", "do_whoami"),
    ("session", ANYONE, 0, 0, "cmd_access", "do_whoami"),
    ("echo", ANYONE, 0, 1, "cmd_access", "do_echo"),
    ("bolus", ANYONE, 0, 2, "cmd_run", "do_bolus"),
    ("pin", ANYONE, 1, 1, "cmd_access", "do_pin"),
    ("login", ANYONE, 1, 1, "cmd_access", "do_login"),
    ("logout", ANYONE, 0, 0, "cmd_access", "do_logout"),
    ("time", CLINICIAN, 1, 1, "cmd_rx", "do_time"),
    ("drug", CLINICIAN, 2, 8, "cmd_rx", "do_drug"),
    ("basal", CLINICIAN, 1, 24, "cmd_rx", "do_basal"),
    ("basal+", CLINICIAN, 1, 24, "cmd_rx", "do_basal_add"),
    ("ptm", CLINICIAN, 1, 3, "cmd_rx", "do_ptm"),
    ("bolus-schedule", CLINICIAN, 1, 9, "cmd_sched", "do_bolus_schedule"),
    ("reservoir-alarm", CLINICIAN, 1, 1, "cmd_rx", "do_low"),
    ("capacity", CLINICIAN, 1, 1, "cmd_rx", "do_capacity"),
    ("refill", CLINICIAN, 1, 2, "cmd_rx", "do_refill"),
    ("confirm", CLINICIAN, 0, 0, "cmd_rx", "do_confirm"),
    ("commit", CLINICIAN, 0, 1, "cmd_review", "do_commit"),
    ("discard", CLINICIAN, 0, 0, "cmd_review", "do_discard"),
    ("start", CLINICIAN, 0, 0, "cmd_care", "do_start"),
    ("stop", CLINICIAN, 0, 0, "cmd_care", "do_stop"),
    ("suspend", CLINICIAN, 0, 1, "cmd_care", "do_suspend"),
    ("resume", CLINICIAN, 0, 0, "cmd_care", "do_resume"),
    ("prime", CLINICIAN, 0, 1, "cmd_care", "do_prime"),
    ("ack", CLINICIAN, 1, 1, "cmd_care", "do_ack"),
    ("decommission", CLINICIAN, 0, 1, "cmd_service", "do_decommission"),
    ("line", CLINICIAN, 1, 2, "cmd_service", "do_line"),
    ("repl", ANYONE, 0, 1, "cmd_service", "do_repl"),  # a clinician's; see cmd_service
    ("calibrate", CLINICIAN, 1, 2, "cmd_calibrate", "do_calibrate"),
    ("trial", CLINICIAN, 1, 2, "cmd_dose", "do_trial"),
    ("sim", SIM, 1, 2, "cmd_sim", "do_sim"),
)

ROLE_NAMES = ("anyone", "clinician", "sim")


def find(word):
    for entry in COMMANDS:
        if entry[0] == word:
            return entry
    return None


def usage(word):
    raise PumpError(E_USAGE, word)
