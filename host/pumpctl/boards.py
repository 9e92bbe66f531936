"""The shipped rigs' board configs by short name, and what differs between two configs.

Hazard first: a board.json carries the rig's calibration (`calibration_ppm`), which only
a weighed run on that rig can give; the wrong file on a rig misdoses every step. So a
name that matches no shipped file, or more than one, is refused with the list of names,
never guessed; and `fields_differing` shows every field a replacement would change.

Never checks a config in full (the firmware's hal/board_config.py does, at boot): a file
is taken if it holds one JSON object."""
import json
from pathlib import Path

from pumpctl import virtual_pico

SHIPPED = virtual_pico.DEFAULT_BOARD.parent  # board_configs/, where the default lives


class BoardError(ValueError):
    pass


class ConfigKept(BoardError):
    """A config was not put on a board, to keep the board's own."""


def shipped():
    """{short name: path} for every shipped config: `pico_a4988_m5_bd1ml.json` is `bd1ml`
    (the syringe, the stem's last word: what tells the rigs apart at the bench)."""
    return {p.stem.rsplit("_", 1)[-1]: p for p in sorted(SHIPPED.glob("*.json"))}


def names_text():
    return ", ".join("%s (%s)" % (name, path.name) for name, path in shipped().items())


def resolve(text):
    """--board's value as a path: a file that exists, else a shipped rig by short name,
    stem, or a piece of a stem that only one of them holds. BoardError otherwise."""
    path = Path(text).expanduser()
    if not path.is_file():
        path = _shipped(text)
    read(path)  # a file that is no config is refused here, not on the board
    return path


def _shipped(text):
    rigs = shipped()
    want = text.lower()
    exact = [p for name, p in rigs.items() if want in (name, p.stem.lower(), p.name.lower())]
    found = exact or [p for p in rigs.values() if want in p.stem.lower()]
    if len(found) == 1:
        return found[0]
    why = "matches %d shipped configs" % len(found) if found else "is neither a file nor a " \
        "shipped rig"
    raise BoardError("%r %s; the shipped rigs: %s" % (text, why, names_text()))


def read(path):
    """The config in `path` as a dict; BoardError if it is not one JSON object."""
    try:
        data = json.loads(Path(path).read_text())
    except OSError as e:
        raise BoardError("cannot read %s: %s" % (path, e.strerror or e)) from e
    except (UnicodeDecodeError, ValueError) as e:
        raise BoardError("%s is not a board config (JSON): %s" % (path, e)) from e
    if not isinstance(data, dict):
        raise BoardError("%s is not a board config: not a JSON object" % path)
    return data


def fields_differing(old, new):
    """[(field, old value, new value)] for every field that differs, nested ones as
    `pins.step`; a value missing on one side is None there."""
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            out += [("%s.%s" % (key, k), x, y) for k, x, y in fields_differing(a, b)]
        elif a != b:
            out.append((key, a, b))
    return out


def replaces(current, new_path, force=False, say=print):
    """Whether the config at new_path goes onto a board whose board.json is `current`
    (bytes, None if it has none; new_path None: keep the board's). ConfigKept where that
    would drop the board's config unasked: it is missing, or it differs and not force."""
    if new_path is None:
        if current is None:
            raise ConfigKept("the board has no board.json: name its rig with --board (the "
                             "shipped rigs: %s)" % names_text())
        say("keeping the board's board.json%s" % _described(current))
        return False
    if current is None:
        return True
    try:
        old = json.loads(current)
    except ValueError:  # a broken file on the board: nothing in it to compare or keep
        old = None
    diff = diff_text(old if isinstance(old, dict) else {}, read(new_path))
    if not diff:
        return True
    head = "the board's board.json differs from %s:\n%s\n" % (new_path, diff)
    if not force:
        raise ConfigKept(head + "Nothing was copied. Leave out --board to keep the board's "
                         "config (and its calibration), or add --force to replace it.")
    say(head + "replacing it (--force)")
    return True


def _described(raw):
    try:
        config = json.loads(raw)
        return ": %s, calibration_ppm %s" % (config["name"], config["calibration_ppm"])
    except (ValueError, TypeError, KeyError):  # not a config: the firmware will refuse it
        return " (not a board config: the firmware will refuse it at boot)"


def diff_text(old, new):
    return "\n".join("  %s: %s -> %s" % (key, _shown(a), _shown(b))
                     for key, a, b in fields_differing(old, new))


def _shown(value):
    return "(none)" if value is None else json.dumps(value)
