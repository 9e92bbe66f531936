"""The pump's state machine, declared once as data.

The firmware runs this table through machine.py; the host builds a `transitions` Machine
from the same table to draw docs/state_diagram.md and to serve as the reference model in
tests. A trigger not listed for the current state is an error, never silently ignored.
Guards are names of pure methods on the pump that return 0 or (code, values...)."""

UNPROGRAMMED = "unprogrammed"
STOPPED = "stopped"
RUNNING = "running"
BOLUSING = "bolusing"
SUSPENDED = "suspended"
PRIMING = "priming"
REFILLING = "refilling"
ALARM = "alarm"

STATES = (UNPROGRAMMED, STOPPED, RUNNING, BOLUSING, SUSPENDED, PRIMING, REFILLING, ALARM)
INITIAL = UNPROGRAMMED

# Delivery of basal happens in these; the driver is enabled only here and in PRIMING.
DELIVERING = (RUNNING, BOLUSING)

# (trigger, source, dest, guard or None)
TRANSITIONS = (
    ("program", UNPROGRAMMED, STOPPED, None),
    ("program", STOPPED, STOPPED, None),
    ("program", RUNNING, RUNNING, None),
    ("program", BOLUSING, BOLUSING, None),
    ("program", SUSPENDED, SUSPENDED, None),
    # An unprogrammed pump can be filled once its drug is known (issue 16, item 1: the
    # implant order fills before it programs the dose): staged and confirmed as any
    # refill, and still unprogrammed after it; nothing can move until `program`.
    ("refill", UNPROGRAMMED, UNPROGRAMMED, None),
    ("confirm", UNPROGRAMMED, UNPROGRAMMED, None),
    ("cancel", UNPROGRAMMED, UNPROGRAMMED, None),
    ("refill", STOPPED, REFILLING, None),
    ("confirm", REFILLING, STOPPED, None),
    ("cancel", REFILLING, STOPPED, None),
    ("prime", STOPPED, PRIMING, "prime_allowed"),
    ("prime_done", PRIMING, STOPPED, None),
    ("start", STOPPED, RUNNING, "start_allowed"),
    ("stop", RUNNING, STOPPED, None),
    ("stop", BOLUSING, STOPPED, None),
    ("stop", SUSPENDED, STOPPED, None),
    ("stop", PRIMING, STOPPED, None),
    ("suspend", RUNNING, SUSPENDED, None),
    ("suspend", BOLUSING, SUSPENDED, None),
    ("resume", SUSPENDED, RUNNING, "start_allowed"),
    ("bolus", RUNNING, BOLUSING, "bolus_allowed"),
    ("bolus_done", BOLUSING, RUNNING, None),
    ("bolus_cut", BOLUSING, RUNNING, None),
    ("fault", STOPPED, ALARM, None),
    ("fault", RUNNING, ALARM, None),
    ("fault", BOLUSING, ALARM, None),
    ("fault", SUSPENDED, ALARM, None),
    ("fault", PRIMING, ALARM, None),
    ("fault", REFILLING, ALARM, None),
    ("clear", ALARM, STOPPED, "alarms_clear"),
    ("decommission", STOPPED, UNPROGRAMMED, None),
    ("decommission", UNPROGRAMMED, UNPROGRAMMED, None),  # filled, never programmed
)
