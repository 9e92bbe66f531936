"""Write the generated pictures in docs/img/: the state diagram (state_diagram.svg, from
firmware/pump/states.py) and one wiring picture per board config
(wiring_<config>.svg, from board_configs/*.json).

Run from the repo root: `python tools/pictures.py` rewrites them; `--check` writes
nothing and exits 1 if any file differs from what the data draws, is missing, is left
over from a config that is gone, or has text that overlaps (pumpctl/pictures/overlap.py).
Never edits the table or a config."""
import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
for _part in ("host", "firmware"):  # firmware last inserted, so it is searched first
    _path = str(REPO / _part)
    if _path not in sys.path:
        sys.path.insert(0, _path)

from pumpctl.pictures import overlap, state_svg, wiring_svg  # noqa: E402

IMG = REPO / "docs" / "img"
CONFIGS = REPO / "board_configs"
STATES_NAME = "state_diagram.svg"


def wiring_name(config_path):
    return "wiring_%s.svg" % config_path.stem


def pictures(configs=CONFIGS):
    """{file name in docs/img: SVG text}, in a fixed order."""
    out = {STATES_NAME: state_svg.render()}
    for path in sorted(configs.glob("*.json")):
        out[wiring_name(path)] = wiring_svg.render(path.read_text(encoding="utf-8"),
                                                   path.name)
    return out


def stale(img, drawn):
    """Sentences for every file in `img` that is not what `drawn` holds."""
    found = []
    for name, text in drawn.items():
        path = img / name
        if not path.exists():
            found.append("%s is missing" % name)
        elif path.read_text(encoding="utf-8") != text:
            found.append("%s is out of date" % name)
    for path in sorted(img.glob("wiring_*.svg")):
        if path.name not in drawn:
            found.append("%s has no board config any more" % path.name)
    return found


def main(argv=None, img=IMG, configs=CONFIGS):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if a picture is stale or unreadable; write nothing")
    args = parser.parse_args(argv)
    try:
        drawn = pictures(configs)
    except (state_svg.StateLayoutError, wiring_svg.WiringError, OSError) as e:
        print("pictures: %s" % e, file=sys.stderr)
        return 1
    unreadable = ["%s: %s" % (name, why) for name, text in drawn.items()
                  for why in overlap.problems(text)]
    if unreadable:  # never written: a picture whose text overlaps is not shipped
        print("pictures: text overlaps:\n  " + "\n  ".join(unreadable), file=sys.stderr)
        return 1
    if args.check:
        found = stale(img, drawn)
        if found:
            print("pictures: %s: run `python tools/pictures.py`" % "; ".join(found),
                  file=sys.stderr)
            return 1
        print("pictures: %d up to date in %s" % (len(drawn), img))
        return 0
    img.mkdir(parents=True, exist_ok=True)
    for path in img.glob("wiring_*.svg"):
        if path.name not in drawn:
            path.unlink()
    for name, text in drawn.items():
        (img / name).write_text(text, encoding="utf-8")
    print("pictures: wrote %d into %s" % (len(drawn), img))
    return 0


if __name__ == "__main__":
    sys.exit(main())
