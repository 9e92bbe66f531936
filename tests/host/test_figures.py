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

