"""The figures README.md and docs/ quote are the ones `make bench` measured (issue 18,
item 9): each quote, a link to its key in docs/figures.json, says exactly the file's
value, names a key the file has, and every figure in the file is quoted somewhere.
Never runs a benchmark (CI does not: timings flake); `make bench` writes the file and
the quotes (tools/figures.py)."""
import importlib.util
import json

from conftest import REPO

_spec = importlib.util.spec_from_file_location("figures", REPO / "tools" / "figures.py")
figures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(figures)


def test_every_quoted_figure_is_the_measured_one_and_every_figure_is_quoted():
    assert figures.problems(figures.load(), figures.documents()) == []


def test_the_documents_quote_the_bench_figures():
    keys = {key for _, _, _, key in figures.quotes(figures.documents())}
    for key in ("core.cpython.days_per_s", "console.month_event", "console.year",
                "core.mpy", "firmware.deployed", "occlusion.bd60ml.alarm"):
        assert key in keys


def _repo(tmp_path, doc, figs):
    (tmp_path / "docs").mkdir()
    (tmp_path / "README.md").write_text(doc)
    (tmp_path / "docs" / "a.md").write_text("A month in [1.4 s](figures.json#m).\n")
    path = tmp_path / "docs" / "figures.json"
    path.write_text(json.dumps({k: {"value": v, "measured": "2026-12-07"}
                                for k, v in figs.items()}))
    return figures.load(path), figures.documents(tmp_path)


def test_a_drifted_figure_an_unknown_key_and_an_unquoted_figure_each_fail(tmp_path):
    figs, docs = _repo(tmp_path, "Status in [3.16 ms](docs/figures.json#s), a year in "
                       "[20.0 s](docs/figures.json#y).\n",
                       {"m": "1.4 s", "s": "3.20 ms", "unread": "7 KB"})
    said = figures.problems(figs, docs)
    assert len(said) == 3, said
    assert "README.md:1: [3.16 ms] quotes s, which is '3.20 ms'" in said[0]
    assert "[20.0 s] quotes y, which docs/figures.json lacks" in said[1]
    assert "unread ('7 KB') is quoted nowhere" in said[2]


def test_a_quote_broken_over_two_lines_is_not_read_as_none(tmp_path):
    figs, docs = _repo(tmp_path, "a month in [1.4\ns](docs/figures.json#m)\n", {"m": "1.4 s"})
    assert figures.problems(figs, docs) == [
        "README.md:2: a link to a figure that is not [text](figures.json#key) on one line"]


def test_sync_sets_each_quote_to_its_figure_and_nothing_else(tmp_path):
    figs, docs = _repo(tmp_path, "[3.16 ms](docs/figures.json#s) and 3.16 ms [x](y)\n",
                       {"m": "1.5 s", "s": "3.20 ms"})
    changed = figures.sync(figs, docs)
    assert changed == ["README.md: s 3.16 ms -> 3.20 ms", "a.md: m 1.4 s -> 1.5 s"]
    assert (tmp_path / "README.md").read_text() == \
        "[3.20 ms](docs/figures.json#s) and 3.16 ms [x](y)\n"
    assert figures.problems(figs, docs) == []


def test_a_bench_run_keeps_the_figures_it_did_not_measure(tmp_path):
    path = tmp_path / "figures.json"
    figures.write({"a": "1 s", "b": "2 s"}, path, when="2026-12-01")
    figs = figures.write({"b": "3 s"}, path, when="2026-12-07")
    assert figs == {"a": {"value": "1 s", "measured": "2026-12-01"},
                    "b": {"value": "3 s", "measured": "2026-12-07"}}

