"""docs/first_pump.md, the walk-through, is what the board answers: the script it is made
from (tools/scripts/first_pump.pump) plays on a fresh virtual Pico with every line
answering as the script says (OK, or ERR where it says so), and each transcript block of
the page is a run of that output, line for line. A reply the firmware changes, a command
renamed, a block edited by hand: the page fails here instead of misleading a reader.

The only lines left out of the comparison are `delivery` data lines (status's), whose
uptime and ideal count the ms the host took between commands; the page quotes none."""
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "first_pump.md"
SCRIPT = REPO / "tools" / "scripts" / "first_pump.pump"
BLOCK = re.compile(r"```text\n(.*?)```", re.S)


def blocks(text):
    return [b.rstrip("\n").split("\n") for b in BLOCK.findall(text)]


def is_run_of(block, lines):
    n = len(block)
    return any(lines[i:i + n] == block for i in range(len(lines) - n + 1))


def played():
    proc = subprocess.run([sys.executable, "-m", "pumpctl.cli", "run", "--sim", str(SCRIPT)],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=300, cwd=REPO)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    return [line for line in proc.stdout.splitlines() if not line.startswith("delivery ")]


def test_every_block_of_the_walk_through_is_what_the_board_answers():
    out = played()
    found = blocks(DOC.read_text())
    assert len(found) >= 8, "the page lost its transcript blocks"
    for block in found:
        assert is_run_of(block, out), "\n".join(["not what the board answers:"] + block)


def test_the_check_sees_a_block_that_drifted():
    # The comparison itself: an edited line, or two lines swapped, is not a run of the
    # output; a true excerpt is.
    out = ["> start", "OK old=stopped new=running", "> logout", "OK role=patient"]
    assert is_run_of(out[1:3], out)
    assert not is_run_of(["> start", "OK old=stopped new=bolusing"], out)
    assert not is_run_of(["> logout", "> start"], out)
    text = "x\n```text\n> start\nOK old=stopped new=running\n```\ny\n```text\nz\n```\n"
    assert blocks(text) == [["> start", "OK old=stopped new=running"], ["z"]]
