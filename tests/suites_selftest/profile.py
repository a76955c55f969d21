"""pytest plugin for the selftests' nested suite runs: a small, deterministic hypothesis profile.

`-p tests.suites_selftest.profile --hypothesis-profile selftest`: few examples, no shrinking (a
broken server is found, not minimised), derandomized so a run is the same every time.
"""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    "selftest",
    max_examples=20,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)
