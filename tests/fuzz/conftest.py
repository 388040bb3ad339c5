"""The hypothesis budget for the fuzzers: bounded, so the suite stays fast on a 2-core CI machine.

CITYLINE_FUZZ_EXAMPLES raises it for a longer run by hand.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "cityline-ci",
    max_examples=int(os.environ.get("CITYLINE_FUZZ_EXAMPLES", "60")),
    deadline=None,  # a webhook touches Redis and SQL; timing is not what these tests check
    derandomize=True,  # the same examples on every run, so a CI failure can be reproduced
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
settings.load_profile("cityline-ci")
