"""`pumpctl console` never keeps a PIN: not in its history file, not on the screen when
typed as `login` alone (issue 15, item 6)."""
import pytest


def test_the_console_keeps_no_pin_in_its_history_and_asks_for_it_unseen():
    readline = pytest.importorskip("readline")
    from pumpctl import cli
    readline.clear_history()
    for line in ("status", "login 2468", "PIN 1357", "basal 00:00=1mg/d", "login"):
        readline.add_history(line)
    cli._forget_secrets(readline)
    kept = [readline.get_history_item(i + 1)
            for i in range(readline.get_current_history_length())]
    assert kept == ["status", "basal 00:00=1mg/d"]
    readline.clear_history()
    asked = []
    assert cli._with_pin("login", lambda prompt: asked.append(prompt) or "2468\n") \
        == "login 2468"
    assert asked and "not shown" in asked[0]
    assert cli._with_pin("login 1111", lambda prompt: 1 / 0) == "login 1111"
