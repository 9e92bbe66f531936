"""Error codes of the pump logic, and the one exception type that carries them.

Logic raises PumpError(code, *values) with numbers, never text: words for a code are made
only at the edge (console/messages.py). A code, once published, keeps its number, and a
retired one is never given to anything else: 21-24 (occlusion, stall, end stop, plan:
these are alarms, by name, in alarms.py) and 51 (a guard refuses with its own reason)
were reserved and never raised."""
from micropython import const

# Input: what a person typed or a file held.
E_BAD_NUMBER = const(10)  # not a number, or a sign where none is allowed
E_BAD_UNIT = const(11)  # unit missing, unknown, or of the wrong kind
E_PRECISION = const(12)  # would lose precision in the base unit (nL, ng, ms)
E_RANGE = const(13)  # out of the allowed range, or would overflow
# Values of 10-13 raised by pump/units.py: the text as typed, what it should have been
# (units.K_*), and for 13 the bounds in that kind's base unit; else the bare values.
# Read without a guess only if spelt another way: refused with that spelling (issue 16).
E_COMMA = const(17)  # values: text, the same without the comma ("1,000ug" -> "1000ug")
E_PERCENT = const(18)  # values: text, the mg/mL it is as weight per volume
E_VOLUME_RATE = const(19)  # values: text (a volume per time, and no drug to make it a dose)
# The rig's least flow (its catheter-open floor): a pump cannot run slower, so a rate
# under it is refused, never silently raised (pump/prescription.py).
E_BELOW_FLOOR = const(14)  # values: step start min, rate ng/d, floor ng/d, drug, ng/mL,
#                            the most ng/mL at which the rate is possible
E_BASAL_ZERO = const(15)  # values: step start min ("0" is not a rate a pump can run: min)
E_RELEASE_OVER_BOLUS = const(96)  # values: drug, ng/mL, ng a cleared occlusion may release,
# the bolus limit ng, the most ng/mL this rig can hold to it (issue 14, item 4)
E_FLOOR_OVER_LIMIT = const(16)  # values: drug, ng/mL, floor ng in the window, window
#                                 (0: 24 h, 1: an hour), limit ng, the most ng/mL allowed

# Prescription.
E_UNKNOWN_DRUG = const(30)
# Programming in any order (issue 16, item 1): what is still missing, by the commands
# that set it, and a time-of-day schedule on a clock never set.
E_CLOCK_UNSET = const(20)  # values: none (the time command's form is in the words)
E_NOT_PROGRAMMED = const(25)  # values: the missing parts, as commands ("basal,time")
E_LINE_FLUIDS = const(26)  # values: fluids in the line (a refill at another mix waits)
E_BRAND_NAME = const(28)  # values: the name typed, the generic name the table knows
E_CONC_LIMIT = const(31)  # values: drug, concentration_ng_ml, limit
E_DAILY_LIMIT = const(32)  # values: drug, dose_ng, limit_ng, most_ng the window may plan
E_HOURLY_LIMIT = const(33)  # values: drug, dose_ng, limit_ng, most_ng the window may plan
E_BOLUS_LIMIT = const(34)  # values: drug, dose_ng, limit_ng[, most primary-drug ng]
E_BOLUS_COUNT_LIMIT = const(35)  # values: drug, count, limit
E_SCHEDULE = const(36)  # basal steps out of order, duplicated, too many, not from 00:00
E_TOO_MANY_DRUGS = const(37)
E_DUPLICATE_DRUG = const(38)
E_RESERVOIR = const(39)  # threshold or volume inconsistent with capacity
E_LOCKOUT_RANGE = const(29)  # lockout outside what the drug table allows

# Bolus refusals.
E_NO_RX = const(40)
E_SUSPENDED = const(41)
E_CRITICAL = const(42)
E_BOLUS_RUNNING = const(43)
E_LOCKOUT = const(44)  # values: ms left
E_DAILY_MAX = const(45)  # values: boluses in the last 24 h, maximum
E_DOSE_WINDOW = const(46)  # values: window_ms, projected_ng, limit_ng[, drug]
E_NOT_RUNNING = const(47)
E_CLINICIAN_BOLUS_LIMIT = const(48)

# State machine.
E_INVALID_EVENT = const(50)  # values: event, state

# Reservoir, refill, priming.
E_RESERVOIR_EMPTY = const(60)
E_PRIME_LIMIT = const(61)  # values: requested_nl, allowed_nl, one step in nL (rounded up)
E_REFILL_OVER = const(62)  # values: volume_nl, capacity_nl
E_NO_PENDING = const(63)  # confirm without a pending refill


class PumpError(Exception):
    """A refusal or fault with a numeric code; `values` are the numbers behind it."""

    def __init__(self, code, *values):
        super().__init__(code, *values)
        self.code = code
        self.values = values

E_NOT_PRIMED = const(64)  # the line is not full: start would deliver nothing, then a surge
E_CONC_MISMATCH = const(65)  # a new concentration only comes with a confirmed refill
E_TIME = const(66)  # time would run backwards
E_LINE_OTHER_DRUG = const(67)  # values: a drug in the line not in the mix, nL to flush
E_REFILL_WITHDRAWN = const(68)  # values: the volume the pump counts (text, units typed)

# The console: lines, roles, the clinician PIN (words in console/messages.py).
E_UNKNOWN_COMMAND = const(70)  # values: command word
E_USAGE = const(71)  # values: command word (its arguments did not fit its usage)
E_LINE_TOO_LONG = const(72)  # values: length, limit (bytes)
E_NOT_ASCII = const(73)  # values: 1-based position of the first bad byte
E_ROLE = const(74)  # values: command word that needs a clinician login
E_NO_PIN = const(75)  # login before any PIN was provisioned
E_PIN_SET = const(76)  # pin while one is set, without a clinician session
E_BAD_PIN = const(77)  # values: wrong PINs still allowed before a lockout
E_LOGIN_LOCKED = const(78)  # values: s left
E_PIN_FORMAT = const(79)  # a PIN is 4 to 8 digits
E_NO_SIM = const(80)  # sim commands on a real board
E_REFILL_CANCELLED = const(81)  # values: the word of the line that cancelled it
E_INTERNAL = const(82)  # values: exception type; a console bug, never a pump refusal
E_LINE_STALE = const(83)  # values: ms of silence after half a line
E_PIN_LOST = const(84)  # the PIN's records are there and unreadable: no new PIN from the console
E_LINE_UNKNOWN = const(85)  # a programmed state was lost: prime/calibrate wait for decommission
E_ACK_CLOCK = const(86)  # `ack clock`: only a clinician's `time` ends the clock alarm
E_LOW_ALARM_MIN = const(87)  # values: threshold, least threshold (text, in the units typed)
E_BOLUS_OVER = const(89)  # values: ms asked, least ms at the rig's bolus speed, most ms
E_BOARD_HELD = const(88)  # values: what failed at boot (config, driver): no pump, no REPL

# Calibration (console/cmd_calibrate.py; words in console/messages.py).
E_CAL_STATE = const(90)  # values: the pump's state (calibration needs `unprogrammed`)
E_CAL_BUSY = const(91)  # values: steps issued, steps asked (a run is in progress)
E_CAL_NONE = const(92)  # no run to weigh or cancel
E_CAL_SMALL = const(93)  # values: nL, least nL a calibration must move
E_CAL_FACTOR = const(94)  # values: factor in ppm (beyond +-10 %: the rig is wrong)
E_CAL_CONFIG = const(95)  # values: what failed (none, unreadable, changed, write)
E_FIRST_FILL = const(97)  # values: drug, ng/mL asked, the only ng/mL of a first fill

# The review of a programmed pump's changes (console/cmd_review.py, issue 16 item 2).
E_NOTHING_STAGED = const(98)  # `commit` or `discard` with no change staged
E_SOFT_LIMIT = const(99)  # values: drug, kind (pump/review.py K_*), new ng/d, old ng/d, limit

# Scheduled boluses (pump/sched_bolus.py, issue 16 item 7).
E_SCHED_BOLUS_LIMIT = const(100)  # values: start min, drug, ng of it, its clinician bolus row
