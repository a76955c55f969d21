"""The suites against a real framework: the DMLF reference deployment on Django REST framework.

A correct deployment (tests/drf_reference, throttled as the real service: 10 anonymous token
requests a day) must pass every suite with zero failures and within its token budget; each
broken variant, breaking one documented rule the way real deployments break it, must fail the
suite test for that rule with a message naming it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.drf_reference.running import reference
from tests.suites_selftest.harness import run_suites

pytestmark = pytest.mark.slow
TOKEN_BUDGET = 10


def token_requests(output: str) -> int:
    """The token requests a suite run reports in its summary."""
    found = re.search(r"token requests dmlf: (\d+) token requests", output)
    assert found is not None, f"the run did not report its token requests:\n{output[-3000:]}"
    return int(found.group(1))


def test_the_drf_reference_passes_every_suite_within_its_token_budget(tmp_path: Path) -> None:
    """Given a correct DRF deployment of the DMLF contract with the real throttle, when every
    suite runs against it, then nothing fails, the suites did run, and at most 10 token
    requests were made."""
    with reference() as url:
        run = run_suites(url, "dmlf", [""], tmp_path / "junit.xml")
    failures = "\n\n".join(f"{o.name}: {o.message[:1500]}" for o in run.failed())
    assert not run.failed(), failures
    assert run.returncode == 0, run.output
    assert sum(not o.skipped for o in run.outcomes) > 20
    assert token_requests(run.output) <= TOKEN_BUDGET


@dataclass(frozen=True)
class Variant:
    """A broken variant, the suite run that must catch it, and what the failure must say."""

    broken: str
    module: str
    select: str
    failing: str
    message: str
    access_ttl: float | None = None


VARIANTS = [
    Variant(
        "expired_accepted",
        "test_auth.py",
        "refuses_a_bad_token and expired",
        "test_every_protected_operation_refuses_a_bad_token[dmlf-expired]",
        "a bearer token that is expired is refused with 401",
        access_ttl=2,
    ),
    Variant(
        "refresh_as_access",
        "test_auth.py",
        "refuses_a_bad_token and wrong",
        "test_every_protected_operation_refuses_a_bad_token[dmlf-wrong type",
        "a bearer token that is wrong type (a refresh token) is refused",
    ),
    Variant(
        "filter_ignored",
        "test_crud.py",
        "state_machine and samples",
        "test_crud_state_machine[dmlf-samples]",
        "gives exactly the records with it",
    ),
    Variant(
        "patch_resets",
        "test_crud.py",
        "patch_changes_only and samples",
        "test_patch_changes_only_the_fields_it_sends[dmlf-samples]",
        "PATCH changes only the fields it sends",
    ),
    Variant(
        "paginated_list",
        "test_conformance.py",
        "conformance_dmlf and institutes",
        "test_conformance_dmlf",
        "Response violates schema",
    ),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.broken for v in VARIANTS])
def test_a_broken_drf_deployment_fails_the_suite_test_for_its_rule(
    variant: Variant, tmp_path: Path
) -> None:
    """Given the DRF deployment broken in one documented rule, when the suite for that rule
    runs against it, then that test fails saying which rule, with the exchange to reproduce."""
    extra = ["-k", variant.select]
    if variant.access_ttl is not None:
        extra += ["--token-ttl", str(variant.access_ttl)]
    with reference(variant.broken, access_ttl=variant.access_ttl) as url:
        run = run_suites(url, "dmlf", [variant.module], tmp_path / "junit.xml", *extra)
    failure = run.failure_of(variant.failing)
    assert failure is not None, f"{variant.failing} did not fail:\n{run.output[-6000:]}"
    assert variant.message in failure.message, failure.message
    assert url in failure.message, failure.message
    assert token_requests(run.output) <= TOKEN_BUDGET
