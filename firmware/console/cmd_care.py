"""Commands that change what the pump does now, a clinician's: start, stop, suspend,
resume, prime, ack. The pump's state table and guards decide; these only ask and report
the old and new state. Loaded for their command and dropped after it (app/lazy.py): only
the patient's `bolus` stays resident (console/cmd_run.py)."""
from pump.errors import PumpError, E_CLOCK_UNSET, E_RANGE


def _state_change(dev, act, now):
    # The pump notes the change itself (a `state` event, kept in the log).
    old = dev.pump.sm.state
    act(now)
    return "old=%s new=%s" % (old, dev.pump.sm.state)


def _clock_first(dev):
    rx = dev.pump.rx
    if rx is not None and dev.waits_for_clock(rx.schedule):
        raise PumpError(E_CLOCK_UNSET)


def do_start(dev, out, args, now):
    _clock_first(dev)
    return _state_change(dev, dev.pump.start, now)


def do_stop(dev, out, args, now):
    return _state_change(dev, dev.pump.stop, now)


def do_suspend(dev, out, args, now):
    """`suspend` or `suspend 2h`: a planned pause, after which the reminder sounds (the
    pump does not resume by itself: a clinician does, with every start guard asked)."""
    if not args:
        return _state_change(dev, dev.pump.suspend, now)
    from pump.units import K_DURATION, parse_duration_ms
    from pump.settle import SUSPEND_MIN_MS, SUSPEND_MAX_MS
    for_ms = parse_duration_ms(args[0])
    if not SUSPEND_MIN_MS <= for_ms <= SUSPEND_MAX_MS:  # a minute to a week, said as typed
        raise PumpError(E_RANGE, args[0], K_DURATION, SUSPEND_MIN_MS, SUSPEND_MAX_MS)
    return _state_change(dev, lambda t: dev.pump.suspend(t, for_ms), now)


def do_resume(dev, out, args, now):
    _clock_first(dev)
    return _state_change(dev, dev.pump.resume, now)


def do_prime(dev, out, args, now):
    """`prime <volume>`, or `prime` alone: what is left of the line (issue 16: two primes
    that left 1,626 nL could not be finished by any amount a clinician would type)."""
    dev.check_line_known()
    pump = dev.pump
    if args:
        from pump.units import parse_volume_nl
        volume = parse_volume_nl(args[0])
    else:
        pump.advance(now)  # the room as it is now, a running prime's steps counted
        volume = pump.prime_room_nl()
    old = pump.sm.state
    pump.prime(volume, now)
    steps = pump.prime_steps_left
    dev.record("prime volume_nl=%d steps=%d" % (volume, steps))
    return "volume_nl=%d steps=%d old=%s new=%s" % (volume, steps, old, pump.sm.state)


def do_ack(dev, out, args, now):
    name = args[0].lower()
    pump = dev.pump
    old = pump.alarms.active()
    pump.ack(name, now)
    if name == "guard":
        dev.safety.reset()  # only a clinician's acknowledgement lifts a tripped guard
    new = pump.alarms.active()
    dev.record("ack name=%s state=%s" % (name, pump.sm.state))
    return "name=%s old=%s new=%s state=%s" % (
        name, ",".join(old) if old else "-", ",".join(new) if new else "-", pump.sm.state)
