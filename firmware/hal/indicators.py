"""Buzzer and LED patterns per alarm priority, as pure functions of time. Never touches a
pin: the board writes `buzzer` and `led` to its pins after each `at()`.

Hazards first:
- A pattern starts over when the priority changes, so a new alarm sounds at once rather
  than up to a period later, and a louder alarm is never hidden in a quiet one's pause.
- A priority the table does not know is shown as CRITICAL: an indicator that fails,
  fails loud.

Patterns, flavoured by IEC 60601-1-8 (pulse lengths and spacings inside its ranges; one
buzzer tone and one LED, so colour and pitch are not modelled):
  CRITICAL (IEC high):   buzzer 3 + 2 pulses, a pause, 3 + 2 again, every 6 s;
                         LED flashing 2 Hz (IEC high: 1.4..2.8 Hz, red)
  HIGH (IEC medium):     buzzer 3 pulses every 8 s; LED flashing 0.5 Hz (IEC 0.4..0.8 Hz)
  LOW (IEC low):         buzzer 1 pulse every 20 s; LED steady on (IEC: constant)
  none:                  buzzer silent; LED a 60 ms blink every 3 s (alive, no alarm)
"""
from micropython import const

NONE = const(0)
LOW = const(1)  # = pump.alarms.LOW
HIGH = const(2)
CRITICAL = const(3)

# (period_ms, edges): on at edges[0], off at edges[1], on at edges[2], ...; times within
# the period, increasing. A pattern with an odd number of edges stays on to the period end.
BUZZER = (
    (1, ()),  # none: silent
    (20_000, (0, 250)),  # low: one 250 ms pulse
    (8_000, (0, 200, 400, 600, 800, 1000)),  # high: 3 pulses of 200 ms, 200 ms apart
    (6_000, (0, 100, 200, 300, 400, 500, 800, 900, 1_000, 1_100,  # critical: 3 + 2,
             2_000, 2_100, 2_200, 2_300, 2_400, 2_500, 2_800, 2_900, 3_000, 3_100)),  # twice
)
LED = (
    (3_000, (0, 60)),  # none: alive blink
    (1, (0,)),  # low: steady on
    (2_000, (0, 1_000)),  # high: 0.5 Hz, half on
    (500, (0, 250)),  # critical: 2 Hz, half on
)


def level(pattern, t_ms):
    """On (True) or off at t_ms after the pattern began."""
    period, edges = pattern
    t = t_ms % period
    on = False
    for edge in edges:
        if t < edge:
            break
        on = not on
    return on


class Patterns:
    """The patterns for the loudest active alarm; `at()` sets `buzzer` and `led`."""

    def __init__(self):
        self._priority = -1
        self._since = 0
        self.buzzer = False
        self.led = False

    def at(self, priority, now_ms):
        if type(priority) is not int or priority < NONE or priority > CRITICAL:
            priority = CRITICAL
        if priority != self._priority:
            self._priority = priority
            self._since = now_ms
        t = now_ms - self._since
        if t < 0:  # a clock that went back: restart rather than index backwards
            self._since = now_ms
            t = 0
        self.buzzer = level(BUZZER[priority], t)
        self.led = level(LED[priority], t)
