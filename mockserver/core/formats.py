"""The ranges of OpenAPI's numeric formats (`int32`, `int64`, the registry's sized integers,
`float`), which JSON Schema validators do not assert: a format is an annotation to them.

Validation (engine/schemas.py) turns them into `minimum`/`maximum`, and generated data
(behaviours/fake.py) is drawn inside them, so an `int32` never holds 3,000,000,000.
"""

from __future__ import annotations

from typing import Any, TypeGuard

_FLOAT_MAX = 3.4028234663852886e38  # the largest finite IEEE 754 single-precision value

NUMBER_FORMATS: dict[str, tuple[int | float, int | float]] = {
    "int8": (-(2**7), 2**7 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint8": (0, 2**8 - 1),
    "uint16": (0, 2**16 - 1),
    "uint32": (0, 2**32 - 1),
    "uint64": (0, 2**64 - 1),
    "float": (-_FLOAT_MAX, _FLOAT_MAX),
}
"""Format name -> (lowest, highest) value it holds."""

def format_range(schema: dict[str, Any]) -> tuple[int | float, int | float] | None:
    """The range a schema's numeric `format` imposes (None: no such format, or not a number)."""
    name = schema.get("format")
    bounds = NUMBER_FORMATS.get(name) if isinstance(name, str) else None
    if bounds is None:
        return None
    declared = schema.get("type")
    types = {declared} if isinstance(declared, str) else set(declared) if isinstance(
        declared, list) else {"integer", "number"}
    return bounds if types & {"integer", "number"} else None



def with_format_bounds(node: dict[str, Any]) -> dict[str, Any]:
    """`node` (changed in place) with its numeric format's range as `minimum`/`maximum`, a
    tighter declared bound kept. Validators (engine/schemas.py) and the generator's checks
    (contract/schema_checks.py) both apply it, so they agree on what an int32 holds."""
    bounds = format_range(node)
    if bounds is None:
        return node
    low, high = bounds
    minimum, maximum = node.get("minimum"), node.get("maximum")
    if not (_is_number(minimum) and minimum >= low):
        node["minimum"] = low
    if not (_is_number(maximum) and maximum <= high):
        node["maximum"] = high
    return node


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)
