"""A small interpreter for the state table in states.py.

Changes state only through the table: an unknown trigger for the current state raises
PumpError(E_INVALID_EVENT), a failing guard raises its own code, and in both cases the
state is unchanged. The one other way in is restore(), after a reset, and it too takes
only a state the table names. Holds no table of its own and no pump logic."""
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
        return self._find(trigger) is not None

    def check(self, trigger, *args):
        """Raise what fire() would raise, change nothing; return the destination."""
        found = self._find(trigger)
        if found is None:
            raise PumpError(E_INVALID_EVENT, trigger, self.state)
        dest, guard = found
        if guard is not None:
            verdict = getattr(self._guards, guard)(*args)
            if verdict:
                raise PumpError(*verdict)
        return dest

    def fire(self, trigger, *args):
        self.state = self.check(trigger, *args)
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
