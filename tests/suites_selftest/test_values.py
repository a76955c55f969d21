"""Field values the suites send are valid for their schemas; unique values stay valid."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped, unused-ignore]

from specmock.suites_support import ContractModel
from specmock.suites_support.schemas import merged, object_shape
from specmock_suites.bodies import variants
from specmock_suites.values import value_strategy
from tests.suites_selftest.harness import CONTRACTS


def write_fields() -> list[tuple[str, str, dict[str, Any]]]:
    """(contract, field, schema) of every non-file field of every write body."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for name in ("dmlf", "freezerworks"):
        model = ContractModel.load(CONTRACTS / name)
        for op in model.operations:
            if op.action in ("create", "update", "replace"):
                for _media, schema in op.bodies.items():
                    for field, sub in object_shape(schema).writable().items():
                        if merged(sub).get("format") != "binary":
                            found[(name, field)] = merged(sub)
    return [(c, f, s) for (c, f), s in sorted(found.items())]


FIELDS = write_fields()


@pytest.mark.parametrize(
    ("contract", "field", "schema"), FIELDS, ids=[f"{c}-{f}" for c, f, _ in FIELDS]
)
def test_generated_values_fit_their_schema(
    contract: str, field: str, schema: dict[str, Any]
) -> None:
    """Given a write body field, when values are generated for it, then each one validates."""
    validator = Draft202012Validator(schema, format_checker=FormatChecker())

    @given(value=value_strategy(schema))
    def check(value: Any) -> None:
        assert not list(validator.iter_errors(value)), value

    check()


@given(value=st.from_regex(r"^[0-9]{6}_[0-9]{6}_[0-9]{6}$", fullmatch=True), n=st.integers(1, 30))
def test_variants_of_a_patterned_value_keep_the_pattern(value: str, n: int) -> None:
    """Given a value of a patterned unique field, then every variant offered still fits."""
    pattern = r"^[0-9]{6}_[0-9]{6}_[0-9]{6}$"
    made = []
    for variant in variants(value, {"pattern": pattern}):
        made.append(variant)
        if len(made) == n:
            break
    assert all(re.fullmatch(pattern, v) for v in made)
    assert len(set(made)) == len(made)


@given(value=st.text("abc", min_size=1, max_size=64))
def test_variants_of_free_text_respect_the_maximum_length(value: str) -> None:
    """Given free text with a maximum length, then suffixed variants never exceed it."""
    made = [v for _, v in zip(range(12), variants(value, {"maxLength": 64}), strict=False)]
    assert all(len(v) <= 64 for v in made)
    assert len(set(made)) == len(made)
