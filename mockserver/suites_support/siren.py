"""Validating Siren entities against the JSON Schema in contracts/siren/entity.schema.json."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]


@lru_cache(maxsize=4)
def _validator(schema_path: str) -> Any:
    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def siren_problems(body: Any, schema_path: Path) -> list[str]:
    """Why `body` is not a Siren entity, each as `<json pointer>: <message>` (empty: valid)."""
    problems: list[str] = []
    for error in sorted(_validator(str(schema_path)).iter_errors(body), key=lambda e: e.path):
        pointer = "".join(f"/{token}" for token in error.absolute_path) or "/"
        problems.append(f"{pointer}: {_message(error)}")
    return problems


def _message(error: Any) -> str:
    """The most specific reason (a `oneOf` failure says which branch came closest)."""
    if error.context:
        best = min(error.context, key=lambda e: len(e.message))
        pointer = "".join(f"/{token}" for token in best.relative_path)
        return f"{best.message}" + (f" (at {pointer} within it)" if pointer else "")
    return str(error.message)
