"""Settling: after every change, the pump's alarms and state brought in line with the
world, in one pass over a small table (SETTLE), then the driver and the rates.

Hazards first: a STOP alarm stops the motor in the pass that raised it, and the pump
leaves the alarm state only when no STOP alarm stands (the state table's guard
alarms_clear decides, asked once, where `clear` fires). Nothing here recurses: raising an
alarm applies its effect at once (alarms.py: STOP, LIMIT, INFORM) and returns, the rows
after it see the result, and whoever raised an alarm settles once, after. Never moves the
motor; enables it only where the pump delivers or primes. Mixed into Pump."""
from micropython import const
from pump.alarms import STOP, LIMIT, row as alarm_row
from pump.states import BOLUSING, PRIMING, ALARM, DELIVERING

_FIRE = const(0)  # take the trigger if the state table lists it now and its guard passes
_LEVEL = const(1)  # raise the alarm while nothing is left; its cause is gone when some is
_RAISE = const(2)  # raise the alarm once nothing is left; an ack or a refill ends it
# What must be used up (Settle._left); small ints, not names: no heap for new strings.
_NOTHING = const(0)  # nothing to wait for
_BOLUS = const(1)  # U of the bolus not yet earned
_PRIME = const(2)  # priming steps not yet issued
_STEPS = const(3)  # whole steps the reservoir can still give
_OVER_LOW = const(4)  # volume above the prescription's low-reservoir level

# Looked at in this order, each once per settle: in one of `states` (None: any), once
# nothing is left of `what`, `act` on the trigger or alarm `name`; a trigger taken leaves
# the note `note`. (states, what, act, name, note)
SETTLE = (
    ((BOLUSING,), _BOLUS, _FIRE, "bolus_done", "bolus_done"),  # the dose all earned
    ((PRIMING,), _PRIME, _FIRE, "prime_done", "primed"),  # every priming step issued
    (None, _OVER_LOW, _LEVEL, "low_reservoir", None),  # down to the prescription's level
    (DELIVERING, _STEPS, _RAISE, "empty", None),  # not one whole step left to give
    ((ALARM,), _NOTHING, _FIRE, "clear", "state"),  # alarms_clear: no STOP alarm left
)


class Settle:
    def _settle(self):
        """Bring alarms, state, the driver and the rates in line with the world."""
        sm = self.sm
        for states, what, act, name, note in SETTLE:
            if states is not None and sm.state not in states:
                continue
            left = self._left(what)
            if left is None:
                continue  # cannot tell (no prescription): left as it is
            if left > 0:
                if act == _LEVEL:
                    self.alarms.cause_gone(name)
            elif act != _FIRE:
                self._raise(name)
            else:
                old = sm.state
                if sm.take(name) == 0:
                    # The notes keep the forms they always had: they are in transcripts.
                    if note == "state":
                        self._note(note, old, sm.state)
                    elif note == "primed":
                        self._note(note, self.primed_vu // self.rig.step_den)
                    else:
                        self._note(note)
        self.motor.enable(sm.state in DELIVERING or sm.state == PRIMING)
        self._apply_rates()

    def _left(self, what):
        """How much of `what` is left (0 or less: used up), or None if it cannot be told."""
        if what == _BOLUS:
            return self.bolus_left
        if what == _PRIME:
            return self.prime_steps_left
        if what == _STEPS:
            return self.reservoir.steps_left()
        if what == _OVER_LOW:
            if self.rx is None:
                return None  # no threshold without a prescription
            return self.reservoir.volume_vu - self.rx.low_nl * self.rig.step_den
        return 0

    def _raise(self, name):
        """Raise alarm `name` now and apply its effect at once: STOP ends a bolus and
        takes the pump to `alarm` from any state that lists `fault`; LIMIT cuts a bolus in
        progress (basal goes on); INFORM only informs. True if it was not active already.
        Does not settle: the caller settles once, after."""
        if not self.alarms.raise_(name, self.t):
            return False
        self._note("alarm", name)
        effect = alarm_row(name)[2]
        if effect == STOP:
            self._end_bolus()
            old = self.sm.state
            if self.sm.take("fault") == 0:
                self._note("state", old, self.sm.state)
        elif effect == LIMIT and self.sm.state == BOLUSING:
            self._end_bolus()
            self.sm.take("bolus_cut")
        return True
