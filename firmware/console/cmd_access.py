"""Commands that open and close the clinician session and set its PIN: pin, login,
logout, whoami. A PIN never appears in a reply, an event or the log."""
from pump.errors import PumpError, E_BAD_PIN, E_LOGIN_LOCKED


def do_pin(con, args, now):
    first = not con.auth.has_pin()
    con.auth.set_pin(args[0], now)
    con.record("pin %s" % ("set" if first else "changed"))
    return "pin=set"


def do_login(con, args, now):
    lockouts = con.auth.lockouts
    try:
        con.auth.login(args[0], now)
    except PumpError as err:
        if err.code == E_BAD_PIN:
            con.emit("login-failed left=%d" % err.values[0])
        elif err.code == E_LOGIN_LOCKED and con.auth.lockouts > lockouts:
            con.emit("login-locked s=%d" % err.values[0])  # this PIN began the lockout
        raise
    con.record("login role=clinician")
    return "role=clinician session_s=%d" % (con.auth.session_left_ms(now) // 1000)


def do_logout(con, args, now):
    was = con.auth.clinician(now)
    con.auth.logout()
    if was:
        con.record("logout")
    return "role=patient"


def do_whoami(con, args, now):
    a = con.auth
    return "role=%s session_s=%d pin=%s login_locked_s=%d" % (
        "clinician" if a.clinician(now) else "patient", -(-a.session_left_ms(now) // 1000),
        "set" if a.has_pin() else "unset", -(-a.locked_left_ms(now) // 1000))
