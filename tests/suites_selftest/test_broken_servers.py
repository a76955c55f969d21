"""The suites catch what they promise to catch: each broken server fails the right suite test,
with a message that names the rule and gives a curl command to reproduce it; a correct server
passes every suite.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.suites_selftest import broken
from tests.suites_selftest.harness import CONTRACTS, run_suites, served

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Case:
    """A broken server, where it is run, and how the suites must report it."""

    breaker: type[broken.Breaker]
    contract: str
    module: str
    select: str
    failing: str
    message: str


CASES = [
    Case(
        broken.AcceptsExpiredTokens,
        "dmlf",
        "test_auth.py",
        "refuses_a_bad_token",
        "test_every_protected_operation_refuses_a_bad_token[dmlf-expired]",
        "contract rule: a bearer token that is expired is refused with 401",
    ),
    Case(
        broken.DropsLastRecordOfPages,
        "freezerworks",
        "test_pagination.py",
        "matching_slice",
        "test_every_page_is_the_matching_slice_of_the_list[freezerworks-",
        "contract rule: a page holds every record of its slice of the list",
    ),
    Case(
        broken.IgnoresDatasetIds,
        "freezerworks",
        "test_pagination.py",
        "data_set_do_not_shift",
        "test_pages_of_a_data_set_do_not_shift[freezerworks-",
        "answers that data set",
    ),
    Case(
        broken.SirenLinkWithoutHref,
        "freezerworks",
        "test_siren.py",
        "siren_entity",
        "test_every_response_is_a_siren_entity[freezerworks]",
        "'href' is a required property",
    ),
    Case(
        broken.PatchReplaces,
        "freezerworks",
        "test_crud.py",
        "patch",
        "test_patch_changes_only_the_fields_it_sends[freezerworks-aliquots]",
        "contract rule: PATCH changes only the fields it sends",
    ),
    Case(
        broken.DeleteKeepsRecord,
        "dmlf",
        "test_crud.py",
        "deleted",
        "test_deleted_records_are_gone[dmlf-",
        "contract rule: DELETE then GET must be 404",
    ),
    Case(
        broken.FieldOfWrongType,
        "dmlf",
        "test_conformance.py",
        "conformance_dmlf and projects",
        "test_conformance_dmlf",
        "Response violates schema",
    ),
    Case(
        broken.AcceptsInvalidMultipartUpdates,
        "dmlf",
        "test_conformance.py",
        "conformance_dmlf and experiments",
        "test_conformance_dmlf",
        "Schema-violating request accepted",
    ),
    Case(
        broken.CreatedAnswers200,
        "freezerworks",
        "test_crud.py",
        "created",
        "test_created_records_read_back_as_sent[freezerworks-aliquots]",
        "contract rule: a valid create answers 201",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.breaker.rule for c in CASES])
def test_a_broken_server_fails_the_suite_test_for_its_rule(case: Case, tmp_path: Path) -> None:
    """Given a server that breaks one rule, when its suite runs against it, then the test for
    that rule fails and says which rule, what was sent and received, and how to reproduce it."""
    breaker = case.breaker(str(CONTRACTS / case.contract))
    with served(breaker) as url:
        run = run_suites(
            url, case.contract, [case.module], tmp_path / "junit.xml", "-k", case.select
        )
    failure = run.failure_of(case.failing)
    assert failure is not None, f"{case.failing} did not fail:\n{run.output}"
    assert case.message in failure.message, failure.message
    assert "curl" in failure.message, failure.message
    assert url in failure.message, failure.message


@pytest.mark.parametrize("contract", ["dmlf", "freezerworks"])
def test_a_correct_server_passes_every_suite(contract: str, tmp_path: Path) -> None:
    """Given the unbroken engine served like a deployment, when every suite runs against it,
    then nothing fails and the suites that apply to the contract did run."""
    with served(broken.Breaker(str(CONTRACTS / contract))) as url:
        run = run_suites(url, contract, [""], tmp_path / "junit.xml")
    assert run.returncode == 0, run.output
    assert not run.failed()
    assert sum(not o.skipped for o in run.outcomes) > 20
