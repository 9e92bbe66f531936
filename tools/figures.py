"""The measured figures README.md and docs/ quote, kept in one file that `make bench`
writes (docs/figures.json) and checked against every quote of them.

A quote is a Markdown link to the figure's key in that file, so a reader sees where a
number comes from: `[1.4 s](docs/figures.json#console.month_s)` in README.md,
`[1.4 s](figures.json#console.month_s)` in docs/. Its text is the figure exactly as the
file holds it, unit included where the file has one. tests/host/test_figures.py fails on
a quote whose text is not its key's value (the figure drifted, or was edited by hand), a
quote of a key the file lacks, and a key no document quotes.

The bench tools call note(key, value) as they print; tools/bench.py then merges what
this run measured into the file (a figure not measured this time keeps its value and its
date) and rewrites the quotes' text (sync). Never runs a benchmark, never changes a
document outside a quote's text.

Usage: python tools/figures.py check | sync"""
import datetime
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILE = ROOT / "docs" / "figures.json"
# [text](figures.json#key) in docs/, [text](docs/figures.json#key) in README.md
QUOTE = re.compile(r"\[([^\]\n]*)\]\((?:docs/)?figures\.json#([A-Za-z0-9_.-]+)\)")

FOUND = {}  # key -> value, what this process measured


def note(key, value):
    """A figure measured now: kept for write(), and printed."""
    FOUND[key] = str(value)
    print("figure: %s = %s" % (key, value))


def documents(root=ROOT):
    return [root / "README.md"] + sorted((root / "docs").glob("*.md"))


def load(path=FILE):
    with open(path) as f:
        return json.load(f)


def write(found, path=FILE, when=None):
    """Merge `found` ({key: value}) into the file, each with the day it was measured."""
    when = when or datetime.date.today().isoformat()
    figures = load(path) if Path(path).exists() else {}
    for key, value in found.items():
        figures[key] = {"value": value, "measured": when}
    Path(path).write_text(json.dumps(figures, indent=1, sort_keys=True) + "\n")
    return figures


def quotes(docs):
    """[(path, line number, text, key)] for every quote in `docs`."""
    out = []
    for path in docs:
        for number, line in enumerate(Path(path).read_text().splitlines(), 1):
            for m in QUOTE.finditer(line):
                out.append((path, number, m.group(1), m.group(2)))
    return out


def problems(figures, docs):
    """One line for each quote that is not its figure, each link to a figure that is no
    quote, and each figure nobody quotes."""
    found = quotes(docs)
    said = []
    for path in docs:  # a link to the file that is no quote: its text broken over lines?
        for number, line in enumerate(Path(path).read_text().splitlines(), 1):
            if line.count("figures.json#") != len(QUOTE.findall(line)):
                said.append("%s:%d: a link to a figure that is not [text](figures.json#key) "
                            "on one line" % (Path(path).name, number))
    for path, number, text, key in found:
        where = "%s:%d" % (Path(path).name, number)
        if key not in figures:
            said.append("%s: [%s] quotes %s, which docs/figures.json lacks" % (where, text, key))
        elif text != figures[key]["value"]:
            said.append("%s: [%s] quotes %s, which is %r (measured %s)" % (
                where, text, key, figures[key]["value"], figures[key]["measured"]))
    quoted = {key for _, _, _, key in found}
    for key in sorted(set(figures) - quoted):
        said.append("docs/figures.json: %s (%r) is quoted nowhere" % (key, figures[key]["value"]))
    return said


def sync(figures, docs):
    """Each quote's text set to its figure's value; returns the quotes changed."""
    changed = []
    for path in docs:
        text = Path(path).read_text()

        def put(m, path=path):
            key = m.group(2)
            if key not in figures or figures[key]["value"] == m.group(1):
                return m.group(0)
            changed.append("%s: %s %s -> %s" % (Path(path).name, key, m.group(1),
                                                figures[key]["value"]))
            return m.group(0).replace("[%s]" % m.group(1), "[%s]" % figures[key]["value"], 1)

        new = QUOTE.sub(put, text)
        if new != text:
            Path(path).write_text(new)
    return changed


def main(argv):
    verb = argv[0] if argv else "check"
    figures, docs = load(), documents()
    if verb == "sync":
        for line in sync(figures, docs):
            print(line)
    said = problems(figures, docs)
    for line in said:
        print(line)
    return 1 if said else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
