"""`pumpctl console` never keeps a PIN: not in its history file, not on the screen
(issue 15, item 6). A PIN typed on the line is refused before a byte is sent and erased
from the screen; `login` or `pin` typed alone asks for it unseen."""
import getpass
import sys

import pytest

from pumpctl import cli, pins
from pumpctl.client import Reply
from terminal import screen

readline = pytest.importorskip("readline")


def test_a_pin_line_is_read_as_the_console_reads_it_and_shown_masked():
    for line, shown in (("login 2468", "login ****"), ("  LOGIN\t2468 ", "LOGIN ****"),
                        ("pin 1111 2222", "pin ****"), ("Pin 13579", "Pin ****"),
                        ("login", "login"), ("pin", "pin"), ("pinx 2468", "pinx 2468"),
                        ("help pin", "help pin"), ("status", "status"), ("", "")):
        assert pins.redact(line) == shown
    assert [pins.carries_pin(x) for x in ("login", "PIN 1", "help login", "")] == [
        True, True, False, False]


def test_the_history_keeps_no_line_that_carries_a_pin():
    readline.clear_history()
    for line in ("status", "login 2468", "PIN 1357", "basal 00:00=1mg/d", "login"):
        readline.add_history(line)
    pins.forget(readline)
    kept = [readline.get_history_item(i + 1)
            for i in range(readline.get_current_history_length())]
    readline.clear_history()
    assert kept == ["status", "basal 00:00=1mg/d"]


def test_a_new_pin_typed_unseen_is_asked_twice_and_an_empty_one_is_not_sent():
    asked = []

    def answers(*said):
        said = list(said)
        return lambda prompt: asked.append(prompt) or said.pop(0)

    assert pins.ask("login", answers("2468\n")) == "login 2468"
    assert "not shown" in asked[0]
    assert pins.ask("pin", answers("1357", "1357")) == "pin 1357"
    with pytest.raises(ValueError, match="differ"):
        pins.ask("pin", answers("1357", "1375"))
    with pytest.raises(ValueError, match="no PIN"):
        pins.ask("login", answers(""))


def test_an_echoed_line_is_erased_over_every_row_it_wrapped_onto():
    for shown, rows in (("pump> login 2468", 1), ("x" * 20, 1), ("x" * 21, 2),
                        ("pump>\t" + "x" * 13, 2)):  # the tab takes it to column 8
        out = []
        pins.erase_echo(shown, 20, out.append)
        assert out == [pins.UP_ERASE * rows + "\r"]


# ----- the console itself, on a fake terminal and a fake board -----
class FakeBoard:
    """Answers OK to every line and keeps what was sent."""

    def __init__(self, args, sim_default=False):
        self.sent = []
        self.reboot_pending = False
        FakeBoard.last = self

    def command(self, line, timeout=5.0):
        self.sent.append(line)
        return Reply(line, [], [], "OK")

    def read_line(self, gap, deadline):
        return None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass


class Typist:
    """input() on a terminal: each line shows on the screen as it is typed and goes into
    readline's history (as input() does on a tty); EOFError (Ctrl-D) after the last."""

    def __init__(self, lines, echo):
        self.lines = list(lines)
        self.echo = echo

    def __call__(self, prompt):
        if not self.lines:
            raise EOFError
        line = self.lines.pop(0)
        if self.echo:
            sys.stdout.write(prompt + line + "\n")
        readline.add_history(line)
        return line


@pytest.fixture
def console(tmp_path, monkeypatch, capsys):
    """Runs do_console on typed lines and unseen answers; returns (sent, screen text,
    raw output, history file text). The history file already holds an old PIN line."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    history = cli._history_file()
    history.parent.mkdir(parents=True)
    readline.clear_history()
    readline.add_history("login 9999")  # written by an older pumpctl
    readline.write_history_file(str(history))
    readline.clear_history()
    monkeypatch.setattr(cli, "Connection", FakeBoard)

    def run(typed, unseen=(), tty=True):
        answers = list(unseen)
        monkeypatch.setattr(cli, "_terminal_echoes", lambda: tty)
        monkeypatch.setattr("builtins.input", Typist(typed, echo=tty))
        monkeypatch.setattr(getpass, "getpass", lambda prompt: answers.pop(0))
        try:
            args = cli.build_parser().parse_args(["console", "--plain", "--sim"])
            assert cli.do_console(args) == 0
        finally:
            readline.clear_history()
        raw = capsys.readouterr().out
        return FakeBoard.last.sent, screen(raw), raw, history.read_text()
    return run


def test_a_pin_typed_on_the_line_is_not_sent_and_leaves_the_screen_and_history(console):
    sent, shown, raw, history = console(
        ["status", "login 2468", "login", "pin", "pin"], ["2468", "1357", "1357", "1", "2"])
    assert sent == ["status", "login 2468", "pin 1357"]  # the inline one never left
    assert "login 2468" in raw  # the terminal showed it as it was typed...
    assert "2468" not in shown  # ...and it is gone from the screen
    assert "pump> login ****" in shown and "type `login` alone" in shown
    assert "not sent: the two PINs differ" in shown
    assert "status" in history
    for pin in ("2468", "1357", "9999"):
        assert pin not in history


def test_without_a_terminal_an_inline_pin_is_refused_with_no_screen_codes(console):
    sent, shown, raw, history = console(["pin 2468", "status"], tty=False)
    assert sent == ["status"]
    assert "\x1b" not in raw and "2468" not in raw
    assert "not sent: pin ****" in raw
    assert "2468" not in history


# ----- the live console's history and its mask (live_console.py) -----
def test_the_live_history_never_stores_a_pin_line_and_drops_old_ones_when_loaded(tmp_path):
    from pumpctl.live_console import LineHistory
    path = tmp_path / "pumpctl" / "history"
    path.parent.mkdir()
    path.write_text("status\nlogin 9999\nbolus\n")  # one line an entry, as readline writes
    history = LineHistory(path)
    assert list(history.load_history_strings()) == ["bolus", "status"]  # the newest first
    assert "9999" not in path.read_text()
    for line in ("echo hi", "login 2468", "PIN 1357", "login", "  "):
        history.store_string(line)
    assert path.read_text().splitlines() == ["status", "bolus", "echo hi"]


def test_a_pin_typed_on_the_live_line_shows_as_the_mask_whatever_its_length():
    from prompt_toolkit.document import Document
    from prompt_toolkit.layout.processors import TransformationInput
    from pumpctl.live_console import PinMask

    def shown(text):
        ti = TransformationInput(None, Document(text), 0, lambda i: i, [("", text)], 80, 1)
        t = PinMask().apply_transformation(ti)
        return "".join(part for _, part, *_ in t.fragments), t.source_to_display(len(text))

    assert shown("login 2") == ("login ****", 10)
    assert shown("  LOGIN\t24681357") == ("  LOGIN\t****", 12)
    assert shown("pin 1111 2222") == ("pin ****", 8)
    assert shown("login") == ("login", 5)
    assert shown("help login") == ("help login", 10)
