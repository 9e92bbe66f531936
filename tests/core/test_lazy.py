"""The command table names its handlers by module and function (console/commands.py), and
commands load those modules when they run and drop them after the reply (app/lazy.py).
A name that does not resolve would only fail when someone types the command, so every
entry is resolved here. Runs under pytest and MicroPython.

That the boot path and the quiet loop load none of the lazy modules is checked in a fresh
interpreter, where nothing else has imported them: tests/host/test_lazy_modules.py (the
unix port) and tests/emu/test_heap.py (the RP2040 build)."""
import sys

from app import lazy
from console.commands import COMMANDS
from console_fakes import Board

USAGE_MODULE = "console.usage"  # imported by `help <command>` alone


def test_every_command_names_a_module_and_a_handler_that_exist():
    for entry in COMMANDS:
        assert len(entry) == 6, entry
        handler = getattr(lazy.load("console." + entry[4]), entry[5], None)
        assert callable(handler), entry


def test_every_command_has_a_usage_line_and_every_usage_line_a_command():
    usage = lazy.load(USAGE_MODULE).USAGE
    words = [e[0] for e in COMMANDS]
    assert sorted(words) == sorted(usage), (words, sorted(usage))
    for word in words:
        assert usage[word].startswith(word), (word, usage[word])


def test_the_modules_commands_drop_are_modules():
    for name in lazy.AFTER_COMMAND + (lazy.CALIBRATE,):
        assert lazy.load(name) is sys.modules[name], name


def test_drop_forgets_a_module_and_its_package_attribute_and_load_brings_it_back():
    import console
    first = lazy.load(USAGE_MODULE)
    lazy.drop((USAGE_MODULE,))
    assert USAGE_MODULE not in sys.modules
    assert not hasattr(console, "usage")
    lazy.drop((USAGE_MODULE, "no.such.module"))  # not loaded: nothing happens
    again = lazy.load(USAGE_MODULE)
    assert again is sys.modules[USAGE_MODULE] and again is not first
    assert again.USAGE == first.USAGE


def test_drop_leaves_alone_what_it_is_told_to_keep():
    lazy.load(USAGE_MODULE)
    keep = lazy.loaded((USAGE_MODULE, "no.such.module"))
    assert keep == (USAGE_MODULE,)
    lazy.drop((USAGE_MODULE,), keep)
    assert USAGE_MODULE in sys.modules


def test_help_with_a_command_loads_its_text_and_drops_it_after_the_reply():
    lazy.drop((USAGE_MODULE,))  # as on a board: nobody else has imported it
    b = Board()
    assert b.ok("help ptm")[0] == "ptm <dose> lockout=<time> max=<n> | ptm off  (clinician)"
    assert USAGE_MODULE not in sys.modules
    assert b.ok("help mem")[0].startswith("mem  (")  # loaded again when asked again
    assert USAGE_MODULE not in sys.modules


def test_what_was_loaded_before_the_console_began_is_not_dropped():
    lazy.load(USAGE_MODULE)  # a host's (or a test's) import, before the console exists
    b = Board()
    b.ok("help ptm")
    assert USAGE_MODULE in sys.modules
