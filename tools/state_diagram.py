"""Write docs/state_diagram.md from the state table in firmware/pump/states.py.

Run from the repo root: `python tools/state_diagram.py` rewrites the file;
`python tools/state_diagram.py --check` changes nothing and exits 1 if the file on disk is
not what the table generates (for CI). Never edits the table, never runs the pump."""
import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
for _part in ("host", "firmware"):  # firmware last inserted, so it is searched first
    _path = str(REPO / _part)
    if _path not in sys.path:
        sys.path.insert(0, _path)

from pump.states import BOLUSING, DELIVERING, PRIMING, STATES, TRANSITIONS  # noqa: E402
from pumpctl.pictures.state_svg import GUARD_WORDS, words  # noqa: E402

OUTPUT = REPO / "docs" / "state_diagram.md"


def motor_role(state):
    """What the motor does in `state`, from DELIVERING and PRIMING."""
    if state in DELIVERING:
        if state == BOLUSING:
            return "delivers basal and the bolus"
        return "delivers basal"
    if state == PRIMING:
        return "fills the line (priming)"
    return "driver disabled, does not move"


def render():
    """The whole text of docs/state_diagram.md."""
    lines = [
        "# Pump state diagram",
        "",
        "Generated from `firmware/pump/states.py` by `tools/state_diagram.py`; "
        "do not edit by hand, run `python tools/state_diagram.py` instead. The picture "
        "is drawn from the same table by `tools/pictures.py`; CI fails if either is stale.",
        "",
        "![The pump's states, and the console commands that move it between them]"
        "(img/state_diagram.svg)",
        "",
        "| state | what the motor does |",
        "|---|---|",
    ]
    for state in STATES:
        lines.append("| %s | %s |" % (state, motor_role(state)))
    lines += [
        "",
        "Every row of the table (`trigger` is the table's own name; the console shows "
        "the words beside it):",
        "",
        "| from | trigger | at the console | guard | to |",
        "|---|---|---|---|---|",
    ]
    for trigger, source, dest, guard in TRANSITIONS:
        shown = words(trigger)[0].replace("<", "&lt;").replace(">", "&gt;")
        said = "-" if guard is None else "`%s`: %s" % (guard, GUARD_WORDS[guard])
        lines.append("| %s | `%s` | %s | %s | %s |" % (source, trigger, shown, said, dest))
    return "\n".join(lines) + "\n"


def main(argv=None, output=OUTPUT):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if %s is out of date; write nothing" % output.name)
    args = parser.parse_args(argv)
    text = render()
    shown = output.relative_to(REPO) if output.is_relative_to(REPO) else output
    if args.check:
        on_disk = output.read_text(encoding="utf-8") if output.exists() else None
        if on_disk != text:
            print("%s is out of date: run `python tools/state_diagram.py`" % shown,
                  file=sys.stderr)
            return 1
        print("%s is up to date" % shown)
        return 0
    output.write_text(text, encoding="utf-8")
    print("wrote %s" % shown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
