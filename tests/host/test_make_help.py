"""`make help` lists every target a person runs, one line each, from the notes beside the
targets themselves; read with `make help` itself (it builds nothing, needs no venv)."""
import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def phony_targets():
    text = (REPO / "Makefile").read_text()
    return [t for line in re.findall(r"^\.PHONY:(.*)$", text, re.M) for t in line.split()]


def make_help():
    proc = subprocess.run(["make", "-s", "help"], cwd=REPO, capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def test_make_help_names_every_phony_target_once_with_a_line_of_what_it_does():
    listed = [line.split()[1] for line in make_help()]
    targets = phony_targets()
    assert "demo" in targets and "test" in targets  # the README's two commands
    assert sorted(listed) == sorted(targets)
    for line in make_help():
        assert line.startswith("  make ") and len(line.split()) > 3, line
