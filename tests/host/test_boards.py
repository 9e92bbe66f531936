"""--board's names for the shipped rigs, taken by every verb that has --board, and what
a deploy does with the board's own board.json: kept unless a config is named, and one
that differs only put in its place when forced, with every differing field shown."""
import json

import pytest

from pumpctl import boards, cli

SHIPPED = boards.SHIPPED
BD1 = SHIPPED / "pico_a4988_m5_bd1ml.json"
BD60 = SHIPPED / "pico_tmc2209_t8_bd60ml.json"


def test_every_shipped_config_has_its_own_short_name():
    names = boards.shipped()
    assert sorted(names.values()) == sorted(SHIPPED.glob("*.json"))
    assert {"bd1ml", "bd60ml"} <= set(names)


@pytest.mark.parametrize("name", ["bd1ml", "BD1ML", "pico_a4988_m5_bd1ml",
                                  "pico_a4988_m5_bd1ml.json", "a4988", "1ml"])
def test_a_short_name_stem_or_unique_piece_names_a_shipped_rig(name):
    assert boards.resolve(name) == BD1


def test_a_path_is_taken_as_it_is(tmp_path):
    mine = tmp_path / "bd1ml"  # a file wins over a shipped name
    mine.write_text(json.dumps({"name": "mine"}))
    assert boards.resolve(str(mine)) == mine


@pytest.mark.parametrize("name, why", [("bd2ml", "neither a file nor a shipped rig"),
                                       ("bd", "matches 3 shipped configs"),
                                       ("/no/such/board.json", "neither a file")])
def test_an_unknown_or_ambiguous_name_lists_the_shipped_rigs(name, why):
    with pytest.raises(boards.BoardError) as caught:
        boards.resolve(name)
    assert why in str(caught.value)
    for short, path in boards.shipped().items():
        assert "%s (%s)" % (short, path.name) in str(caught.value)


@pytest.mark.parametrize("text", ["not json", "[1, 2]", "\udcff"])
def test_a_file_that_is_no_config_is_refused_before_any_board(tmp_path, text):
    bad = tmp_path / "bad.json"
    bad.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(boards.BoardError, match="is not a board config"):
        boards.resolve(str(bad))


VERBS_WITH_BOARD = ["sim", "emu", "console", "run", "status", "log", "record", "deploy"]


def _args_for(verb, board):
    extra = {"run": ["x.pump"], "record": ["-o", "x.jsonl"], "deploy": ["--port", "p"]}
    return [verb] + extra.get(verb, []) + ["--board", board]


@pytest.mark.parametrize("verb", VERBS_WITH_BOARD)
def test_every_verb_with_board_takes_the_short_names(verb, tmp_path, monkeypatch):
    (tmp_path / "x.pump").write_text("status\n")
    monkeypatch.chdir(tmp_path)
    args = cli.build_parser().parse_args(_args_for(verb, "bd1ml"))
    assert args.board == BD1


def test_the_verbs_with_board_are_all_listed_here():
    sub = next(a for a in cli.build_parser()._actions if a.dest == "verb")
    have = sorted(v for v, p in sub.choices.items()
                  if any(a.dest == "board" for a in p._actions))
    assert have == sorted(VERBS_WITH_BOARD)


def test_only_deploy_defaults_to_the_boards_own_config(tmp_path, monkeypatch):
    (tmp_path / "x.pump").write_text("status\n")
    monkeypatch.chdir(tmp_path)
    parser = cli.build_parser()
    assert parser.parse_args(["deploy", "--port", "p"]).board is None
    assert parser.parse_args(["run", "x.pump"]).board == BD60


# ----- a deploy's choice: boards.replaces(what the board has, --board, --force) -----
CALIBRATED = dict(json.loads(BD60.read_text()), calibration_ppm=1035895)


def _said():
    lines = []
    return lines, lines.append


def test_without_board_the_boards_config_is_kept_and_named():
    lines, say = _said()
    assert boards.replaces(json.dumps(CALIBRATED).encode(), None, say=say) is False
    assert "keeping the board's board.json" in lines[0]
    assert "calibration_ppm 1035895" in lines[0]


def test_without_board_a_board_with_no_config_is_refused_with_the_names():
    with pytest.raises(boards.ConfigKept, match="no board.json.*bd1ml"):
        boards.replaces(None, None)


def test_a_config_the_board_lacks_or_already_has_goes_on_unforced():
    assert boards.replaces(None, BD60) is True
    assert boards.replaces(BD60.read_bytes().replace(b"\n", b" "), BD60) is True


def test_a_changed_calibration_is_shown_old_and_new_and_needs_force():
    with pytest.raises(boards.ConfigKept) as caught:
        boards.replaces(json.dumps(CALIBRATED).encode(), BD60)
    assert "calibration_ppm: 1035895 -> 1000000" in str(caught.value)
    assert "--force" in str(caught.value)
    lines, say = _said()
    assert boards.replaces(json.dumps(CALIBRATED).encode(), BD60, force=True, say=say)
    assert "calibration_ppm: 1035895 -> 1000000" in lines[0]


def test_every_differing_field_is_shown_nested_ones_by_their_path():
    old = json.loads(BD1.read_text())
    new = json.loads(BD60.read_text())
    shown = boards.diff_text(old, new).splitlines()
    assert '  driver: "a4988" -> "tmc2209"' in shown
    assert "  syringe.capacity_ul: 1000 -> 60000" in shown
    assert "  pins.occlusion: 10 -> (none)" in shown  # a pin only one side has
    assert not [line for line in shown if line.startswith("  pins.step:")]  # the same
    assert len(shown) == 15


def test_a_broken_config_on_the_board_is_replaced_only_when_forced():
    with pytest.raises(boards.ConfigKept):
        boards.replaces(b"{not json", BD60)
    assert boards.replaces(b"{not json", BD60, force=True, say=lambda _t: None)
