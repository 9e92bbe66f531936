"""The alarm table and the set of alarms active now.

Each alarm has a priority and an effect on delivery: STOP (the motor stops, the pump goes
to the alarm state), LIMIT (no boluses; a bolus in progress stops; basal goes on, because an
abrupt stop is itself a hazard) or INFORM; the priority is how loud it is, which an
INFORM alarm may need too (a pump that has stopped delivering). A latching alarm stays
until acknowledged even when its cause is gone. Never silences a STOP alarm whose cause is still present."""
from micropython import const
from pump.errors import PumpError, E_RANGE

CRITICAL = const(3)
HIGH = const(2)
LOW = const(1)

STOP = const(2)
LIMIT = const(1)
INFORM = const(0)

# (name, priority, effect, latching)
TABLE = (
    ("occlusion", CRITICAL, STOP, True),
    ("stall", CRITICAL, STOP, True),
    ("end_stop", CRITICAL, STOP, True),
    ("empty", CRITICAL, STOP, True),
    ("guard", CRITICAL, STOP, True),
    ("plan", CRITICAL, STOP, True),  # a batch the plan did not owe was refused (plan.py)
    ("memory", CRITICAL, STOP, True),
    ("battery_eos", CRITICAL, STOP, True),
    # Programmed but not delivering for longer than allowed (settle.py): a reminder that
    # moves nothing. Priorities as IEC 60601-1-8 grades harm and onset (CRITICAL is its
    # high, HIGH its medium: hal/indicators.py): a stopped baclofen or clonidine mix risks
    # a withdrawal that can kill within hours, as a stall or an occlusion would; any other
    # stopped mix, pain and withdrawal that are reversible. Neither is "inform".
    ("withdrawal_risk", CRITICAL, INFORM, False),
    ("clock", HIGH, LIMIT, True),
    ("not_delivering", HIGH, INFORM, False),
    ("dose_limit", HIGH, LIMIT, False),
    ("battery_eri", LOW, INFORM, False),
    ("low_reservoir", LOW, INFORM, False),
    ("restart", LOW, INFORM, True),
)


def row(name):
    for r in TABLE:
        if r[0] == name:
            return r
    raise PumpError(E_RANGE, name)


def _order(name):
    r = row(name)
    return (-r[1], name)


class AlarmSet:
    """Per alarm: [raised_at_ms, cause_present, acknowledged]."""

    def __init__(self):
        self.state = {}
        self._sorted = []  # active(), kept until the set of names changes
        self._sorted_of = self.state  # the dict it was sorted from (restore replaces it)
        self._names = 0  # bumped when a name comes or goes
        self._sorted_at = 0  # _names when it was sorted
        self.changed = False  # since the last save (store/persist.py clears it)

    def raise_(self, name, now_ms):
        row(name)
        entry = self.state.get(name)
        if entry is None or not entry[1]:
            if entry is None:
                self._names += 1
            self.state[name] = [now_ms, True, False]
            self.changed = True
            return True
        return False

    def cause_gone(self, name):
        entry = self.state.get(name)
        if entry is not None:
            if entry[1]:
                entry[1] = False
                self.changed = True
            self._forget_if_done(name)

    def ack(self, name):
        entry = self.state.get(name)
        if entry is None:
            raise PumpError(E_RANGE, name)
        if not entry[2]:
            entry[2] = True
            self.changed = True
        self._forget_if_done(name)

    def _forget_if_done(self, name):
        entry = self.state[name]
        latching = row(name)[3]
        if not entry[1] and (entry[2] or not latching):
            del self.state[name]
            self._names += 1
            self.changed = True

    def active(self):
        """Active alarm names, highest priority first, then by name. The loop asks every
        pass, so the list is sorted only when the names change, and the same list is
        returned until then: read it, never change it."""
        if self._sorted_of is not self.state or self._sorted_at != self._names:
            # Fix: one sort on (priority, name). A sort by name, then by priority, counted
            # on a stable sort, and MicroPython's is not: the board listed them in another
            # order.
            self._sorted = sorted(self.state, key=_order)
            self._sorted_of = self.state
            self._sorted_at = self._names
        return self._sorted

    def is_active(self, name):
        return name in self.state

    def worst_effect(self):
        worst = INFORM
        for name in self.state:
            e = row(name)[2]
            if e > worst:
                worst = e
        return worst

    def first_with(self, effect):
        for name in self.active():
            if row(name)[2] == effect:
                return name
        return None
