"""A pytest plugin for tests/host/test_fast_tier.py, loaded with `-p collected` in a
`--collect-only` run: writes every test the run collected, whether it was selected, and
its slow and hil marks, as JSON to the file PUMP_COLLECTED names. Not a test module;
it never changes what is selected."""
import json
import os

_deselected = []


def pytest_deselected(items):
    _deselected.extend(items)


def pytest_collection_finish(session):
    # Called after every pytest_collection_modifyitems: the marks and -m's choice are final.
    def row(item, selected):
        marks = sorted({m.name for m in item.iter_markers()} & {"slow", "hil"})
        return {"id": item.nodeid, "selected": selected, "marks": marks}

    rows = [row(i, True) for i in session.items] + [row(i, False) for i in _deselected]
    with open(os.environ["PUMP_COLLECTED"], "w") as f:
        json.dump(rows, f, indent=0)
