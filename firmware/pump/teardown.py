"""Taking therapy apart, on a clinician's confirmed word: a new, empty line (a catheter
change) and a decommission (back to unprogrammed). Functions of the pump, in their own
module because only a rare command needs them: loaded by console/cmd_service.py and
dropped after its reply (app/lazy.py), so they cost a Pico's heap nothing meanwhile.
Each asks the pump's state first and changes nothing when it refuses."""
from pump.errors import PumpError, E_INVALID_EVENT
from pump.states import UNPROGRAMMED, STOPPED, ALARM


def new_line(pump, now_ms):
    """The line is new and empty: nothing in it is counted as on its way to the patient
    any more, and start waits for a prime that fills it. Only while nothing moves: a line
    declared empty while full would be primed into the patient (the console asks for a
    confirmation). Returns the nL the old line was counted to hold."""
    pump.advance(now_ms)
    if pump.sm.state not in (UNPROGRAMMED, STOPPED, ALARM):
        raise PumpError(E_INVALID_EVENT, "line", pump.sm.state)
    was = pump.tubing.filled_vu() // pump.rig.step_den
    pump.tubing.segments = []
    pump.primed_vu = 0
    pump._note("line-new", was)
    pump._settle()
    return was


def decommission(pump, now_ms):
    """Back to unprogrammed, the pump off any patient (to recalibrate the rig, issue 16):
    the prescription, the reservoir's count and the line are forgotten. The dose ledger,
    the bolus history and the delivered totals stay, as the log does: the last 24 h still
    count if the pump is programmed again. Only from stopped (the state table's row)."""
    pump.advance(now_ms)
    old = pump.sm.state
    pump.sm.fire("decommission")
    pump.rx = None
    pump.pending = None
    pump.reservoir.fill(0, 0, None)
    pump.tubing.segments = []
    pump.primed_vu = 0
    pump.idle_from = None
    pump._apply_rates()
    pump._note("decommissioned")
    pump._moved(old)
