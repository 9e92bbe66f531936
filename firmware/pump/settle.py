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

FIRE = const(0)  # take the trigger if the state table lists it now and its guard passes
LEVEL = const(1)  # raise the alarm while the condition holds; its cause is gone when not
RAISE = const(2)  # raise the alarm when the condition holds; an ack or a refill ends it


def _bolus_given(p):
    return p.sm.state == BOLUSING and not p.bolus_left


def _prime_given(p):
    return p.sm.state == PRIMING and p.prime_steps_left == 0


def _at_or_below_low(p):
    if p.rx is None:
        return None  # no threshold without a prescription: the alarm is left as it is
    return p.reservoir.volume_vu <= p.rx.low_nl * p.rig.step_den


def _dry(p):
    return p.sm.state in DELIVERING and p.reservoir.steps_left() == 0


def _in_alarm(p):
    return p.sm.state == ALARM  # whether it may leave: the guard alarms_clear, in take()


# (condition on the pump, act, trigger or alarm, what a trigger taken notes), looked at in
# this order, each once per settle. A condition answers True, False, or None (cannot tell).
SETTLE = (
    (_bolus_given, FIRE, "bolus_done", "bolus_done"),  # the bolus's dose all earned
    (_prime_given, FIRE, "prime_done", "primed"),  # every priming step issued
    (_at_or_below_low, LEVEL, "low_reservoir", None),  # the prescription's threshold
    (_dry, RAISE, "empty", None),  # delivering, and not one whole step left
    (_in_alarm, FIRE, "clear", "state"),  # to stopped, once no STOP alarm stands
)


class Settle:
    def _settle(self):
        """Bring alarms, state, the driver and the rates in line with the world."""
        sm = self.sm
        for holds, act, name, note in SETTLE:
            met = holds(self)
            if act == FIRE:
                if met:
                    old = sm.state
                    if sm.take(name) == 0:
                        self._noted(note, old)
            elif met:
                self._raise(name)
            elif met is not None and act == LEVEL:
                self.alarms.cause_gone(name)
        self.motor.enable(sm.state in DELIVERING or sm.state == PRIMING)
        self._apply_rates()

    def _noted(self, kind, old):
        # The log keeps the forms it always had: these three notes are in transcripts.
        if kind == "primed":
            self._note(kind, self.primed_vu // self.rig.step_den)
        elif kind == "state":
            self._note(kind, old, self.sm.state)
        else:
            self._note(kind)

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
