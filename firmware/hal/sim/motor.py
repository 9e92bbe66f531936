"""A simulated stepper: counts the steps it is told to issue and can be made to stall.

Models the one fact the logic depends on: a stalled or blocked motor issues fewer steps
than asked, and says why. Refuses to step while disabled, as a real driver with EN high
would (issue 4 adds the plunger, pressure and end stops)."""


class SimMotor:
    def __init__(self):
        self.enabled = False
        self.total = 0
        self.moves = 0
        self.back = 0  # steps retracted
        self.stall_after = None  # steps still allowed before a stall, or None
        self._fault = None

    def enable(self, on):
        self.enabled = bool(on)

    def move(self, n):
        if not self.enabled:
            self._fault = "stall"
            return 0
        if self.stall_after is not None and n > self.stall_after:
            n = self.stall_after
            self.stall_after = 0
            self._fault = "stall"
        elif self.stall_after is not None:
            self.stall_after -= n
        self.total += n
        self.moves += 1
        return n

    def retract(self, n):
        """n steps back; `back` counts them (the bare counter has no plunger or line)."""
        if not self.enabled:
            self._fault = "stall"
            return 0
        self.back += n
        self.moves += 1
        return n

    def fault(self):
        f = self._fault
        self._fault = None
        return f
