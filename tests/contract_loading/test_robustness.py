"""Loading and linting never raise, whatever the files hold."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specmock.contract import lint_contract, load_contract

from .conftest import Write, found, openapi

_REFS = st.sampled_from(
    [
        "#",
        "#/",
        "#/paths",
        "#/components/schemas/A",
        "#/components/schemas/Missing",
        "#foo",
        "other.yaml",
        "other.yaml#/A",
        "other.yaml#/nope",
        "missing.yaml",
        "#/x-specmock",
        "https://example.com/x",
        "%zz",
        "",
    ]
)
_KEYS = st.sampled_from(
    [
        "openapi",
        "info",
        "paths",
        "components",
        "schemas",
        "A",
        "B",
        "x-specmock",
        "collections",
        "get",
        "/p/{id}",
        "responses",
        "200",
        "schema",
        "items",
        "properties",
        "seed",
        "records",
        "idField",
        "action",
        "collection",
        "example",
        "$ref",
    ]
)
_LEAVES = st.none() | st.booleans() | st.integers() | st.text(max_size=5) | _REFS
_TREES = st.recursive(
    _LEAVES,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(_KEYS, children, max_size=4)
        | st.builds(lambda ref: {"$ref": ref}, _REFS)
    ),
    max_leaves=25,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(root=st.dictionaries(_KEYS, _TREES, max_size=5), other=_TREES)
def test_lint_never_raises(root: dict[str, Any], other: Any) -> None:
    # Given a root document and a sibling file of random shape, full of good and bad $refs
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "openapi.yaml").write_text(yaml.safe_dump({"openapi": "3.1.0", **root}))
        Path(folder, "other.yaml").write_text(yaml.safe_dump(other))

        # When it is linted
        problems = lint_contract(folder)

    # Then the result is a list of diagnostics, each one line
    assert all("\n" not in str(problem) for problem in problems)


def test_alias_that_contains_itself(write: Write, tmp_path: Path) -> None:
    # Given a YAML alias nested in its own anchor
    write("openapi.yaml", openapi("paths: {}\nx-a: &a [*a]\n"))

    # When it is loaded
    contract = load_contract(tmp_path)

    # Then that is a diagnostic at the anchor's node, not a RecursionError
    [(file, pointer, message, _)] = found(contract.diagnostics, tmp_path)
    assert (file, pointer) == ("openapi.yaml", "")
    assert message.startswith("invalid YAML at ")
    assert message.endswith(": an alias refers to the node that contains it")


def _alias_bomb(levels: int) -> str:
    """A "billion laughs": each level an array of nine aliases of the level below."""
    lines = ['x-l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"x-l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_aliases_that_expand_past_the_budget_are_one_diagnostic(write: Write,
                                                                tmp_path: Path) -> None:
    # Given ten lines of nested aliases that would expand to about 400 million nodes
    write("openapi.yaml", openapi("paths: {}\n" + _alias_bomb(9)))

    # When the contract is loaded
    contract = load_contract(tmp_path)

    # Then loading stops at the budget with one diagnostic saying what to do instead
    [(file, _, message, _)] = found(contract.diagnostics, tmp_path)
    assert file == "openapi.yaml"
    assert "aliases expand this document beyond" in message
    assert "$ref" in message


def test_a_few_aliases_within_the_budget_load_as_written(write: Write, tmp_path: Path) -> None:
    # Given aliases that expand to a few thousand nodes
    write("openapi.yaml", openapi("paths: {}\n" + _alias_bomb(3)))

    # When the contract is loaded
    contract = load_contract(tmp_path)

    # Then every alias is expanded as YAML says
    assert contract.loaded
    assert len(contract.document["x-l2"]) == 9
    assert contract.document["x-l2"][8][8] == ["lol"] * 9
