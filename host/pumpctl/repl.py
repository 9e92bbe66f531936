"""The MicroPython REPL as the host meets it: a board left at `>>> ` (mpremote, Thonny, a
clinician's `repl confirm`) instead of running the pump firmware, recognised from what
it prints, and its firmware restarted from there with a soft reset.

Hazards first. Bytes sent to a REPL are Python: a command line meant for the firmware
(`status`) is run there as code. The client therefore stops at the first prompt it sees
(client.py raises AtRepl) instead of sending more. restart() sends only control bytes,
and only ones the firmware takes harmlessly too: Ctrl-C is answered `! ctrl-c ignored`,
and a Ctrl-B between two Ctrl-Cs is dropped with the half-typed line the second one
clears. Ctrl-D (a soft reset) is sent only once a prompt has been seen. Never resets a
board whose firmware answers."""
import time

PROMPT = b">>> "  # the friendly REPL's prompt: the last bytes it prints, then it waits
RAW_BANNER = "raw REPL; CTRL-B to exit"  # the raw REPL's banner line; then ">" and silence
RAW_PROMPT = b">"
CTRL_B = b"\x02"  # ctrl-B at the raw REPL: leave it for the friendly one (its banner, >>>)
CTRL_C = b"\x03"  # ctrl-C: at a REPL, a fresh prompt; at the firmware, `! ctrl-c ignored`
CTRL_D = b"\x04"  # ctrl-D at the friendly REPL: soft reset, main.py runs (not from raw)
# ctrl-C (a running program stops, the friendly REPL prompts), ctrl-B (the raw REPL goes
# friendly), ctrl-C (the firmware drops the ctrl-B with its half-line; the REPL prompts).
PROBE = CTRL_C + CTRL_B + CTRL_C
IGNORED = b"! ctrl-c ignored"  # the firmware's answer to a ctrl-C: it runs
QUIET_S = 0.3  # silence after a prompt before it is taken as the board waiting there
PROBE_S = 3.0  # longest wait for a prompt or the firmware's answer to PROBE


def kind(tail, last_line):
    """"friendly" or "raw" if `tail` (the bytes after the last line's end) is a REPL's
    prompt, else None. `last_line`: the last whole line before it (the raw REPL's prompt
    is a lone ">" only after its banner)."""
    if tail.endswith(PROMPT):
        return "friendly"
    if tail == RAW_PROMPT and last_line == RAW_BANNER:
        return "raw"
    return None


def describe(which):
    return ("the board is at the MicroPython REPL (%s; mpremote, Thonny or a clinician's "
            "`repl confirm` leave it there), not running the pump firmware" % (
                "its `>>> ` prompt answered" if which == "friendly" else "the raw REPL"))


class RestartError(Exception):
    """Neither a REPL prompt nor the firmware answered: nothing was reset."""


def _read_until(serial, want, timeout):
    """Bytes from `serial` until one of `want` is in them and QUIET_S pass without more,
    or `timeout` s."""
    got = b""
    deadline = time.monotonic() + timeout
    quiet_from = None
    serial.timeout = 0.05
    while time.monotonic() < deadline:
        chunk = serial.read(max(1, serial.in_waiting))
        now = time.monotonic()
        if chunk:
            got += chunk
            quiet_from = now
        elif any(w in got for w in want) and now - quiet_from >= QUIET_S:
            break
    return got


def restart(client, timeout=20.0):
    """Restart the firmware of a board at the REPL (friendly or raw) with a soft reset;
    returns its `! ready` line. Returns None, having reset nothing, if the firmware
    answers (it runs). RestartError if neither answers within PROBE_S."""
    client.drain(quiet=0.05, overall=1.0)
    client.write_raw(PROBE)
    got = _read_until(client.serial, (PROMPT, IGNORED), PROBE_S)
    if IGNORED in got:
        client.drain(quiet=0.1, overall=2.0)
        return None
    if PROMPT not in got:
        raise RestartError("no REPL prompt and no answer from the firmware within %g s "
                           "(%d bytes came back): nothing was reset" % (PROBE_S, len(got)))
    client.write_raw(CTRL_D)  # ctrl-D at the friendly REPL: soft reset, main.py runs
    return client.wait_ready(timeout)
