"""Shared pytest set-up: Hypothesis profiles, chosen by HYPOTHESIS_PROFILE, and the tally of
what the verification tests covered.

"ci" is the default when CI is set (as .ci/run sees it), "dev" otherwise; "long" is for a
soak run by hand: HYPOTHESIS_PROFILE=long make test. "soak" is what `make soak`
(tools/soak.py) selects: PUMP_SOAK_EXAMPLES examples per property (1000 by default).
With PUMP_TALLY set to a path, the counts tests/host/tally.py gathered (examples,
invariants checked, bytes fuzzed, lines compared) are written there as JSON at the end."""
import json
import os
import sys

from hypothesis import settings

settings.register_profile("ci", max_examples=100, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)  # timings belong in tools/bench, not tests
settings.register_profile("long", max_examples=5000, deadline=None)
settings.register_profile("soak", max_examples=int(os.environ.get("PUMP_SOAK_EXAMPLES", "1000")),
                          deadline=None, print_blob=True)

_on_ci = os.environ.get("CI", "").lower() in ("true", "1", "yes")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if _on_ci else "dev"))


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("PUMP_TALLY")
    if not path:
        return
    tally = sys.modules.get("tally")  # imported only if a verification test ran
    with open(path, "w") as f:
        json.dump(tally.COUNTS if tally is not None else {}, f, indent=1, sort_keys=True)
