"""Service commands, each in two steps so none is one mistyped line, each logged.

`repl [confirm]`: the MicroPython REPL, for a deploy or a bench session. Ctrl-C never
drops to it (a patient can stop a pump by unplugging it, and at the REPL anyone can delete
the state and the PIN, or drive the STEP pin with no guard): only a clinician, with the
pump stopped and nothing moving, or a board that was never given a PIN nor a
prescription (a fresh board: nothing to protect, and a deploy must reach its REPL), or a
board whose service jumper was held through power-up (app/device.py service_boot: a
physical act a patient with the cable, the plug and the button cannot make).

`decommission [confirm]`: a clinician declares that the pump's line is detached from
any patient. After a boot that lost a programmed state (the lease or the log shows one,
and the snapshot is gone) `prime` and `calibrate` are refused until then: either would
push fluid out of a line that may still be in a patient (issue 15). On a programmed,
stopped pump it also clears the prescription, back to unprogrammed, so the rig can be
calibrated again; the log, the dose history and the PIN stay (issue 16). Two steps, so
it is never one mistyped line, and logged."""
from pump.errors import PumpError, E_ROLE, E_USAGE, E_INVALID_EVENT
from pump.states import UNPROGRAMMED, STOPPED


def do_repl(dev, out, args, now):
    pump = dev.pump
    fresh = (not dev.auth.has_pin() and not getattr(dev.auth.store, "lost", False)
             and pump.sm.state == UNPROGRAMMED and not dev.line_unknown)
    service = dev.in_service(now)  # the service jumper held at boot: a physical act
    if not fresh and not service and not dev.auth.clinician(now):
        raise PumpError(E_ROLE, "repl")
    if not dev.interruptible():
        raise PumpError(E_INVALID_EVENT, "repl", pump.sm.state)
    if dev.auth.clinician(now):
        dev.auth.touch(now)
    if not args:
        out.append("the pump stays stopped at the REPL until a reset: repl confirm")
        return "confirm=required"
    if args[0].lower() != "confirm":
        raise PumpError(E_USAGE, "repl")
    dev.repl = ("clinician" if dev.auth.clinician(now) else "service" if service
                else "fresh")
    dev.record("repl by=%s" % dev.repl)
    return "repl=1"


def do_decommission(dev, out, args, now):
    pump = dev.pump
    # A pump filled before it was programmed holds drug too: the same act empties it.
    programmed = pump.sm.state != UNPROGRAMMED or pump.reservoir.concs is not None
    if not args:
        if dev.line_unknown:
            out.append("declare that no patient is attached to the line: decommission confirm")
            return "line_unknown=1 confirm=required"
        if programmed:
            out.append("the pump is off the patient; the prescription is cleared, the log "
                       "kept: decommission confirm")
            return "line_unknown=0 programmed=1 confirm=required"
        return "line_unknown=0"
    if args[0].lower() != "confirm":
        raise PumpError(E_USAGE, "decommission")
    was = dev.line_unknown
    if was or not programmed:
        # After a lost state, the declaration alone: the prescription programmed since
        # stays (a second `decommission confirm` clears it, as below).
        dev.line_unknown = False  # a clinician's word: the line is detached
        dev.changed = True
        dev.record("decommission line=detached")
    else:
        if pump.sm.state not in (STOPPED, UNPROGRAMMED):
            raise PumpError(E_INVALID_EVENT, "decommission", pump.sm.state)  # stop first
        from pump.teardown import decommission
        decommission(pump, now)  # logged by its note
        from app.draft import Draft
        dev.draft = Draft(dev.rig)  # the draft of a pump with no prescription
        dev.staged = None  # nothing left to change
    return "line_unknown=0 was=%d state=%s" % (1 if was else 0, pump.sm.state)


def do_line(dev, out, args, now):
    """`line new [confirm]`: a catheter change. The pump forgets what its line held and
    start waits for a prime that fills the new one (issue 16). Two steps: a line declared
    empty while full would be primed into the patient."""
    if not args or args[0].lower() != "new" or len(args) > 2:
        raise PumpError(E_USAGE, "line")
    pump = dev.pump
    if len(args) == 1:
        out.append("the line is then empty: prime it with the catheter off the patient: "
                   "line new confirm")
        return "filled_nl=%d dead_nl=%d confirm=required" % (
            pump.tubing.filled_vu() // pump.rig.step_den, pump.rig.dead_volume_nl)
    if args[1].lower() != "confirm":
        raise PumpError(E_USAGE, "line")
    from pump.teardown import new_line
    was = new_line(pump, now)  # its note is the log's line (app/events.py)
    return "filled_nl=0 was_nl=%d dead_nl=%d" % (was, pump.rig.dead_volume_nl)
