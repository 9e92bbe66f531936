"""The usage line of every command, for `help <command>` only: loaded by help and
dropped after its reply (app/lazy.py), so the text never stays in the heap.
One entry per word of console/commands.py's table (tests check both agree)."""

USAGE = {
    "help": "help [command]",
    "status": "status",
    "alarms": "alarms",
    "log": "log [1-64]",
    "activity": "activity [days 1-31] [skip]  (presses, refusals, dose by day; 400 days kept)",
    "rx": "rx  (the prescription in force, and a staged change beside it)",
    "mem": "mem  (heap bytes: free, used, largest block)",
    "whoami": "whoami",
    "session": "session",
    "echo": "echo [on|off]  (show what is typed, for a terminal that does not)",
    "bolus": "bolus | bolus <dose> [over=<duration>] (clinician, e.g. 50ug over=30m)",
    "trial": "trial <dose> [over=<duration>] (clinician, from stopped: the dose, then stop)",
    "pin": "pin <4-8 digits>  (first PIN, or change one)",
    "login": "login <pin>",
    "logout": "logout",
    "time": "time 2026-01-01T08:00:00",
    "drug": "drug <name> <conc> [<name> <conc>]...  (primary first, e.g. 1000ug/mL)",
    "basal": "basal 00:00=600ug/d 08:00=800ug/d ... | basal 700ug/d | basal 0.4mL/d",
    "basal+": "basal+ 08:00=800ug/d ...  (adds or replaces steps; rx lists them all)",
    "ptm": "ptm <dose> lockout=<time> max=<n> | ptm off",
    "bolus-schedule": "bolus-schedule 08:00=100ug 20:00=100ug [over=30m] | bolus-schedule "
                      "off  (at most 8 a day)",
    "reservoir-alarm": "reservoir-alarm <volume>",
    "capacity": "capacity <volume>",
    "refill": "refill <volume> [withdrawn=<volume>]  then confirm",
    "confirm": "confirm",
    "commit": "commit [override]  (a staged change; override: past a soft limit)",
    "discard": "discard  (forget the staged change)",
    "start": "start",
    "stop": "stop",
    "suspend": "suspend [<duration>]  (reminder after it, default 1h; 1m to 7d)",
    "resume": "resume",
    "prime": "prime [<volume>]  (alone: what is left of the line)",
    "line": "line new [confirm]  (a new, empty catheter: prime it again)",
    "ack": "ack <alarm name>",
    "decommission": ("decommission [confirm]  (the line is detached, after a lost state;"
                     " stopped: back to unprogrammed, the log kept)"),
    "repl": "repl [confirm]  (clinician, pump stopped: the MicroPython REPL)",
    "calibrate": ("calibrate run <steps> | calibrate weighed <volume> |"
                  " calibrate cancel  (unprogrammed only; outlet over a balance)"),
    "sim": ("sim advance <duration> | sim fault <name> | sim clear <name> | sim press"
            " | sim power-cut | sim fill <volume> | sim balance [tare]"),
}
