"""Settling: after every change, the pump's alarms and state brought in line with the
world, in one pass over a small table (SETTLE), then the driver and the rates.

Hazards first: a STOP alarm stops the motor in the pass that raised it, and the pump
leaves the alarm state only when no STOP alarm stands (the state table's guard
alarms_clear decides, asked once, where `clear` fires). Nothing here recurses: raising an
alarm applies its effect at once (alarms.py: STOP, LIMIT, INFORM) and returns, the rows
after it see the result, and whoever raised an alarm settles once, after. Never moves the
motor; enables it only where the pump delivers or primes.

Functions of the pump (`p`), bound as Pump._settle and Pump._raise: a mixin class would
cost the heap a class object, and the delivery core runs in 64 KiB (docs/architecture.md)."""
from micropython import const
from pump.alarms import STOP, LIMIT, row as alarm_row
from pump.drugs import stop_is_hazard
from pump.dose_units import DAY_MS, MIN_MS
from pump.states import BOLUSING, PRIMING, ALARM, DELIVERING

# A programmed pump not delivering (stopped, suspended, priming, refilling, in alarm) is
# allowed this long before its reminder sounds: time for a refill visit (stop, refill,
# prime, start) or a short procedure, and far inside the hours baclofen withdrawal takes
# to set in. `suspend <duration>` sets another allowance, from a minute to a week (a
# longer pause is confirmed again); a reset allows none (restart.py).
IDLE_REMIND_MS = const(3600000)
SUSPEND_MIN_MS = MIN_MS
SUSPEND_MAX_MS = 7 * DAY_MS

_FIRE = const(0)  # take the trigger if the state table lists it now and its guard passes
_LEVEL = const(1)  # raise the alarm while nothing is left; its cause is gone when some is
_RAISE = const(2)  # raise the alarm once nothing is left; an ack or a refill ends it
# What must be used up (left()); small ints, not names: no heap for new strings.
_NOTHING = const(0)  # nothing to wait for
_BOLUS = const(1)  # U of the bolus not yet earned
_PRIME = const(2)  # priming steps not yet issued
_STEPS = const(3)  # whole steps the reservoir can still give
_OVER_LOW = const(4)  # volume above the prescription's low-reservoir level
_IDLE_HAZARD = const(5)  # ms left of the allowance not delivering, a stop-hazard mix
_IDLE_OTHER = const(6)  # the same, any other mix

# Looked at in this order, each once per settle: in one of `states` (None: any), once
# nothing is left of `what` (left()), `act` on the trigger or alarm `name`; a trigger
# taken leaves the note `note`. (states, what, act, name, note)
SETTLE = (
    ((BOLUSING,), _BOLUS, _FIRE, "bolus_done", "bolus_done"),  # the dose all earned
    ((PRIMING,), _PRIME, _FIRE, "prime_done", "primed"),  # every priming step issued
    (None, _OVER_LOW, _LEVEL, "low_reservoir", None),  # down to the prescription's level
    (DELIVERING, _STEPS, _RAISE, "empty", None),  # not one whole step left to give
    (None, _IDLE_HAZARD, _LEVEL, "withdrawal_risk", None),  # programmed, not delivering
    (None, _IDLE_OTHER, _LEVEL, "not_delivering", None),
    ((ALARM,), _NOTHING, _FIRE, "clear", "state"),  # alarms_clear: no STOP alarm left
)


def settle(p):
    """Bring alarms, state, the driver and the rates in line with the world."""
    sm = p.sm
    _track_idle(p)
    for states, what, act, name, note in SETTLE:
        if states is not None and sm.state not in states:
            continue
        more = left(p, what)
        if more is None:
            continue  # cannot tell (no prescription): left as it is
        if more > 0:
            if act == _LEVEL:
                p.alarms.cause_gone(name)
        elif act != _FIRE:
            raise_alarm(p, name)
        else:
            old = sm.state
            if sm.take(name) == 0:
                # The notes keep the forms they always had: they are in transcripts.
                if note == "state":
                    p._note(note, old, sm.state)
                elif note == "primed":
                    p._note(note, p.primed_vu // p.rig.step_den)
                else:
                    p._note(note)
                    if p.trial and sm.take("stop") == 0:  # a trial dose, given: it stops
                        p.trial = False
                        p._note("state", old, sm.state)
    _track_idle(p)  # a row may have stopped it (empty): counted from now, not the next pass
    p.motor.enable(sm.state in DELIVERING or sm.state == PRIMING)
    p._apply_rates()


def is_level(name):
    """True for an alarm that goes only with its cause (an acknowledgement keeps it)."""
    for row in SETTLE:
        if row[2] == _LEVEL and row[3] == name:
            return True
    return False


def _track_idle(p):
    """Since when a programmed pump has not been delivering; its allowance back to the
    default whenever it delivers (or holds no prescription)."""
    if p.rx is None or p.sm.state in DELIVERING:
        p.idle_from = None
        p.idle_allow_ms = IDLE_REMIND_MS
    elif p.idle_from is None:
        p.idle_from = p.t


def idle_due(p):
    """When the not-delivering reminder falls due (ms), or None while delivering."""
    return None if p.idle_from is None else p.idle_from + p.idle_allow_ms


def left(p, what):
    """How much of `what` is left (0 or less: used up), or None if it cannot be told."""
    if what == _BOLUS:
        return p.bolus_left
    if what == _PRIME:
        return p.prime_steps_left
    if what == _STEPS:
        return p.reservoir.steps_left()
    if what == _OVER_LOW:
        if p.rx is None:
            return None  # no threshold without a prescription
        return p.reservoir.volume_vu - p.rx.low_nl * p.rig.step_den
    if what == _IDLE_HAZARD or what == _IDLE_OTHER:
        if p.rx is None:
            return None  # nothing programmed, nothing to remind of
        due = idle_due(p)
        if due is None or (what == _IDLE_HAZARD) != stop_is_hazard(p.rx.drugs):
            return 1  # delivering, or the other row's mix: its cause is gone
        return due - p.t
    return 0


def raise_alarm(p, name):
    """Raise alarm `name` now and apply its effect at once: STOP ends a bolus and takes the
    pump to `alarm` from any state that lists `fault`; LIMIT cuts a bolus in progress
    (basal goes on); INFORM only informs. True if it was not active already. Does not
    settle: the caller settles once, after."""
    if not p.alarms.raise_(name, p.t):
        return False
    p._note("alarm", name)
    effect = alarm_row(name)[2]
    if effect == STOP:
        p._end_bolus()
        old = p.sm.state
        if p.sm.take("fault") == 0:
            p._note("state", old, p.sm.state)
    elif effect == LIMIT and p.sm.state == BOLUSING:
        p._end_bolus()
        p.sm.take("bolus_cut")
    return True
