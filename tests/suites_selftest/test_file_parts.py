"""The file-aware negative-data check: a multipart body is judged with its file parts as the
binary strings the schema declares (specmock_suites.conformance)."""

from __future__ import annotations

from functools import cache
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode
from schemathesis.generation.meta import TestPhase
from schemathesis.transport.serialization import Binary

from specmock_suites.conformance import file_parts_as_text, is_valid_with_file_parts, with_links
from specmock_suites.context import ContractRef
from tests.suites_selftest.harness import CONTRACTS


@cache
def replace_experiment() -> Any:
    """DMLF's `PUT /experiments/{id}/` (multipart, with the `experiment_file` ZIP part)."""
    contract = ContractRef("dmlf", CONTRACTS / "dmlf")
    schema = schemathesis.openapi.from_dict(with_links(contract.model))
    return schema["/experiments/{id}/"]["PUT"]


def positive_with_a_file() -> st.SearchStrategy[Any]:
    """Positive cases schemathesis generates for the operation, their body holding a file part."""
    strategy = replace_experiment().as_strategy(
        generation_mode=GenerationMode.POSITIVE, phase=TestPhase.STATEFUL
    )
    return strategy.filter(
        lambda case: isinstance(case.body, dict)
        and isinstance(case.body.get("experiment_file"), Binary)
    )


FEW = settings(max_examples=5, suppress_health_check=list(HealthCheck))


@FEW
@given(case=positive_with_a_file())
def test_a_valid_body_changed_after_generation_is_judged_valid(case: Any) -> None:
    # Given a positive case whose body a stateful link changes to other valid values
    case.body = {**case.body, "date_created": "2024-01-02", "name": "XRD of NMC111"}
    # When schemathesis re-validates it, it reads as negative (its file part is bytes) ...
    assert case.meta.generation.mode.is_negative
    # Then the file-aware check sees a valid request
    assert is_valid_with_file_parts(case)


@FEW
@given(case=positive_with_a_file())
def test_an_invalid_body_changed_after_generation_is_left_to_the_builtin_check(case: Any) -> None:
    # Given a positive case whose body is changed to break the schema (name has minLength 1)
    case.body = {**case.body, "name": ""}
    # Then it is negative for the file-aware check too
    assert case.meta.generation.mode.is_negative
    assert not is_valid_with_file_parts(case)


@FEW
@given(case=positive_with_a_file())
def test_a_positive_case_is_not_judged_at_all(case: Any) -> None:
    # Given a positive case left as generated
    # Then it is not one the file-aware check lets pass as valid (the built-in skips it anyway)
    assert case.meta.generation.mode.is_positive
    assert not is_valid_with_file_parts(case)


@given(data=st.binary(max_size=64))
def test_file_parts_read_as_text_of_the_same_length(data: bytes) -> None:
    # Given a body holding a file part and a nested list with raw bytes
    body = {"file": Binary(data), "parts": [data, "x"], "n": 1}
    # When its file parts are read as text
    as_text = file_parts_as_text(body)
    # Then each is a string with one character per byte, and the rest is unchanged
    assert as_text["file"] == data.decode("latin-1")
    assert len(as_text["file"]) == len(data)
    assert as_text["parts"] == [data.decode("latin-1"), "x"]
    assert as_text["n"] == 1


@given(body=st.dictionaries(st.text(max_size=5), st.one_of(st.integers(), st.text(max_size=5))))
def test_a_body_without_file_parts_is_returned_as_it_is(body: dict[str, Any]) -> None:
    # Given a body without bytes, then it comes back as the same object
    assert file_parts_as_text(body) is body
