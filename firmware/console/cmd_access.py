"""Commands that open and close the clinician session and set its PIN: pin, login,
logout, whoami; and the terminal's own setting, echo. A PIN never appears in a reply,
an event or the log."""
from pump.dose_units import ceil_div
from pump.errors import PumpError, E_BAD_PIN, E_LOGIN_LOCKED, E_USAGE


def do_pin(dev, out, args, now):
    a = dev.auth
    first = not a.has_pin()
    # The service jumper's act replaces a PIN no one can give (forgotten, or its records
    # lost); a clinician changing it, or a first PIN, goes the usual way.
    service = (dev.in_service(now) and (a.lost() or not first)
               and not a.clinician(now))
    a.set_pin(args[0], now, service)
    dev.record("pin %s" % ("reset by=service" if service else "set" if first else "changed"))
    return "pin=set"


def do_login(dev, out, args, now):
    lockouts = dev.auth.lockouts
    try:
        dev.auth.login(args[0], now)
    except PumpError as err:
        if err.code == E_BAD_PIN:
            dev.emit("login-failed left=%d" % err.values[0])
        elif err.code == E_LOGIN_LOCKED and dev.auth.lockouts > lockouts:
            dev.emit("login-locked s=%d" % err.values[0])  # this PIN began the lockout
        raise
    dev.record("login role=clinician")
    return "role=clinician session_s=%d" % (dev.auth.session_left_ms(now) // 1000)


def do_logout(dev, out, args, now):
    was = dev.auth.clinician(now)
    if dev.staged is not None:
        dev.staged = None  # a staged change is its session's (console/cmd_review.py)
        dev.emit("staged-dropped reason=logout")
    dev.auth.logout()
    if was:
        dev.record("logout")
    return "role=patient"


def do_echo(dev, out, args, now):
    """`echo [on|off]`: for a terminal that does not show what is typed (miniterm, picocom,
    tio, `mpremote repl` as they start), the board shows it, Backspace included. Anyone's:
    it changes what the terminal shows, nothing of the pump. `pumpctl` leaves it off."""
    if args:
        word = args[0].lower()
        if word not in ("on", "off"):
            raise PumpError(E_USAGE, "echo")
        dev.echo = word == "on"
    return "echo=" + ("on" if dev.echo else "off")


def do_whoami(dev, out, args, now):
    a = dev.auth
    service = dev.service_until - now if dev.in_service(now) else 0
    return "role=%s session_s=%d pin=%s login_locked_s=%d service_s=%d" % (
        "clinician" if a.clinician(now) else "patient", ceil_div(a.session_left_ms(now), 1000),
        "set" if a.has_pin() else "lost" if a.lost() else "unset",
        ceil_div(a.locked_left_ms(now), 1000), ceil_div(service, 1000))
