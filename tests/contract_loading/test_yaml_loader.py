"""YAML loading: YAML 1.2 scalars, string keys, and syntax errors as diagnostics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from specmock.contract import load_contract, load_yaml
from specmock.contract.yaml_loader import FLOAT_12, INT_12

from .conftest import Write, found


def test_yaml_11_booleans_dates_and_integer_keys_stay_strings() -> None:
    # Given YAML 1.1 lookalikes: on/off/yes/no, a date, and an integer key
    text = "a: on\nb: off\nc: yes\nd: No\ne: 2024-06-16\n200: ok\nf: true\ng: FALSE\n"

    # When it is loaded
    data = load_yaml(text)

    # Then only true/false are booleans, the date is text and the key is the string "200"
    assert data == {
        "a": "on",
        "b": "off",
        "c": "yes",
        "d": "No",
        "e": "2024-06-16",
        "200": "ok",
        "f": True,
        "g": False,
    }


def test_every_mapping_key_is_its_source_text() -> None:
    # Given keys that YAML 1.1 reads as a boolean, null, float or integer
    text = "on: 1\nnull: 2\n1.5: 3\n0x1F: 4\n"

    # When it is loaded
    data = load_yaml(text)

    # Then every key is the text written in the document
    assert list(data) == ["on", "null", "1.5", "0x1F"]


def test_numbers_follow_yaml_12() -> None:
    # Given integers and floats that YAML 1.1 reads differently (octal, sexagesimal, 1e5)
    text = "[017, 0o17, 0x1F, 1e5, '1e5', 1:30, 1_000, 0b11, .inf]"

    # When it is loaded
    data = load_yaml(text)

    # Then they are read as YAML 1.2 does
    assert data == [17, 15, 31, 100000.0, "1e5", "1:30", "1_000", "0b11", float("inf")]


def test_binary_and_timestamp_tags_stay_text() -> None:
    # Given explicitly tagged binary and timestamp values
    text = "a: !!binary aGVsbG8=\nb: !!timestamp 2024-06-16\n"

    # When it is loaded
    data = load_yaml(text)

    # Then they keep the text written (JSON has neither bytes nor dates)
    assert data == {"a": "aGVsbG8=", "b": "2024-06-16"}


def test_merge_keys_still_merge() -> None:
    # Given a mapping merged in with `<<` whose key is then overridden
    text = "base: &b {x: 1, y: 2}\nitem:\n  <<: *b\n  y: 3\n"

    # When it is loaded
    data = load_yaml(text)

    # Then the merge applies and the override wins
    assert data["item"] == {"x": 1, "y": 3}


def test_syntax_error_is_a_diagnostic_with_line_and_column(write: Write, tmp_path: Path) -> None:
    # Given an openapi.yaml whose third line has a stray colon in a plain scalar
    write("openapi.yaml", "openapi: 3.1.0\ninfo:\n  title: a: b\n")

    # When it is loaded
    contract = load_contract(tmp_path)

    # Then loading reports the line and column instead of raising
    assert found(contract.diagnostics, tmp_path) == [
        (
            "openapi.yaml",
            "",
            "invalid YAML at 3:11: mapping values are not allowed in this context",
            None,
        )
    ]
    assert not contract.loaded
    assert contract.document == {}


def test_tab_indentation_gets_a_hint(write: Write, tmp_path: Path) -> None:
    # Given an openapi.yaml indented with a tab
    write("openapi.yaml", "openapi: 3.1.0\ninfo:\n\ttitle: x\n")

    # When it is loaded
    contract = load_contract(tmp_path)

    # Then the diagnostic says where and why
    assert found(contract.diagnostics, tmp_path) == [
        (
            "openapi.yaml",
            "",
            "invalid YAML at 3:1: found character that cannot start any token",
            "indent with spaces: YAML does not allow tabs",
        )
    ]


def test_duplicate_key_is_reported_and_the_rest_loads(write: Write, tmp_path: Path) -> None:
    # Given a document that writes `info` twice
    write("openapi.yaml", "openapi: 3.1.0\ninfo: {title: a, version: '1'}\npaths: {}\ninfo: {}\n")

    # When it is loaded
    contract = load_contract(tmp_path)

    # Then the repetition is an error and the document is still loaded (last value wins)
    assert found(contract.diagnostics, tmp_path) == [
        (
            "openapi.yaml",
            "",
            "duplicate key 'info' at 4:1",
            "YAML keeps only the last value of a repeated key; remove or rename one",
        )
    ]
    assert contract.document["info"] == {}


def test_non_scalar_key_is_a_diagnostic(write: Write, tmp_path: Path) -> None:
    # Given a mapping with a sequence as a key
    write("openapi.yaml", "openapi: 3.1.0\n? [a, b]\n: x\n")

    # When it is loaded
    contract = load_contract(tmp_path)

    # Then the key is refused with its position
    assert found(contract.diagnostics, tmp_path) == [
        (
            "openapi.yaml",
            "",
            "invalid YAML at 2:3: found a non-scalar key (every key must be a string)",
            None,
        )
    ]


def test_root_document_that_is_not_a_mapping(write: Write, tmp_path: Path) -> None:
    # Given an openapi.yaml holding a list
    write("openapi.yaml", "- openapi\n")

    # When it is loaded
    contract = load_contract(tmp_path)

    # Then that is one diagnostic
    assert found(contract.diagnostics, tmp_path) == [
        (
            "openapi.yaml",
            "",
            "the document is a list, not a mapping",
            "an OpenAPI document is a mapping with openapi, info and paths",
        )
    ]


def test_empty_root_document(write: Write, tmp_path: Path) -> None:
    # Given an empty openapi.yaml
    write("openapi.yaml", "# nothing yet\n")

    # When it is loaded
    contract = load_contract(tmp_path)

    # Then that is one diagnostic
    assert found(contract.diagnostics, tmp_path) == [
        ("openapi.yaml", "", "the document is empty", None)
    ]


def test_json_syntax_error_in_a_referenced_file(write: Write, tmp_path: Path) -> None:
    # Given a contract referring to a JSON schema file with a trailing comma
    write(
        "openapi.yaml",
        """\
        openapi: 3.1.0
        info: {title: t, version: "1"}
        paths: {}
        components:
          schemas:
            Pet: {$ref: 'pet.json'}
        """,
    )
    write("pet.json", '{"type": "object",\n "required": ["a",]}\n')

    # When it is loaded
    contract = load_contract(tmp_path)

    # Then the JSON file's syntax error is reported once, with its position
    assert found(contract.diagnostics, tmp_path) == [
        ("pet.json", "", "invalid JSON at 2:19: Expecting value", None)
    ]


# The dumper speaks YAML 1.1 and writes `1e5` or `0o17` unquoted, which YAML 1.2 (and this loader)
# reads as numbers: such strings are the dumper's dialect, not something the loader loses.
_yaml12_only_numbers = st.text().filter(lambda s: not (INT_12.match(s) or FLOAT_12.match(s)))
_lookalikes = st.sampled_from(
    [
        "on",
        "off",
        "yes",
        "no",
        "y",
        "n",
        "Yes",
        "ON",
        "True",
        "NULL",
        "~",
        "null",
        "",
        "2024-06-16",
        "2001-12-14t21:59:43.10-05:00",
        "200",
        "017",
        "0x1F",
        "1:30",
        "1_000",
        "0b101",
        ".inf",
        ".NaN",
        "=",
        "<<",
        "-",
        "#",
        "- a",
        "a: b",
        "'",
        '"',
    ]
)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _lookalikes
    | _yaml12_only_numbers
)
_keys = _lookalikes | _yaml12_only_numbers
_trees = st.recursive(
    _scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_keys, children, max_size=4),
    max_leaves=20,
)


@given(_trees)
def test_safe_dump_then_load_gives_back_the_tree(tree: Any) -> None:
    # Given any JSON-like tree, strings that look like booleans, dates and numbers included
    # When it is dumped with yaml.safe_dump and loaded with the contract loader
    loaded = load_yaml(yaml.safe_dump(tree))

    # Then it is the same tree
    assert loaded == tree
