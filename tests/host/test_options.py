"""pumpctl's option values and exit statuses, in process (tests/host/test_cli_errors.py
types them as a user would): bad values refused as the line is read, and whatever goes
wrong later ends as one line and a documented status, a bug included."""
import argparse

import pytest

from pumpctl import cli, options


@pytest.mark.parametrize("text", ["16K", "512K", "512k", "1M", "300000", " 2m "])
def test_a_heap_in_micropythons_spelling_is_taken(text):
    assert options.heap(text) == text.strip()


@pytest.mark.parametrize("text", ["", "K", "100Q", "1.5M", "-1M", "512Kw", "15K", "2048M",
                                  "nonsense"])
def test_any_other_heap_is_refused(text):
    with pytest.raises(argparse.ArgumentTypeError, match="a heap size from 16K to 1024M"):
        options.heap(text)


@pytest.mark.parametrize("text", ["0", "-1", "nan", "inf", "soon", ""])
def test_a_timeout_is_seconds_above_zero(text):
    with pytest.raises(argparse.ArgumentTypeError):
        options.seconds(text)
    assert options.seconds("2.5") == 2.5


def _main_with(monkeypatch, capsys, error):
    def broken(_args):
        raise error
    monkeypatch.setattr(cli, "do_status", broken)
    status = cli.main(["status", "--sim"])
    return status, capsys.readouterr().err


def test_a_bug_ends_as_one_line_and_status_4(monkeypatch, capsys):
    monkeypatch.delenv("PUMPCTL_TRACEBACK", raising=False)
    status, err = _main_with(monkeypatch, capsys, TypeError("oops"))
    assert status == 4
    assert err.splitlines() == ["pumpctl status: a bug in pumpctl, please report it: "
                                "TypeError: oops (PUMPCTL_TRACEBACK=1 shows where)"]


def test_pumpctl_traceback_shows_a_bugs_traceback(monkeypatch, capsys):
    monkeypatch.setenv("PUMPCTL_TRACEBACK", "1")
    with pytest.raises(TypeError):
        _main_with(monkeypatch, capsys, TypeError("oops"))


@pytest.mark.parametrize("error, status", [(OSError(5, "Input/output error"), 2),
                                           (cli.CommandError("gone"), 2),
                                           (cli.UsageError("bad"), 3),
                                           (KeyboardInterrupt(), 130)])
def test_each_kind_of_failure_has_its_documented_status(monkeypatch, capsys, error, status):
    got, err = _main_with(monkeypatch, capsys, error)
    assert got == status
    assert len(err.splitlines()) == (0 if status == 130 else 1)
