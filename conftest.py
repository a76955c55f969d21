"""Root conftest: hypothesis profiles shared by tests/ and suites/.

`ci` (the default) keeps the full run within minutes on a 2-core machine; `thorough` is for
longer runs: `pytest --hypothesis-profile thorough`.
"""

from __future__ import annotations

import os
import tempfile

from hypothesis import HealthCheck, settings

# pytester drives nested pytest runs in tests/plugin; pytest only allows this at the root.
# suites.plugin adds the contract suites' options (--contract, --target, ...) and summary.
pytest_plugins = ["pytester", "suites.plugin"]

settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("thorough", max_examples=1000, deadline=None, print_blob=True)
settings.load_profile("ci")


def pytest_configure() -> None:
    """The tests remember OpenAPI-check passes in a folder of their own, never the user's
    ~/.cache/specmock (servers started as processes inherit it)."""
    if "SPECMOCK_CACHE_DIR" not in os.environ:
        os.environ["SPECMOCK_CACHE_DIR"] = tempfile.mkdtemp(prefix="specmock-test-cache-")
