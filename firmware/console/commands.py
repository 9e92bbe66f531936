"""The console's commands as one table: word, who may use it, how many arguments, the
handler, and the usage line `help` prints.

Roles are checked here once, from the table, before any handler runs: the patient may
read and ask for a bolus; whatever changes the prescription, the reservoir, the clock or
the state needs a clinician session; `sim` acts on the simulated world, not the pump, and
needs none (a real board has no sim)."""
from micropython import const
from console import cmd_access, cmd_calibrate, cmd_mem, cmd_read, cmd_run, cmd_rx, cmd_sim
from pump.errors import PumpError, E_USAGE

ANYONE = const(0)
CLINICIAN = const(1)
SIM = const(2)

# (word, role, fewest arguments, most arguments, handler, usage)
COMMANDS = (
    ("help", ANYONE, 0, 1, cmd_read.do_help, "help [command]"),
    ("status", ANYONE, 0, 0, cmd_read.do_status, "status"),
    ("alarms", ANYONE, 0, 0, cmd_read.do_alarms, "alarms"),
    ("log", ANYONE, 0, 1, cmd_read.do_log, "log [1-64]"),
    ("rx", ANYONE, 0, 0, cmd_read.do_rx, "rx  (the prescription and the draft)"),
    ("mem", ANYONE, 0, 0, cmd_mem.do_mem, "mem  (heap bytes: free, used, largest block)"),
    ("whoami", ANYONE, 0, 0, cmd_access.do_whoami, "whoami"),
    ("session", ANYONE, 0, 0, cmd_access.do_whoami, "session"),
    ("bolus", ANYONE, 0, 1, cmd_run.do_bolus, "bolus | bolus <dose> (clinician, e.g. 50ug)"),
    ("pin", ANYONE, 1, 1, cmd_access.do_pin, "pin <4-8 digits>  (first PIN, or change one)"),
    ("login", ANYONE, 1, 1, cmd_access.do_login, "login <pin>"),
    ("logout", ANYONE, 0, 0, cmd_access.do_logout, "logout"),
    ("time", CLINICIAN, 1, 1, cmd_rx.do_time, "time 2026-01-01T08:00:00"),
    ("drug", CLINICIAN, 2, 8, cmd_rx.do_drug,
     "drug <name> <conc> [<name> <conc>]...  (primary first, e.g. 1000ug/mL)"),
    ("basal", CLINICIAN, 1, 24, cmd_rx.do_basal,
     "basal 00:00=600ug/d 08:00=800ug/d ... | basal 700ug/d"),
    ("ptm", CLINICIAN, 1, 3, cmd_rx.do_ptm, "ptm <dose> lockout=<time> max=<n> | ptm off"),
    ("reservoir-alarm", CLINICIAN, 1, 1, cmd_rx.do_low, "reservoir-alarm <volume>"),
    ("capacity", CLINICIAN, 1, 1, cmd_rx.do_capacity, "capacity <volume>"),
    ("refill", CLINICIAN, 1, 1, cmd_rx.do_refill, "refill <volume>  then confirm"),
    ("confirm", CLINICIAN, 0, 0, cmd_rx.do_confirm, "confirm"),
    ("start", CLINICIAN, 0, 0, cmd_run.do_start, "start"),
    ("stop", CLINICIAN, 0, 0, cmd_run.do_stop, "stop"),
    ("suspend", CLINICIAN, 0, 0, cmd_run.do_suspend, "suspend"),
    ("resume", CLINICIAN, 0, 0, cmd_run.do_resume, "resume"),
    ("prime", CLINICIAN, 1, 1, cmd_run.do_prime, "prime <volume>"),
    ("ack", CLINICIAN, 1, 1, cmd_run.do_ack, "ack <alarm name>"),
    ("calibrate", CLINICIAN, 1, 2, cmd_calibrate.do_calibrate,
     "calibrate run <steps> | calibrate weighed <volume> | calibrate cancel"
     "  (unprogrammed only; outlet over a balance)"),
    ("sim", SIM, 1, 2, cmd_sim.do_sim,
     "sim advance <duration> | sim fault <name> | sim clear <name> | sim press"
     " | sim power-cut | sim fill <volume> | sim balance [tare]"),
)

ROLE_NAMES = ("anyone", "clinician", "sim")


def find(word):
    for entry in COMMANDS:
        if entry[0] == word:
            return entry
    return None


def usage(word):
    raise PumpError(E_USAGE, word)
