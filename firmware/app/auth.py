"""Who may change the pump: the clinician PIN, the clinician session and the login lockout.

Hazard: unauthorized programming. Everything that changes the prescription, the reservoir
or the clock needs a clinician session. The PIN is kept only as a salted, iterated SHA-256
(a 4-digit PIN cannot be protected from someone who reads the flash, however it is hashed:
the lockout is what protects it at the console). Five wrong PINs in a row lock login for
15 minutes, doubling with each further lockout (at most a day, so the pump can always be
reached again); a right PIN clears both. A session ends after 15 minutes without a
clinician command, 60 minutes after its login whatever was typed, on the monotonic clock,
or at logout: a forgotten session must end even while a patient or a host polls `status`
(a host that logs polls every 30 s, and any line used to renew it). Never reads a clock:
callers pass now_ms."""
import hashlib
from micropython import const
from pump.dose_units import DAY_MS, ceil_div
from pump.errors import (PumpError, E_NO_PIN, E_PIN_SET, E_BAD_PIN, E_LOGIN_LOCKED,
                         E_PIN_FORMAT, E_PIN_LOST)

SESSION_MS = const(900_000)  # 15 min without a clinician command
SESSION_MAX_MS = const(3_600_000)  # 60 min from the login: then a new login
MAX_WRONG = const(5)
LOCK_MS = const(900_000)  # the first lockout; each further one doubles
LOCK_MAX_MS = DAY_MS  # the longest lockout: the pump can always be reached again
_SALT_LEN = const(8)
_ROUNDS = const(200)  # a few ms on the Pico; slows a search of the flash copy a little
_PIN_MIN = const(4)
_PIN_MAX = const(8)
_DIGITS = "0123456789"


class MemoryPinStore:
    """Keeps the salted hash in RAM: a device with no flash (store/pin_record.py on one
    that has)."""

    def __init__(self):
        self.value = None

    def get(self):
        return self.value

    def set(self, value):
        self.value = bytes(value)


def _salt(now_ms):
    try:
        import os
        return os.urandom(_SALT_LEN)
    except (ImportError, AttributeError, NotImplementedError):
        # No random source: a salt derived from the time and this object's address still
        # makes two boards with the same PIN store different hashes.
        seed = ("%d:%d" % (now_ms, id(_salt))).encode()
        return hashlib.sha256(seed).digest()[:_SALT_LEN]


def _digest(salt, pin):
    h = hashlib.sha256(salt + pin.encode()).digest()
    for _ in range(_ROUNDS):
        h = hashlib.sha256(salt + h).digest()
    return h


def _same(a, b):
    # Compares every byte whatever the first difference, so timing tells nothing.
    if len(a) != len(b):
        return False
    diff = 0
    for i in range(len(a)):
        diff |= a[i] ^ b[i]
    return diff == 0


def _check_format(pin):
    if not _PIN_MIN <= len(pin) <= _PIN_MAX:
        return False
    for c in pin:
        if c not in _DIGITS:
            return False
    return True


class Auth:
    def __init__(self, store=None):
        self.store = MemoryPinStore() if store is None else store
        self.session_until = None  # monotonic ms at which the open session ends, or None
        self.session_end = 0  # its absolute end: the login plus SESSION_MAX_MS
        self.wrong = 0  # wrong PINs in a row
        self.lockouts = 0  # lockouts since the last right PIN
        self.locked_until = 0
        self.changed = False  # what the device keeps changed: it saves, then clears it

    def has_pin(self):
        return self.store.get() is not None

    def clinician(self, now_ms):
        return self.session_until is not None and now_ms < self.session_until

    def expired(self, now_ms):
        """End a session whose time is up; True if this call ended it."""
        if self.session_until is not None and now_ms >= self.session_until:
            self.session_until = None
            return True
        return False

    def touch(self, now_ms):
        """A clinician command: the idle time starts again, never past the session's
        absolute end; never revives a session that ended."""
        if self.clinician(now_ms):
            until = now_ms + SESSION_MS
            self.session_until = until if until < self.session_end else self.session_end

    def session_left_ms(self, now_ms):
        return self.session_until - now_ms if self.clinician(now_ms) else 0

    def locked_left_ms(self, now_ms):
        left = self.locked_until - now_ms
        return left if left > 0 else 0

    def set_pin(self, pin, now_ms):
        """Provision the PIN (anyone, while none is set) or change it (a clinician)."""
        if self.has_pin() and not self.clinician(now_ms):
            raise PumpError(E_PIN_SET)
        if getattr(self.store, "lost", False):
            # A PIN was set and its records cannot be read: "no PIN" here would hand
            # clinician power to whoever types first after damaging the flash.
            raise PumpError(E_PIN_LOST)
        if not _check_format(pin):
            raise PumpError(E_PIN_FORMAT)
        salt = _salt(now_ms)
        self.store.set(salt + _digest(salt, pin))
        self.changed = True

    def login(self, pin, now_ms):
        """Open or renew a session, or raise why not. A wrong PIN ends any open session:
        someone else may be at the console."""
        stored = self.store.get()
        if stored is None:
            raise PumpError(E_NO_PIN)
        left = self.locked_left_ms(now_ms)
        if left:
            raise PumpError(E_LOGIN_LOCKED, ceil_div(left, 1000))
        if _check_format(pin) and _same(_digest(stored[:_SALT_LEN], pin), stored[_SALT_LEN:]):
            if self.wrong or self.lockouts:
                self.changed = True
            self.wrong = 0
            self.lockouts = 0
            self.session_end = now_ms + SESSION_MAX_MS
            self.session_until = now_ms + SESSION_MS
            return
        self.session_until = None
        self.changed = True
        self.wrong += 1
        if self.wrong < MAX_WRONG:
            raise PumpError(E_BAD_PIN, MAX_WRONG - self.wrong)
        self.wrong = 0
        self.lockouts += 1
        lock = LOCK_MS
        n = self.lockouts - 1 if self.lockouts < 8 else 7  # by 7 doublings it is capped
        for _ in range(n):
            lock = lock * 2 if lock * 2 < LOCK_MAX_MS else LOCK_MAX_MS
        self.locked_until = now_ms + lock
        raise PumpError(E_LOGIN_LOCKED, lock // 1000)

    def logout(self):
        self.session_until = None
