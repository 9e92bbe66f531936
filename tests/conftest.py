"""Shared pytest set-up: Hypothesis profiles, chosen by HYPOTHESIS_PROFILE.

"ci" is the default when CI is set (as .ci/run sees it), "dev" otherwise; "long" is for a
soak run by hand: HYPOTHESIS_PROFILE=long make test."""
import os

from hypothesis import settings

settings.register_profile("ci", max_examples=100, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)  # timings belong in tools/bench, not tests
settings.register_profile("long", max_examples=5000, deadline=None)

_on_ci = os.environ.get("CI", "").lower() in ("true", "1", "yes")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if _on_ci else "dev"))
