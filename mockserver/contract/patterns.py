"""Every regular expression of the contract must compile in the validator that will run it.

The OpenAPI check asks Python's `re` whether a `pattern` is a regular expression; requests and
answers are checked by jsonschema-rs, whose engine refuses some patterns `re` accepts (nested
counted repeats past its size limit, for one). Such a contract was lint-clean and then crashed
`specmock serve`; this check makes it a lint problem that names the pattern.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema_rs

from specmock.contract.diagnostics import Diagnostic
from specmock.contract.model import LoadedContract
from specmock.core.limits import brief
from specmock.core.pointers import escape

# Values that are data, not schemas: a "pattern" inside an example is not a regular expression.
_DATA_KEYS = frozenset({"example", "examples", "default", "enum", "const"})


def check_patterns(contract: LoadedContract) -> list[Diagnostic]:
    """A problem for each `pattern` and `patternProperties` key jsonschema-rs cannot compile."""
    problems = []
    for pointer, pattern in _patterns(contract.document, ""):
        refusal = _refusal(pattern)
        if refusal is not None:
            problems.append(contract.diagnostic(
                pointer, f"the pattern {brief(repr(pattern), 80)} cannot be compiled by the "
                f"request validator: {refusal}",
                "simplify it (jsonschema-rs bounds the size of a compiled expression; nested "
                "counted repeats such as (a{1,1000}){1,1000} exceed it)"))
    return problems


def _patterns(node: Any, pointer: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _patterns(item, f"{pointer}/{index}")
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key in _DATA_KEYS or key.startswith("x-"):
            continue
        here = f"{pointer}/{escape(key)}"
        if key == "pattern" and isinstance(value, str):
            yield here, value
        elif key == "patternProperties" and isinstance(value, dict):
            for name, schema in value.items():
                yield f"{here}/{escape(name)}", name
                yield from _patterns(schema, f"{here}/{escape(name)}")
        else:
            yield from _patterns(value, here)


def _refusal(pattern: str) -> str | None:
    try:
        jsonschema_rs.validator_for({"pattern": pattern}, validate_formats=False)
    except (jsonschema_rs.ValidationError, ValueError) as error:
        return brief(str(error).splitlines()[0], 160)
    return None
