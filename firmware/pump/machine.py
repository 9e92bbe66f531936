"""A small interpreter for the state table in states.py.

Changes state only through the table, in one place (take): a trigger the table does not
list for the current state, or whose guard refuses, changes nothing. A row's guard is
asked there and only there, once per event: no caller asks it first and again to fire.
The one other way in is restore(), after a reset, and it too takes only a state the
table names. Holds no table of its own and no pump logic."""
from pump.errors import PumpError, E_INVALID_EVENT


class StateMachine:
    def __init__(self, transitions, initial, guards):
        self.state = initial
        self._guards = guards
        self._table = transitions

    def _find(self, trigger):
        # A scan of a few dozen rows: no index to build, nothing allocated per event.
        for t, source, dest, guard in self._table:
            if t == trigger and source == self.state:
                return dest, guard
        return None

    def can(self, trigger):
        """The table lists `trigger` for the current state (its guard is not asked)."""
        return self._find(trigger) is not None

    def listed(self, trigger):
        """Raise E_INVALID_EVENT unless the table lists `trigger` for the current state.
        For a command that must refuse before it changes anything of its own; it asks no
        guard (fire() asks it, once)."""
        if self._find(trigger) is None:
            raise PumpError(E_INVALID_EVENT, trigger, self.state)

    def take(self, trigger, *args):
        """Take `trigger` if the table lists it for the current state and its guard, asked
        here once with `args`, passes. Returns 0 when taken, the guard's refusal (code,
        values...) when refused, None when the state does not list it. Raises nothing, and
        allocates nothing for an unlisted trigger: settling asks every pass."""
        found = self._find(trigger)
        if found is None:
            return None
        dest, guard = found
        if guard is not None:
            verdict = getattr(self._guards, guard)(*args)
            if verdict:
                return verdict
        self.state = dest
        return 0

    def fire(self, trigger, *args):
        """take() for a command: an unlisted trigger raises E_INVALID_EVENT, a refusal its
        own code; the state is unchanged in both cases. Returns the new state."""
        verdict = self.take(trigger, *args)
        if verdict is None:
            raise PumpError(E_INVALID_EVENT, trigger, self.state)
        if verdict:
            raise PumpError(*verdict)
        return self.state

    def restore(self, state):
        """Stand in a state the pump was in before a reset (pump/restart.py chooses it).
        Not a transition, so no guard runs; a state the table does not name raises
        E_INVALID_EVENT and changes nothing."""
        for _, source, dest, _ in self._table:
            if state == source or state == dest:
                self.state = state
                return state
        raise PumpError(E_INVALID_EVENT, "restore", state)
