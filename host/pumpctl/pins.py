"""The PIN on the host: which lines carry one, how such a line is shown, and how the
console takes one. docs/protocol.md promises that no PIN is ever shown or logged: every
place pumpctl prints, logs or stores a line it sends shows it through redact(), and the
console keeps no PIN on the screen or in its history file.

Never prints a PIN, and returns one only inside the line to send."""

# firmware/console/commands.py: `pin <digits>` (a first PIN, a change, or a reset after a
# boot with the service jumper in: one form for all three) and `login <pin>` take the PIN
# as their one argument. The console splits a line on blanks and tabs and lowercases the
# command word (console/console.py _words), so a line is read here the same way.
COMMANDS = ("pin", "login")
MASK = "****"  # one mask for any number of arguments: not even the PIN's length shows
CSI = "\x1b["  # ANSI control sequence introducer
UP_ERASE = CSI + "1A" + CSI + "2K"  # cursor up one row, then erase that whole row


def carries_pin(line):
    """Whether the board would read `line` as `pin` or `login`, with or without a PIN."""
    words = line.split()
    return bool(words) and words[0].lower() in COMMANDS


def inline(line):
    """Whether `line` carries a PIN written on it (`login 2468`, not `login` alone)."""
    return carries_pin(line) and len(line.split()) > 1


def pin_at(line):
    """Where the PIN starts in `line` (the index of its first argument), or None where
    the line carries none written on it: what the live console hides as it is typed."""
    if not inline(line):
        return None
    start = len(line) - len(line.lstrip())
    word = line.split()[0]
    after = start + len(word)
    return after + len(line[after:]) - len(line[after:].lstrip())


def redact(line):
    """`line` as it may be shown or stored: a PIN command's arguments as MASK
    (`login 2468` -> `login ****`), any other line as it is."""
    if not inline(line):
        return line
    return line.split()[0] + " " + MASK


def forget(readline):
    """Drop every history entry that carries a PIN (newest first, so indexes hold)."""
    for i in range(readline.get_current_history_length() - 1, -1, -1):
        item = readline.get_history_item(i + 1)  # get_ is 1-based, remove_ 0-based
        if item is not None and carries_pin(item):
            readline.remove_history_item(i)


def erase_echo(shown, columns, write):
    """Erase what the terminal echoed while `shown` (the prompt and the line) was typed:
    input() cannot hide it as it is typed, so it goes from the screen once it is in.
    The cursor is on the row below it; a long line took several rows."""
    rows = max(1, -(-len(shown.expandtabs()) // max(1, columns)))
    write(UP_ERASE * rows + "\r")


def refused(line):
    """The ValueError for `line` typed with its PIN on it: it is never sent."""
    return ValueError("%s: a PIN typed on the line shows on the screen; type `%s` alone "
                      "and it is asked for unseen" % (redact(line), line.split()[0]))


def ask(line, getpass):
    """`login` or `pin` typed alone: that line with the PIN asked for through `getpass`
    (not echoed). ValueError, with why, when no PIN was given. A new PIN is asked twice:
    set unseen, one typo would lock every clinician out until the service jumper."""
    word = line.split()[0]
    try:
        pin = getpass("PIN (not shown): ").strip()
    except EOFError:  # Ctrl-D at the prompt: no PIN, and the console goes on
        pin = ""
    if not pin:
        raise ValueError("no PIN given")
    if word.lower() == "pin" and getpass("the same PIN again: ").strip() != pin:
        raise ValueError("the two PINs differ")
    return word + " " + pin
