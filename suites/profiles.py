"""The hypothesis profiles of the suites and the toolkit's tests: `ci` and `thorough`.

`ci` keeps the full run within minutes on a 2-core machine; `thorough` is for longer runs.
Registered on import (by the root conftest.py in a checkout, and by the suites' plugin where
`specmock test` runs them from an installed package, with no conftest of ours around).
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

PROFILES = ("ci", "thorough")

settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("thorough", max_examples=1000, deadline=None, print_blob=True)


def load_run_profile(name: str, max_examples: int | None) -> None:
    """Load profile `name`, with `max_examples` instead of its own if given."""
    if max_examples is None:
        settings.load_profile(name)
        return
    settings.register_profile(
        "specmock-run", parent=settings.get_profile(name), max_examples=max_examples
    )
    settings.load_profile("specmock-run")
