"""Plan, verify, move (STYLE.md habit 11): a second look at every batch of steps before
it moves, re-derived from the plan by another road than the one that made the batch.

Hazards first: the step integrator (step_integrator.py) alone turns dose into steps, and its
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
`plan` alarm (STOP). Nothing owed is caught up afterwards, as after a stall. The pump
keeps the counts (spent_u; prime_t0 and prime_steps); these functions only judge.

What it cannot see: a rate both records were given (a wrong prescription, a scheduler
bug); the step guard counts what really moved against the drug table for that. Integers
only; pure: changes nothing, reads no integrator."""
from pump.dose_units import MIN_MS


def batch_ok(owed_u, n, step_u):
    """True if n steps of `step_u` U each are the batch the plan owes: exactly
    floor(owed_u / step_u), `owed_u` being the ledger's ideal dose less what the batches so
    far stand for. With no step dose (no prescription) only an empty batch is."""
    if step_u <= 0:
        return n == 0
    rest = owed_u - n * step_u
    return 0 <= rest < step_u


def prime_due(elapsed_ms, planned, rig):
    """Priming steps due `elapsed_ms` after a prime of `planned` steps began, at the rig's
    prime speed: never more than it planned."""
    due = elapsed_ms * rig.prime_nl_per_min * rig.step_den // (MIN_MS * rig.step_num)
    return due if due < planned else planned
