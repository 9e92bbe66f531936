"""What the verification tests covered, counted as they run: examples tried, invariants
checked, bytes fuzzed, reply lines compared. Not a test module.

The counts are the evidence a soak run prints (tools/soak.py): a long run that passes
says little unless it also says how much it tried. tests/conftest.py writes them as JSON
to the file named by PUMP_TALLY at the end of the session; without it they are dropped.
Counting never decides a test: the asserts do."""

COUNTS = {}


def add(key, n=1):
    COUNTS[key] = COUNTS.get(key, 0) + n
