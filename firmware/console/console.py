"""The serial console: a text adapter over the device (app/device.py). One line in, its
reply lines out: parse, check who may ask, call the device, format. It holds no device
state, no I/O and no clock: the control loop feeds it lines.

Hazards: a bad line must change nothing (a half-applied command can leave the pump with a
prescription nobody wrote), and the console must never die (a pump that stops answering
cannot be stopped). So a line is checked (length, bytes, command, role, count of
arguments) before the pump is advanced to now, every command parses and checks
everything before it acts, the pump itself checks before it acts, and any unexpected
exception becomes `ERR 82`.

Memory: a command's module is imported when the command runs and dropped once its reply
is built (app/lazy.py), so between commands the heap holds only what every pass, the
bolus button and `status` need (cmd_run and cmd_read, imported here to stay resident)."""
from app import lazy
from console import cmd_read, cmd_run, commands as cm  # noqa: F401
from console.messages import text
from pump.errors import (PumpError, E_INTERNAL, E_INVALID_EVENT, E_LINE_TOO_LONG,
                         E_NOT_ASCII, E_NO_RX, E_NOT_PROGRAMMED, E_UNKNOWN_COMMAND, E_ROLE,
                         E_REFILL_CANCELLED)

MAX_LINE = 200  # bytes, without the line ending
_SHOWN = 24  # characters of an unknown word echoed back
# Lines that only read: a clinician checking status or rx before confirming a refill
# keeps it (issue 16); any other line cancels it, so nothing changes under a refill.
_WAIT_WITH_REFILL = ("status", "rx", "alarms", "log", "help", "whoami", "session", "mem",
                     "echo", "activity")


class Console:
    """The contract with the control loop.

    Console(device)
    handle(line) -> [str]
        One line (bytes or str, without its line ending; anything at all). Checks it,
        advances the pump to now, runs the command, and returns the `! ` events that
        happened on the way, then data lines, then exactly one final `OK key=value ...`
        or `ERR <code> <text>`. Never raises.
    press_bolus() -> [str]
        The physical button: the patient's bolus request, answered as `bolus` would be
        (events, then one final OK/ERR); not a line, so it leaves a pending refill and
        the clinician session alone. Never raises.

    A handler is `do_x(dev, out, args, now) -> tail`: `dev` the device, `out` the list of
    data lines of the reply, `args` the words after the command; it returns what follows
    `OK ` (or raises PumpError)."""

    def __init__(self, device):
        self.dev = device

    def handle(self, line):
        try:
            return self._handle(line)
        except Exception as exc:  # a console bug: answer, stay alive, say what it was
            return self._internal(exc)
        finally:
            self.dev.unload()

    def press_bolus(self):
        dev = self.dev
        try:
            now = dev.now()
            try:
                final = "OK " + cmd_run.do_bolus(dev, None, (), now)
            except PumpError as err:
                final = "ERR %d %s" % (err.code, text(err.code, err.values))
            dev.settle(dev.now())
            return dev.notes.take() + [final]
        except Exception as exc:  # as in handle(): answer and stay alive
            return self._internal(exc)
        finally:
            dev.unload()  # the words of a refusal, if it loaded them

    def _internal(self, exc):
        try:
            lines = self.dev.notes.take()
        except Exception:  # even the events are unreadable: drop them, keep answering
            lines = []
        lines.append("ERR %d %s" % (E_INTERNAL, text(E_INTERNAL, (type(exc).__name__,))))
        return lines

    def _handle(self, line):
        dev = self.dev
        now = dev.now()
        out = []
        try:
            final = self._run(line, out, now)
        except PumpError as err:
            # Refused for want of a prescription: say exactly what it still lacks.
            if err.code in (E_NO_RX, E_INVALID_EVENT) and dev.pump.rx is None \
                    and dev.missing():
                err = PumpError(E_NOT_PROGRAMMED, ",".join(dev.missing()))
            final = "ERR %d %s" % (err.code, text(err.code, err.values))
        dev.settle(dev.now())
        return dev.notes.take() + out + [final]

    def _run(self, line, out, now):
        dev = self.dev
        words, bad = _words(line)
        if not words and bad is None:
            return "OK"  # an empty line: nothing asked, nothing cancelled
        if dev.pump.pending is not None and (bad is not None or (
                words[0] != "confirm" and words[0] not in _WAIT_WITH_REFILL)):
            dev.cancel_refill(now)
            raise PumpError(E_REFILL_CANCELLED, words[0][:_SHOWN] if bad is None else "line")
        if bad is not None:
            raise bad
        entry = cm.find(words[0])
        if entry is None:
            raise PumpError(E_UNKNOWN_COMMAND, words[0][:_SHOWN])
        word, role, lo, hi = entry[0], entry[1], entry[2], entry[3]
        if role == cm.CLINICIAN:
            if not dev.auth.clinician(now):
                raise PumpError(E_ROLE, word)
            # Only a clinician's command keeps the session open: a patient's `status`,
            # or a host polling, must not keep a forgotten session alive.
            dev.auth.touch(now)
        args = words[1:]
        if not lo <= len(args) <= hi:
            cm.usage(word)
        # Only a line that may run moves the pump to now: a typo moves no step and
        # writes no flash.
        dev.catch_up(now)
        handler = getattr(lazy.load("console." + entry[4]), entry[5])
        tail = handler(dev, out, args, now)
        return "OK " + tail if tail else "OK"


def _words(line):
    """(words, None) for a line that may be run, or (None, PumpError) for one that may not.
    The command word is lowercased; arguments keep their case. A number and the unit typed
    after it with a space are one word ("10 mg/mL" is "10mg/mL")."""
    if type(line) is str:
        line = line.encode()
    if line[-1:] == b"\r":
        line = line[:-1]
    if len(line) > MAX_LINE:
        return None, PumpError(E_LINE_TOO_LONG, len(line), MAX_LINE)
    for i in range(len(line)):
        b = line[i]
        if b != 9 and not 32 <= b <= 126:
            return None, PumpError(E_NOT_ASCII, i + 1)
    words = line.decode().split()
    if words:
        words[0] = words[0].lower()
    for i in range(2, len(words)):
        # A number, a space, then a word that may be its unit ("refill 2 mL"): pump/units.py
        # joins them if it is one (loaded only for such a line, dropped after the reply).
        if words[i - 1][-1] in "0123456789" and (words[i][0].isalpha() or words[i][0] == "%"):
            return lazy.load("pump.units").join_amounts(words), None
    return words, None
