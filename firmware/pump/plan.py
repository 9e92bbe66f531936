"""Plan, verify, move (STYLE.md habit 11): a second look at every batch of steps before
it moves, re-derived from the plan by another road than the one that made the batch.

Hazards first: the step integrator (flow.py) alone turns dose into steps, and its
remainder, rate and step dose are the last numbers between a prescription and the motor.
A wrong one (a corrupted remainder, a rate set behind the ledger's back, a bug in run())
would move steps nobody planned, and the step guard (safety/) would see it only once a
rolling hour or day went over the drug table. So before each batch:
- delivery: the dose ledger (ledger.py) keeps the ideal dose as its own record, a piece
  at every rate change. The dose it says was earned, less the dose the batches so far
  stand for (each batch's steps at the step dose it was planned with), is what is owed;
  the batch must be floor(owed / step dose): never ahead of the plan, never a whole step
  behind it, which is the integrator's invariant found again from the ledger;
- priming: from the prime's start, its planned steps and the rig's prime speed alone,
  the steps due by now are min(planned, elapsed x speed / step volume); the steps primed
  so far plus the batch must be exactly that.
A batch that fails is refused whole (Pump._run): no step moves and the pump raises the
`plan` alarm (STOP). Nothing owed is caught up afterwards, as after a stall.

What it cannot see: a rate both records were given (a wrong prescription, a scheduler
bug); the step guard counts what really moved against the drug table for that. Integers
only; never moves the motor, never changes the integrator or the ledger."""
from pump.dose_units import MIN_MS


class Plan:
    def __init__(self):
        self.spent_u = 0  # ledger dose accounted for: batches so far + the remainder at rebase
        self.prime_t0 = 0  # when the prime in progress began (ms)
        self.prime_steps = 0  # the whole steps it planned

    def rebase(self, ideal_u, acc_u):
        """Account from here on: the ledger's ideal dose now is the integrator's remainder
        `acc_u` plus what is spent. At build time, after a restore and after a refusal."""
        self.spent_u = ideal_u - acc_u

    def batch_ok(self, ideal_u, n, step_u):
        """True, and `n` counted as spent, if n steps of `step_u` U are the batch the ledger's
        ideal dose `ideal_u` owes now: exactly floor(owed / step_u)."""
        if step_u <= 0:
            return n == 0  # no step dose (no prescription): nothing can be owed in steps
        rest = ideal_u - self.spent_u - n * step_u
        if 0 <= rest < step_u:
            self.spent_u += n * step_u
            return True
        return False

    def start_prime(self, now_ms, steps):
        self.prime_t0 = now_ms
        self.prime_steps = steps

    def prime_ok(self, now_ms, n, left, rig):
        """True if `n` more steps, with `left` of the prime's still to go, make the steps
        the prime speed has earned by now_ms, and no more than it planned."""
        due = ((now_ms - self.prime_t0) * rig.prime_nl_per_min * rig.step_den
               // (MIN_MS * rig.step_num))
        due = due if due < self.prime_steps else self.prime_steps
        return n >= 0 and self.prime_steps - left + n == due
