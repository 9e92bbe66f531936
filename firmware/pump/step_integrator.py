"""The step integrator: turns a dose rate into whole motor steps, exactly.

Everything is an integer in one dose unit U (dose_units.py: 1 ng = 8.64e13 * step_den U),
so a rate in ng/day, a catheter-open flow in nL/day and a bolus speed in nL/min all add
without rounding.
Steps due are floor(ideal dose / dose of one step): the motor is never ahead of the ideal
and never more than one step behind it. Never moves the motor itself."""
from pump.dose_units import ceil_div


class StepIntegrator:
    """`acc` is dose owed but not yet a whole step; `den` the dose of one step (U)."""

    def __init__(self):
        self.acc = 0
        self.den = 0
        self.rate = 0  # U per ms

    def set_step_dose(self, den):
        # The owed dose carries over unchanged: it is dose, not steps, so a change of
        # concentration neither loses nor invents drug.
        self.den = den

    def peek(self, dt, extra=0):
        """Steps that would be due after dt ms (plus `extra` U added at once)."""
        if self.den == 0:
            return 0
        return (self.acc + self.rate * dt + extra) // self.den

    def run(self, dt, extra=0):
        """Advance dt ms; return the whole steps now due and keep the remainder."""
        # Each big-integer operation is garbage a Pico collects, every pass: no `+ 0`,
        # and the remainder as one `%` (the same floor, as den > 0).
        total = self.acc + self.rate * dt
        if extra:
            total += extra
        if self.den == 0:
            self.acc = total
            return 0
        self.acc = total % self.den
        return total // self.den

    def ms_until(self, steps):
        """Least dt after which `steps` steps are due, or None if the rate is zero."""
        if self.rate <= 0 or self.den == 0:
            return None
        need = steps * self.den - self.acc
        if need <= 0:
            return 0
        return ceil_div(need, self.rate)
