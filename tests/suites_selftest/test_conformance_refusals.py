"""The conformance run's view of refusals: an undocumented 4xx to data made invalid on purpose
is noted, not failed; a transport-limit refusal (413/414/431) is the HTTP layer's; a valid
request answered with an undocumented status still fails."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
import schemathesis
from schemathesis.openapi.checks import UndefinedStatusCode

from specmock_suites.conformance import schemathesis_config, status_code_conformance_of_refusals
from specmock_suites.expect import ContractWarning


def case(*, negative: bool, documented: tuple[str, ...] = ("200",)) -> Any:
    """A stand-in for a schemathesis case: its generation mode and its documented statuses."""
    mode = SimpleNamespace(is_negative=negative)
    meta = SimpleNamespace(generation=SimpleNamespace(mode=mode), components={})
    operation = SimpleNamespace(label="GET /things", responses=SimpleNamespace(
        status_codes=documented))
    return SimpleNamespace(meta=meta, operation=operation)


def answer(status: int) -> Any:
    return SimpleNamespace(status_code=status)


@pytest.mark.parametrize("status", [400, 404, 405, 422])
def test_an_undocumented_refusal_of_invalid_data_is_noted(status: int) -> None:
    # Given a negative case answered with a client error the document does not declare
    # When the status is judged / Then it is a warning, not a failure
    with pytest.warns(ContractWarning, match=f"refused invalid input with {status}"):
        assert status_code_conformance_of_refusals(None, answer(status), case(negative=True)) \
            is None


@pytest.mark.parametrize("status", [413, 414, 431])
def test_a_transport_limit_refusal_is_noted_even_for_valid_data(status: int) -> None:
    # Given a valid case whose generated URL, header or body passed the server's limits
    # Then its refusal is the HTTP layer's, noted as such
    with pytest.warns(ContractWarning, match="before the operation read it"):
        assert status_code_conformance_of_refusals(None, answer(status), case(negative=False)) \
            is None


def test_a_valid_request_answered_with_an_undocumented_status_still_fails() -> None:
    # Given a real schemathesis case of an operation documenting only 200 (no negative parts)
    schema = schemathesis.openapi.from_dict({
        "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "paths": {"/things": {"get": {"responses": {"200": {"description": "ok"}}}}}})
    valid = schema["/things"]["GET"].Case()
    # When it is answered 400 / Then the status check fails as schemathesis's does
    with pytest.raises(UndefinedStatusCode):
        status_code_conformance_of_refusals(None, answer(400), valid)


def test_the_suites_generate_no_nul_characters() -> None:
    # Given the suites' schemathesis configuration for any document
    config = schemathesis_config({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
                                  "paths": {}})
    # Then strings are generated without NUL, which real stacks refuse whatever the schema says
    # (the DRF reference deployment in test_drf_reference.py answers "Null characters are not
    # allowed." to a filter holding one)
    assert config.projects.default.generation.allow_x00 is False
