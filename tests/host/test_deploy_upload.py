"""deploy's watch over mpremote, with a stand-in mpremote (a Python one-liner): progress
from its `cp` lines, a silence or a failure reported with its last words, and no select()
on its pipe, which Windows does not have (docs/platforms.md). Fast: no board."""
import select
import sys

import pytest

from pumpctl import deploy


@pytest.fixture
def fake_mpremote(monkeypatch):
    """fake_mpremote(code): the next upload runs `python -c code` in mpremote's place."""
    def use(code):
        monkeypatch.setattr(deploy, "mpremote_args", lambda *a: [sys.executable, "-c", code])
    return use


@pytest.fixture(autouse=True)
def no_select_on_pipes(monkeypatch):
    def refuse(*args):
        raise OSError("select() on a pipe: not on Windows")
    monkeypatch.setattr(select, "select", refuse)


def test_each_file_mpremote_copies_is_reported_as_it_goes(fake_mpremote):
    fake_mpremote("print('cp build/a.mpy :a.mpy'); print('cp build/main.py :main.py')")
    said = []
    deploy.upload("PORT", "build", ["a.mpy", "main.py"], say=said.append)
    assert said[1:] == ["[1/2] :a.mpy", "[2/2] :main.py"]


def test_a_failing_mpremote_is_an_error_with_its_last_words(fake_mpremote):
    fake_mpremote("import sys; print('could not enter raw repl'); sys.exit(1)")
    with pytest.raises(deploy.DeployError, match="exit 1.*\\n.*could not enter raw repl"):
        deploy.upload("PORT", "build", ["a.mpy"], say=lambda _: None)


def test_a_silent_mpremote_is_stopped_after_the_gap(fake_mpremote, monkeypatch):
    monkeypatch.setattr(deploy, "MPREMOTE_GAP_S", 0.5)
    fake_mpremote("import time; print('connected', flush=True); time.sleep(60)")
    with pytest.raises(deploy.DeployError, match="went silent.*\\n.*connected"):
        deploy.upload("PORT", "build", ["a.mpy"], say=lambda _: None)
