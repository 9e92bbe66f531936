"""pumpctl's option values, checked as the command line is read: each bad one becomes one
line naming the option and what it takes, and exit status EXIT_USAGE, before any board
or virtual Pico is started. Never opens a port, never starts a process.

The exit statuses are documented in docs/virtual_pico.md ("pumpctl's exit status")."""
import argparse
import math
import re
import sys
from pathlib import Path

from pumpctl import boards

EXIT_OK = 0  # everything answered as expected
EXIT_ANSWER = 1  # the board answered otherwise (or a script line could not be sent)
EXIT_UNREACHABLE = 2  # the board could not be reached, or stopped answering
EXIT_USAGE = 3  # the command line or a file it names was refused; nothing was changed
EXIT_BUG = 4  # pumpctl itself failed: a bug, reported in one line
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as a shell reports it)

_SIZE = re.compile(r"^(\d+)([KkMm]?)$")
_SIZE_UNIT = {"": 1, "k": 1024, "m": 1024 * 1024}
HEAP_MIN = 16 * 1024  # below ~4K the VM fails before any firmware runs (FATAL at 700 B)
HEAP_MAX = 1024 * 1024 * 1024  # the unix port takes the heap in one allocation at start


class Parser(argparse.ArgumentParser):
    """argparse's, exiting with EXIT_USAGE (argparse's own 2 is EXIT_UNREACHABLE here)."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, "%s: error: %s\n" % (self.prog, message))


def board(text):
    """--board: a file, or a shipped rig's name (boards.resolve)."""
    try:
        return boards.resolve(text)
    except boards.BoardError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def heap(text):
    """--heap: bytes, with K or M (MicroPython's -X heapsize= spelling), e.g. 512K."""
    m = _SIZE.match(text.strip())
    size = int(m.group(1)) * _SIZE_UNIT[m.group(2).lower()] if m else None
    if size is None or not HEAP_MIN <= size <= HEAP_MAX:
        raise argparse.ArgumentTypeError(
            "%r: a heap size from 16K to 1024M, such as 512K (the default) or 1M" % text)
    return text.strip()


def seconds(text):
    """--timeout: seconds above 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError("%r: seconds above 0, such as 30 or 2.5" % text)
    return value


def count(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError("%r: a whole number from 1" % text)
    return value


def firmware(text):
    """--firmware: a folder with a main.py in it."""
    path = Path(text).expanduser()
    if not (path / "main.py").is_file():
        raise argparse.ArgumentTypeError("%s: not a firmware folder (no main.py in it)"
                                         % text)
    return path


def state(text):
    """--state: a folder, or a path where one can be made."""
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError("%s: not a folder" % text)
    return path


def existing_file(text):
    """A file that is there, as typed (it is named in messages and logs that way)."""
    if not Path(text).expanduser().is_file():
        raise argparse.ArgumentTypeError("%s: no such file" % text)
    return text
