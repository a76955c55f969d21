"""Root conftest: hypothesis profiles shared by tests/ and suites/.

`ci` (the default) keeps the full run within minutes on a 2-core machine; `thorough` is for
longer runs: `pytest --hypothesis-profile thorough`.
"""

from __future__ import annotations

import os
import tempfile

from hypothesis import settings

import specmock_suites.profiles  # noqa: F401  (registers the `ci` and `thorough` profiles)

# pytester drives nested pytest runs in tests/plugin; pytest only allows this at the root.
# specmock_suites.plugin adds the contract suites' options (--contract, --target, ...) and summary.
pytest_plugins = ["pytester", "specmock_suites.plugin"]

settings.load_profile("ci")


def pytest_configure() -> None:
    """The tests remember OpenAPI-check passes in a folder of their own, never the user's
    ~/.cache/specmock (servers started as processes inherit it)."""
    if "SPECMOCK_CACHE_DIR" not in os.environ:
        os.environ["SPECMOCK_CACHE_DIR"] = tempfile.mkdtemp(prefix="specmock-test-cache-")
