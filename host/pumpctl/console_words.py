"""The words `pumpctl console` completes with Tab: the command words of the firmware's own
table (console/commands.py, COMMANDS) and, after `ack`, the alarm names of its alarm table
(pump/alarms.py, TABLE), read from the firmware's source as text, never imported (it is
MicroPython code), so a command or an alarm added to the firmware is offered with no
second list to keep. Plus the few words pumpctl itself answers (HOST_WORDS).

Pure: no terminal, no board. Never completes a PIN: after `login` and `pin` nothing is
offered."""
import ast
from pathlib import Path

COMMANDS_PY = Path("console") / "commands.py"
ALARMS_PY = Path("pump") / "alarms.py"
# Answered by pumpctl, never sent: `exit` leaves, `status raw` prints the reply's lines as
# the board sent them (the console otherwise shows status in groups that fit 80 columns).
EXIT = "exit"
RAW = "raw"
HOST_WORDS = (EXIT,)
# After these words, the next is one of: command words, alarm names, `raw`.
_AFTER = {"help": "commands", "ack": "alarms", "status": "raw"}


class Words:
    """commands: the firmware's command words, in its table's order; alarms: its alarm
    names, likewise. Either is empty where the firmware has no such file (a test's fake
    firmware): the console still works, with less to complete."""

    def __init__(self, commands=(), alarms=()):
        self.commands = tuple(commands)
        self.alarms = tuple(alarms)

    @classmethod
    def of_firmware(cls, firmware):
        """The words of the firmware in folder `firmware` (as it is put on a board)."""
        firmware = Path(firmware)
        return cls(_first_strings(firmware / COMMANDS_PY, "COMMANDS"),
                   _first_strings(firmware / ALARMS_PY, "TABLE"))

    def candidates(self, before):
        """(words that complete `before`, the text before the cursor; how many characters
        of it they replace). The first word completes to a command; the second to what
        _AFTER says its command takes; anything else to nothing."""
        words = before.split()
        typing = "" if not words or before[-1:].isspace() else words[-1]
        done = words if not typing else words[:-1]
        if not done:
            pool = self.commands + HOST_WORDS
        elif len(done) == 1:
            pool = {"commands": self.commands, "alarms": self.alarms,
                    "raw": (RAW,)}.get(_AFTER.get(done[0].lower()), ())
        else:
            pool = ()
        low = typing.lower()
        return [w for w in pool if w.startswith(low)], len(typing)


def _first_strings(path, name):
    """The first element of each tuple in the module-level tuple `name` of the Python
    source at `path`, where that element is a string literal: ("help", ANYONE, ...) gives
    "help". () where the file or the name is missing."""
    try:
        tree = ast.parse(Path(path).read_text(), str(path))
    except (OSError, SyntaxError, ValueError):  # no such firmware file: nothing to offer
        return ()
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == name
                and isinstance(node.value, (ast.Tuple, ast.List))):
            return tuple(row.elts[0].value for row in node.value.elts
                         if isinstance(row, (ast.Tuple, ast.List)) and row.elts
                         and isinstance(row.elts[0], ast.Constant)
                         and isinstance(row.elts[0].value, str))
    return ()
