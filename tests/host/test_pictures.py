"""The generated pictures in docs/img/: each is what its data draws today (the state
table, the board configs), its text does not overlap by the SVG's own geometry, and the
checks that say so can fail.

Never writes into docs/: regenerates to memory and compares, or works in tmp_path."""
import importlib.util
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from console.commands import COMMANDS
from pump.states import REFILLING, STATES, STOPPED, TRANSITIONS
from pumpctl.pictures import overlap, state_svg, wiring_svg

REPO = Path(__file__).resolve().parents[2]
IMG = REPO / "docs" / "img"
SVG = "{http://www.w3.org/2000/svg}"


def load_tool():
    spec = importlib.util.spec_from_file_location("pictures", REPO / "tools" / "pictures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = load_tool()
DRAWN = TOOL.pictures()


def texts(svg):
    return ["".join(e.itertext()) for e in ET.fromstring(svg).iter(SVG + "text")]


# ----- up to date -----
@pytest.mark.parametrize("name", sorted(DRAWN))
def test_checked_in_picture_is_what_its_data_draws(name):
    on_disk = (IMG / name).read_text(encoding="utf-8")
    assert on_disk == DRAWN[name], "run: python tools/pictures.py"


def test_there_is_a_wiring_picture_for_every_board_config_and_no_other():
    configs = sorted(p.stem for p in (REPO / "board_configs").glob("*.json"))
    assert sorted(p.name for p in IMG.glob("wiring_*.svg")) == [
        "wiring_%s.svg" % c for c in configs]


@pytest.mark.parametrize("change", ["a row added", "a guard dropped"])
def test_a_changed_state_table_makes_the_checked_in_diagram_stale(change):
    if change == "a row added":
        changed = TRANSITIONS + (("cancel", REFILLING, STOPPED, None),)
    else:
        changed = tuple(row[:3] + (None,) if row[0] == "resume" else row
                        for row in TRANSITIONS)
    assert state_svg.render(table=changed) != (IMG / "state_diagram.svg").read_text(
        encoding="utf-8")


def test_check_fails_on_a_stale_missing_or_orphan_file_and_writes_nothing(tmp_path):
    img = tmp_path / "img"
    assert TOOL.main([], img=img) == 0
    assert TOOL.main(["--check"], img=img) == 0
    (img / "state_diagram.svg").write_text("<svg/>", encoding="utf-8")
    assert TOOL.main(["--check"], img=img) == 1
    assert (img / "state_diagram.svg").read_text(encoding="utf-8") == "<svg/>"
    assert TOOL.main([], img=img) == 0
    (img / "wiring_pico_a4988_m5_bd1ml.svg").unlink()
    assert TOOL.main(["--check"], img=img) == 1
    assert TOOL.main([], img=img) == 0
    (img / "wiring_gone.svg").write_text("<svg/>", encoding="utf-8")
    assert TOOL.main(["--check"], img=img) == 1
    assert TOOL.main([], img=img) == 0  # a rewrite removes the orphan
    assert not (img / "wiring_gone.svg").exists()


# ----- the state diagram says what the table says, in console words -----
def test_every_state_is_a_box_in_the_diagram():
    nodes = [e.get("data-node") for e in ET.fromstring(DRAWN["state_diagram.svg"]).iter(
        SVG + "rect") if e.get("data-node")]
    assert sorted(nodes) == sorted(STATES)


def test_every_trigger_is_shown_by_its_console_words_not_its_table_name():
    shown = texts(DRAWN["state_diagram.svg"])
    joined = " ".join(shown)
    for trigger in {row[0] for row in TRANSITIONS}:
        assert state_svg.words(trigger)[0] in joined, trigger
    for internal in ("prime_done", "bolus_done", "bolus_cut", "fault", "decommission]"):
        assert not any(internal in t for t in shown), internal


# Words of WORDS that are not a console command: the patient's button, and the line that
# cancels a staged refill (any line but confirm).
NOT_COMMANDS = {"button", "any other line"}


def test_command_words_name_commands_the_console_has():
    console = {entry[0] for entry in COMMANDS}
    for trigger, (said, kind) in state_svg.WORDS.items():
        if kind != state_svg.COMMAND:
            assert said.startswith("! "), trigger  # an event line, as the console prints
            continue
        for part in said.split(" / "):
            assert part in NOT_COMMANDS or part.split()[0] in console, (trigger, part)


def test_a_trigger_without_console_words_is_refused(monkeypatch):
    monkeypatch.delitem(state_svg.WORDS, "resume")
    with pytest.raises(state_svg.StateLayoutError, match="resume"):
        state_svg.render()
    assert TOOL.main(["--check"]) == 1  # said as a sentence, no traceback


def test_a_state_without_a_place_is_refused(monkeypatch):
    monkeypatch.delitem(state_svg.PLACES, "priming")
    with pytest.raises(state_svg.StateLayoutError, match="priming"):
        state_svg.render()


# ----- wiring pictures say what the config says -----
@pytest.mark.parametrize("config", sorted((REPO / "board_configs").glob("*.json")),
                         ids=lambda p: p.stem)
def test_wiring_shows_every_pin_of_the_config_on_its_gpio(config):
    c = json.loads(config.read_text(encoding="utf-8"))
    shown = " ".join(texts(DRAWN["wiring_%s.svg" % config.stem]))
    assert c["name"] in shown
    for pin, gp in c["pins"].items():
        assert pin in shown and "GP%d " % gp in shown, pin
    assert c["syringe"]["model"] in shown


def test_a_config_the_firmware_refuses_is_not_drawn():
    c = json.loads((REPO / "board_configs" / "pico_a4988_m5_bd1ml.json").read_text())
    c["pins"]["buzzer"] = c["pins"]["step"]
    with pytest.raises(wiring_svg.WiringError, match="refuses"):
        wiring_svg.render(json.dumps(c), "bad.json")


def test_a_pin_the_picture_does_not_know_is_refused(monkeypatch):
    monkeypatch.setattr(wiring_svg, "PARTS", [p for p in wiring_svg.PARTS
                                              if p[0] != "buzzer"])
    text = (REPO / "board_configs" / "pico_a4988_m5_bd1ml.json").read_text()
    with pytest.raises(wiring_svg.WiringError, match="buzzer"):
        wiring_svg.render(text, "pico_a4988_m5_bd1ml.json")


# ----- text that can be read -----
@pytest.mark.parametrize("name", sorted(DRAWN))
def test_generated_picture_has_no_overlapping_text(name):
    assert overlap.problems(DRAWN[name]) == []


@pytest.mark.parametrize("name", sorted(DRAWN))
def test_generated_picture_fits_a_docs_page(name):
    width = float(ET.fromstring(DRAWN[name]).get("width"))
    assert width <= 820


def _svg(*body, width=300, height=100):
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d">%s</svg>'
            % (width, height, "".join(body)))


def test_overlap_check_finds_two_texts_on_each_other():
    found = overlap.problems(_svg('<text x="10" y="30" font-size="12">stopped</text>',
                                  '<text x="30" y="34" font-size="12">running</text>'))
    assert found == ["text 'stopped' overlaps text 'running'"]


def test_overlap_check_finds_text_on_a_box_not_its_own_and_lets_it_sit_in_its_own():
    box = '<rect x="0" y="10" width="120" height="40" data-node="stopped"/>'
    mine = '<text x="10" y="34" font-size="12" data-owner="stopped">stopped</text>'
    other = '<text x="150" y="34" font-size="12">start</text>'
    assert overlap.problems(_svg(box, mine, other)) == []
    on_it = '<text x="100" y="34" font-size="12">start</text>'
    assert overlap.problems(_svg(box, mine, on_it)) == [
        "text 'start' lies on node stopped"]
    big = '<text x="10" y="34" font-size="12" data-owner="stopped">stopped for good now</text>'
    assert overlap.problems(_svg(box, big)) == [
        "text 'stopped for good now' sticks out of its node stopped"]


def test_overlap_check_finds_text_leaving_the_picture_and_refuses_transforms():
    assert overlap.problems(_svg('<text x="250" y="30" font-size="12">decommission</text>'))
    with pytest.raises(ValueError, match="transform"):
        overlap.problems(_svg('<g transform="rotate(90)"><text x="1" y="20">a</text></g>'))


def test_two_states_in_one_place_are_refused(monkeypatch):
    monkeypatch.setitem(state_svg.PLACES, "running", state_svg.PLACES["stopped"])
    with pytest.raises(state_svg.StateLayoutError, match="shares its place"):
        state_svg.render()


def test_a_picture_whose_text_overlaps_is_not_written(tmp_path, monkeypatch):
    # A label with no free spot anywhere: placed at its first, over its neighbours.
    monkeypatch.setitem(state_svg.WORDS, "start", ("start " * 12, state_svg.COMMAND))
    assert TOOL.main([], img=tmp_path) == 1
    assert list(tmp_path.iterdir()) == []


def test_text_boxes_are_at_least_as_wide_as_dejavu_sans_draws_them():
    """The estimate is only a check if it is conservative: every line of every picture,
    measured in the widest common sans-serif the SVGs ask for first."""
    measure = TextToPath()
    for name, svg in DRAWN.items():
        for e in ET.fromstring(svg).iter(SVG + "text"):
            text, size = "".join(e.itertext()), float(e.get("font-size"))
            bold = e.get("font-weight") == "bold"
            font = FontProperties(family="DejaVu Sans", size=size,
                                  weight="bold" if bold else "normal",
                                  style=e.get("font-style", "normal"))
            width = measure.get_text_width_height_descent(text, font, ismath=False)[0]
            box = overlap.text_box(e)
            assert width <= box.x1 - box.x0, (name, text)
