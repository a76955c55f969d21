"""Values from JSON Schemas: the data a mock answers with where the contract shows no example.

`generate(schema, document, rng)` returns a value that validates against `schema` (JSON Schema
2020-12 as OpenAPI 3.1 uses it, plus OpenAPI 3.0's `nullable` and boolean `exclusiveMinimum`).
The document is *bundled*: every `$ref` is local (`#/components/...`).

Design notes:

* Deterministic: every choice comes from the `rng` given, and nothing iterates a set or depends
  on hashing, so one seed always gives one value.
* Realistic: a schema's own `example` (then `examples`, then `default`) is used when it
  validates, unless the caller asks for dynamic data; optional properties are filled (as Prism
  does), numbers are small and positive where the bounds allow, strings are words or follow their
  `format`/`pattern`.
* Terminating: nesting past `SOFT_DEPTH` keeps only what the schema requires (no optional
  properties, the fewest array items, `null` where allowed); past `HARD_DEPTH` a schema that still
  requires more nesting is reported as a `GenerationError`.
* Checked by jsonschema_rs: the examples it wants to reuse and the `oneOf`/`allOf`/`not`
  results it cannot build exactly are checked with the validator the engine uses
  (contract/schema_checks.py), so "valid" means one thing across the project.
"""

from __future__ import annotations

import base64
import datetime as dt
import importlib
import math
import random
import re
import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any, Literal, TypeGuard

from specmock.contract.schema_checks import schema_checks
from specmock.core import documents
from specmock.core.documents import copy_json
from specmock.core.formats import format_range

Direction = Literal["response", "request"]

SOFT_DEPTH = 5
"""Nesting (objects and arrays) from which only required content is generated."""
HARD_DEPTH = 32
"""Nesting at which a schema that still requires more is given up on."""
_STACK_LIMIT = 150  # schema steps without data progress (e.g. `A: {allOf: [$ref: A]}`)
_BUDGET = 50_000  # total generation steps of one value, against combinatorial blow-ups
# Characters plus array items one value may hold: a schema with `minLength: 1000000000` or
# `minItems: 100000000` is lint-clean, but writing it would stall the server for minutes.
SIZE_BUDGET = 1_000_000

_re_parser: Any = importlib.import_module("re._parser")  # sre_parse without its deprecation


class GenerationError(ValueError):
    """The generator found no value for a schema (e.g. `not: {}`, or required infinite nesting)."""


class _BudgetExceededError(GenerationError):
    """Too much work for one value; never retried, unlike other generation errors."""


_NONE: Any = object()  # "no value" where None is a legitimate JSON value (null)


# --- references ---------------------------------------------------------------------------------

def resolve_ref(document: dict[str, Any], node: Any) -> Any:
    """Follow local `$ref`s (core.documents.resolve_ref), failing as a GenerationError."""
    try:
        return documents.resolve_ref(document, node)
    except documents.RefError as error:
        raise GenerationError(str(error)) from None


# Keywords that only describe: a `$ref` beside them alone is just the referenced schema.
_EXAMPLE_KEYS = ("example", "examples", "default")
_ANNOTATIONS = frozenset({"description", "title", "summary", "$comment", "deprecated",
                          "externalDocs", "xml", "$id", "$schema", "$anchor"})


class _Lookup:
    """`$ref` targets of one document, each found once (generation follows the same refs often)."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.found: dict[str, Any] = {}

    def __call__(self, ref: Any) -> Any:
        key = str(ref)
        if key not in self.found:
            try:
                self.found[key] = documents.ref_target(self.document, key)
            except documents.RefError as error:
                raise GenerationError(str(error)) from None
        return self.found[key]


def _expand(lookup: _Lookup, schema: Any) -> Any:
    """The schema with its `$ref` followed; a `$ref` with constraining siblings becomes an allOf
    (in 3.1 siblings apply alongside the reference)."""
    for _ in range(64):
        if not (isinstance(schema, dict) and "$ref" in schema):
            return schema
        target = lookup(schema["$ref"])
        siblings = {k: v for k, v in schema.items() if k != "$ref" and k not in _ANNOTATIONS}
        if siblings:
            own_all_of = siblings.pop("allOf", [])
            return {**siblings, "allOf": [target, *own_all_of]}
        schema = target
    raise GenerationError("a cycle of $refs that point only to each other")


# --- JSON values ----------------------------------------------------------------------------------

def _json_key(value: Any) -> Any:
    """A hashable key equal for JSON-equal values (1 == 1.0, but true != 1)."""
    if isinstance(value, bool) or value is None:
        return ("b", value)
    if isinstance(value, (int, float)):
        return ("n", int(value) if isinstance(value, float) and value.is_integer() else value)
    if isinstance(value, str):
        return ("s", value)
    if isinstance(value, list):
        return ("l", tuple(_json_key(item) for item in value))
    if isinstance(value, dict):
        return ("d", tuple(sorted((str(k), _json_key(v)) for k, v in value.items())))
    return ("?", repr(value))


def _json_equal(a: Any, b: Any) -> bool:
    return bool(_json_key(a) == _json_key(b))


def _never(_: str) -> bool:
    return False


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _float_multiple(value: float, factor: float) -> bool:
    """Python jsonschema's multipleOf test (floats): 0.6 of 0.1 fails it, though exact."""
    if isinstance(factor, float):
        quotient = value / factor
        try:
            return int(quotient) == quotient
        except OverflowError:
            return False
    return not (value % factor)


def _decimal_multiple(value: float, factor: Any) -> bool:
    """Whether a value is a multiple of the factor in decimal arithmetic (as written in JSON)."""
    if not _is_number(factor) or factor <= 0:
        return True
    return Decimal(repr(value)) % Decimal(repr(factor)) == 0


# --- formats --------------------------------------------------------------------------------------

_WORDS = ("lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed",
          "do", "eiusmod", "tempor", "incididunt", "labore", "dolore", "magna", "aliqua", "enim")
_NAMES = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy")


def _date(rng: random.Random) -> dt.date:
    return dt.date(2000, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 30))


def _clock(rng: random.Random) -> str:
    return f"{rng.randint(0, 23):02}:{rng.randint(0, 59):02}:{rng.randint(0, 59):02}"


_FORMATS: dict[str, Callable[[random.Random], str]] = {
    "date": lambda rng: _date(rng).isoformat(),
    "date-time": lambda rng: f"{_date(rng).isoformat()}T{_clock(rng)}Z",
    "time": lambda rng: f"{_clock(rng)}Z",
    "email": lambda rng: f"{rng.choice(_NAMES)}.{rng.choice(_WORDS)}@example.com",
    "idn-email": lambda rng: f"{rng.choice(_NAMES)}@example.com",
    "uuid": lambda rng: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
    "uri": lambda rng: f"https://example.com/{rng.choice(_WORDS)}/{rng.randint(1, 999)}",
    "url": lambda rng: f"https://example.com/{rng.choice(_WORDS)}/{rng.randint(1, 999)}",
    "iri": lambda rng: f"https://example.com/{rng.choice(_WORDS)}/{rng.randint(1, 999)}",
    "uri-reference": lambda rng: f"/{rng.choice(_WORDS)}/{rng.randint(1, 999)}",
    "iri-reference": lambda rng: f"/{rng.choice(_WORDS)}/{rng.randint(1, 999)}",
    "uri-template": lambda rng: f"https://example.com/{rng.choice(_WORDS)}/{{id}}",
    "hostname": lambda rng: f"{rng.choice(_WORDS)}.example.com",
    "idn-hostname": lambda rng: f"{rng.choice(_WORDS)}.example.com",
    "ipv4": lambda rng: f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
    "ipv6": lambda rng: f"2001:db8::{rng.randint(1, 0xFFFF):x}",
    "byte": lambda rng: base64.b64encode(rng.randbytes(6)).decode("ascii"),
    "binary": lambda rng: f"{rng.choice(_WORDS)} {rng.choice(_WORDS)}",
    "password": lambda rng: f"{rng.choice(_WORDS)}-{rng.randint(1000, 9999)}",
    "duration": lambda rng: f"P{rng.randint(1, 30)}D",
    "regex": lambda rng: "^[a-z]+$",
    "json-pointer": lambda rng: f"/{rng.choice(_WORDS)}/{rng.randint(0, 9)}",
    "relative-json-pointer": lambda rng: f"{rng.randint(0, 3)}/{rng.choice(_WORDS)}",
}

# --- regular expressions --------------------------------------------------------------------------

@lru_cache(maxsize=1024)
def _regex(pattern: str) -> re.Pattern[str] | None:
    """The compiled pattern; None when Python cannot read it (then it is not enforced)."""
    try:
        return re.compile(pattern)
    except (re.error, TypeError, ValueError):
        return None


@lru_cache(maxsize=1024)
def _parsed(pattern: str) -> Any:
    """The parse tree of a pattern (Python's own regex parser), or None."""
    try:
        return _re_parser.parse(pattern)
    except (re.error, TypeError, ValueError, RecursionError):
        return None


class _UnsupportedError(Exception):
    """A regex construct the writer does not produce text for."""


_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_OTHER = " -_.,:;!?@#$%&*+=/()[]{}<>'\"~^|\\`"
_CATEGORY_TEXT = {
    "CATEGORY_DIGIT": "0123456789",
    "CATEGORY_NOT_DIGIT": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": _ALNUM,
    "CATEGORY_WORD": _ALNUM + "_",
    "CATEGORY_NOT_WORD": " -.,:",
}
_CATEGORY_TEST: dict[str, Callable[[str], bool]] = {
    "CATEGORY_DIGIT": str.isdecimal,
    "CATEGORY_NOT_DIGIT": lambda c: not c.isdecimal(),
    "CATEGORY_SPACE": str.isspace,
    "CATEGORY_NOT_SPACE": lambda c: not c.isspace(),
    "CATEGORY_WORD": lambda c: c.isalnum() or c == "_",
    "CATEGORY_NOT_WORD": lambda c: not (c.isalnum() or c == "_"),
}


def _name(op: Any) -> str:
    return str(getattr(op, "name", op))


def _in_set(char: str, items: list[tuple[Any, Any]]) -> bool:
    """Whether a character is in a parsed character class (without its NEGATE marker)."""
    code = ord(char)
    for op, arg in items:
        kind = _name(op)
        if (kind == "LITERAL" and code == arg) or (kind == "RANGE" and arg[0] <= code <= arg[1]):
            return True
        if kind == "CATEGORY" and _CATEGORY_TEST.get(_name(arg), _never)(char):
            return True
    return False


class _RegexWriter:
    """Writes one string the parse tree matches. Repeats get at most `cap` extra rounds, so
    callers vary `cap` to steer the length. Lookarounds are skipped: callers check the result."""

    def __init__(self, rng: random.Random, cap: int) -> None:
        self.rng, self.cap = rng, cap
        self.groups: dict[int, str] = {}

    def write(self, items: Iterable[tuple[Any, Any]]) -> str:
        return "".join(self._item(_name(op), arg) for op, arg in items)

    def _item(self, kind: str, arg: Any) -> str:
        if kind == "LITERAL":
            return chr(arg)
        if kind == "NOT_LITERAL":
            return self._char(lambda c: ord(c) != arg)
        if kind == "ANY":
            return self._char(lambda c: c != "\n")
        if kind == "IN":
            return self._in(arg)
        if kind in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            if low > SIZE_BUDGET:
                raise _BudgetExceededError(
                    f"the pattern repeats a part at least {low} times, more than the "
                    f"{SIZE_BUDGET} characters the mock writes")
            count = low + self.rng.randint(0, max(0, min(self.cap, high - low)))
            return "".join(self.write(sub) for _ in range(count))
        if kind == "SUBPATTERN":
            text = self.write(arg[-1])
            if arg[0] is not None:
                self.groups[arg[0]] = text
            return text
        if kind == "ATOMIC_GROUP":
            return self.write(arg)
        if kind == "BRANCH":
            return self.write(self.rng.choice(arg[1]))
        if kind == "GROUPREF":
            return self.groups.get(arg, "")
        if kind == "GROUPREF_EXISTS":
            group, yes, no = arg
            return self.write(yes if group in self.groups else (no or []))
        if kind in ("AT", "ASSERT", "ASSERT_NOT"):
            return ""
        raise _UnsupportedError(kind)

    def _in(self, items: list[tuple[Any, Any]]) -> str:
        if items and _name(items[0][0]) == "NEGATE":
            rest = items[1:]
            return self._char(lambda c: not _in_set(c, rest))
        kind, arg = self.rng.choice(items)
        kind = _name(kind)
        if kind == "LITERAL":
            return chr(arg)
        if kind == "RANGE":
            return self._from_range(arg[0], arg[1])
        if kind == "CATEGORY" and _name(arg) in _CATEGORY_TEXT:
            return self.rng.choice(_CATEGORY_TEXT[_name(arg)])
        raise _UnsupportedError(kind)

    def _from_range(self, low: int, high: int) -> str:
        # Printable ASCII where the range has some: realistic, and never a lone surrogate.
        printable_low, printable_high = max(low, 0x21), min(high, 0x7E)
        if printable_low <= printable_high:
            return chr(self.rng.randint(printable_low, printable_high))
        code = self.rng.randint(low, high)
        return chr(code) if not 0xD800 <= code <= 0xDFFF else chr(low if low < 0xD800 else 0xE000)

    def _char(self, accept: Callable[[str], bool]) -> str:
        for alphabet in (_ALNUM, _OTHER):
            allowed = [c for c in alphabet if accept(c)]
            if allowed:
                return self.rng.choice(allowed)
        raise _UnsupportedError("character class")


def _declared_types(schema: dict[str, Any]) -> list[str] | None:
    """The `type` keyword as a list (3.0 `nullable: true` adds null); None when there is none."""
    declared = schema.get("type")
    if declared is None:
        return None
    types = [declared] if isinstance(declared, str) else [str(t) for t in declared]
    if schema.get("nullable") is True and "null" not in types:
        types.append("null")
    return types


def _bounds(schema: dict[str, Any]) -> tuple[float | None, bool, float | None, bool]:
    """(low, low is exclusive, high, high is exclusive), from 3.1 numbers or 3.0 booleans."""
    low, high = schema.get("minimum"), schema.get("maximum")
    low = low if _is_number(low) else None
    high = high if _is_number(high) else None
    low_open = high_open = False
    exclusive_low, exclusive_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if exclusive_low is True:
        low_open = low is not None
    elif _is_number(exclusive_low) and (low is None or exclusive_low >= low):
        low, low_open = exclusive_low, True
    if exclusive_high is True:
        high_open = high is not None
    elif _is_number(exclusive_high) and (high is None or exclusive_high <= high):
        high, high_open = exclusive_high, True
    # A numeric format's range (int32, int64, float...) bounds as the validator does.
    ranged = format_range(schema)
    if ranged is not None:
        if low is None or low < ranged[0]:
            low, low_open = ranged[0], False
        if high is None or high > ranged[1]:
            high, high_open = ranged[1], False
    return low, low_open, high, high_open


def _item_schemas(schema: dict[str, Any]) -> tuple[list[Any], Any]:
    """(prefixItems, schema of the items after them); the old array form of `items` too."""
    items = schema.get("items", True)
    if isinstance(items, list):
        return items, schema.get("additionalItems", True)
    return list(schema.get("prefixItems", [])), items


# --- merging (allOf) ------------------------------------------------------------------------------

# The property names that every closed (additionalProperties: false) allOf branch allows.
_ALLOWED = "x-specmock-allowed"
# Further `contains` schemas of merged allOf branches: each needs an item of its own.
_CONTAINS = "x-specmock-contains"
# Groups of property names from `not: {required: [...]}`: each group must not be all present.
_ABSENT = "x-specmock-absent"
# Set on a merge that is not exact: values of it are checked against the original schema.
_LOSSY = "x-specmock-lossy"
_RAISE_TO_MAX = frozenset({"minLength", "minItems", "minProperties", "minContains", "minimum",
                           "exclusiveMinimum"})
_LOWER_TO_MIN = frozenset({"maxLength", "maxItems", "maxProperties", "maxContains", "maximum",
                           "exclusiveMaximum"})
_SCHEMA_VALUED = frozenset({"items", "additionalProperties", "propertyNames",
                            "unevaluatedProperties", "unevaluatedItems", "additionalItems"})


def _normalized(schema: dict[str, Any]) -> dict[str, Any]:
    """3.0 forms in 3.1 shape (boolean exclusive bounds, nullable) so that merging is simple."""
    out = dict(schema)
    for exclusive, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(exclusive), bool) and out.pop(exclusive) and bound in out:
            out[exclusive] = out.pop(bound)
    types = _declared_types(out)
    if types is not None:
        out["type"] = types
        out.pop("nullable", None)
    return out


def _intersect_types(first: list[str], second: list[str]) -> list[str]:
    out = [t for t in first if t in second or (t == "integer" and "number" in second)]
    if "number" in first and "integer" in second and "integer" not in out:
        out.append("integer")
    return out


def _merge(first: dict[str, Any], second: Any) -> dict[str, Any]:
    """Both schemas as one, for generation. Exact where it is cheap; where it is not (two
    patterns, two formats, float multipleOf...) the first wins and the result is marked
    `_LOSSY`, so that values are checked against the original schema."""
    if second is True or second == {}:
        return first
    if not isinstance(second, dict):
        return {**first, "type": []}  # `false`: nothing validates
    a, b = _normalized(first), _normalized(second)
    out = dict(a)
    allowed = _allowed_names(a, b)
    for key, theirs in b.items():
        out[key] = theirs if key not in out else _merge_keyword(key, out[key], theirs, out)
    if allowed is not None:
        out[_ALLOWED] = allowed
    if allowed is not None or _inexact(a, b) or _inexact(b, a):
        out[_LOSSY] = True
    return out


def _inexact(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether keywords of `a` mean more than the merge can say once `b` is merged in: `a`'s
    additionalProperties or items also constrain `b`'s named properties or prefix items."""
    extra = a.get("additionalProperties", True)
    if extra not in (True, {}) and ("properties" in b or "patternProperties" in b):
        return True
    if "items" in a and "prefixItems" in b:
        return True
    unevaluated = ("unevaluatedProperties", "unevaluatedItems")
    return any(k in a for k in unevaluated) or ("contains" in a and "contains" in b)


def _allowed_names(a: dict[str, Any], b: dict[str, Any]) -> list[str] | None:
    allowed: list[str] | None = None
    for side in (a, b):
        names = side.get(_ALLOWED)
        if names is None and side.get("additionalProperties") is False:
            names = list(side.get("properties") or {})
        if names is not None:
            allowed = names if allowed is None else [n for n in allowed if n in names]
    return allowed


def _merge_keyword(key: str, mine: Any, theirs: Any, out: dict[str, Any]) -> Any:
    if key == "type":
        return _intersect_types(mine, theirs)
    if key == "required":
        return [*mine, *(name for name in theirs if name not in mine)]
    if key in ("properties", "patternProperties"):
        both = {n: ({"allOf": [mine[n], s]} if n in mine else s) for n, s in theirs.items()}
        return {**mine, **both}
    if key == "enum":
        return [v for v in mine if any(_json_equal(v, w) for w in theirs)]
    if key in _RAISE_TO_MAX and _is_number(mine) and _is_number(theirs):
        return max(mine, theirs)
    if key in _LOWER_TO_MIN and _is_number(mine) and _is_number(theirs):
        return min(mine, theirs)
    if key == "multipleOf" and all(_is_number(v) and float(v).is_integer() for v in (mine, theirs)):
        return math.lcm(int(mine), int(theirs))
    if key in ("uniqueItems", "readOnly", "writeOnly", _LOSSY):
        return bool(mine) or bool(theirs)
    if key in _SCHEMA_VALUED:
        return _merge_schema_values(mine, theirs)
    if key == "prefixItems":
        longer = mine if len(mine) >= len(theirs) else theirs
        paired = [{"allOf": [x, y]} for x, y in zip(mine, theirs, strict=False)]
        return paired + list(longer[len(paired):])
    if key in ("oneOf", "anyOf"):
        # One alternative list per schema: the other waits in allOf, picked on a later round.
        out["allOf"] = [*out.get("allOf", []), {key: theirs}]
        return mine
    if key in ("allOf", _CONTAINS, _ABSENT):
        return [*mine, *theirs]
    if key == "contains":
        out[_CONTAINS] = [*out.get(_CONTAINS, []), theirs]
        return mine
    if key == "not":
        return {"anyOf": [mine, theirs]}
    if not (_json_equal(mine, theirs) or key in _ANNOTATIONS or key in _EXAMPLE_KEYS
            or key.startswith("x-") or key == "discriminator"):
        out[_LOSSY] = True
    return mine


def _merge_schema_values(mine: Any, theirs: Any) -> Any:
    if mine is False or theirs is False:
        return False
    if mine is True or mine == {}:
        return theirs
    if theirs is True or theirs == {}:
        return mine
    return {"allOf": [mine, theirs]}


# --- generation -----------------------------------------------------------------------------------

_OBJECT_HINTS = ("properties", "required", "additionalProperties", "patternProperties",
                 "minProperties", "maxProperties", "propertyNames", "dependentRequired")
_ARRAY_HINTS = ("items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains")
_STRING_HINTS = ("minLength", "maxLength", "pattern")
_NUMBER_HINTS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_INTEGER_FORMATS = ("int32", "int64", "int8", "int16", "uint8", "uint32", "uint64")
_COST = {"null": 0, "boolean": 1, "integer": 1, "number": 1, "string": 1, "array": 2, "object": 3}
_WINDOW = (1, 1000)  # where numbers are drawn when the bounds allow: small, positive, id-like


def _inferred_types(schema: dict[str, Any]) -> list[str]:
    """The type a schema without `type` most plausibly describes (its other keywords say)."""
    if any(k in schema for k in _OBJECT_HINTS):
        return ["object"]
    if any(k in schema for k in _ARRAY_HINTS):
        return ["array"]
    fmt = schema.get("format")
    if fmt in _INTEGER_FORMATS:
        return ["integer"]
    if fmt in ("float", "double"):
        return ["number"]
    if any(k in schema for k in _STRING_HINTS) or fmt is not None:
        return ["string"]
    if any(k in schema for k in _NUMBER_HINTS):
        return ["number"]
    return ["string"]


def _window(low: float | None, high: float | None) -> tuple[float, float]:
    """The part of [low, high] to draw from: `_WINDOW` where it overlaps, else next to a bound."""
    span = _WINDOW[1] - _WINDOW[0]
    start = _WINDOW[0] if low is None else max(low, _WINDOW[0])
    end = _WINDOW[1] if high is None else min(high, _WINDOW[1])
    if start <= end:
        return start, end
    if low is not None and (high is None or low > _WINDOW[1]):
        return low, low + span if high is None else min(high, low + span)
    assert high is not None
    return (high - span if low is None else max(low, high - span)), high


def _integer_bounds(schema: dict[str, Any]) -> tuple[int | None, int | None]:
    low, low_open, high, high_open = _bounds(schema)
    int_low = int_high = None
    if low is not None:
        int_low = math.floor(low) + 1 if low_open or low != math.floor(low) else int(low)
    if high is not None:
        int_high = math.ceil(high) - 1 if high_open or high != math.ceil(high) else int(high)
    return int_low, int_high


def _integer_step(factor: Any) -> int:
    """Integers that are multiples of `factor` are the multiples of this step."""
    if not _is_number(factor) or factor <= 0:
        return 1
    return Fraction(str(factor)).numerator


class _Generator:
    """One generation: the document, the random source and the direction it runs with."""

    def __init__(self, document: dict[str, Any], rng: random.Random,
                 direction: Direction | None) -> None:
        self.rng = rng
        self.lookup = _Lookup(document)
        self.lookup = _Lookup(document)
        self.checker = schema_checks(document, direction)
        self.steps = self.stack = self.size = 0

    def spend(self, size: int, what: str) -> None:
        """Count `size` characters or items towards `SIZE_BUDGET`, failing before writing them."""
        self.size += size
        if self.size > SIZE_BUDGET:
            raise _BudgetExceededError(
                f"{what} needs more than the {SIZE_BUDGET} characters and items the mock writes "
                "for one value")

    def value(self, schema: Any, depth: int, examples: bool) -> Any:
        """A value for `schema` at a nesting `depth`; `examples`: reuse the schema's own."""
        self.steps += 1
        if self.steps > _BUDGET:
            raise _BudgetExceededError("the schema needs too much work to generate a value")
        if depth > HARD_DEPTH or self.stack > _STACK_LIMIT:
            raise GenerationError("the schema requires unbounded nesting")
        self.stack += 1
        try:
            return self._value(_expand(self.lookup, schema), depth, examples)
        finally:
            self.stack -= 1

    def _value(self, schema: Any, depth: int, examples: bool) -> Any:
        if isinstance(schema, bool):
            if not schema:
                raise GenerationError("the schema `false` admits no value")
            return self._words(0, None)
        if not isinstance(schema, dict):
            raise GenerationError(f"a schema must be an object or a boolean, not {schema!r}")
        if examples:
            found = self._own_example(schema)
            if found is not _NONE:
                return found
        if "oneOf" in schema or "anyOf" in schema:
            return self._alternatives(schema, depth, examples)
        if "allOf" in schema:
            return self._all_of(schema, depth, examples)
        if "not" in schema or "if" in schema:
            return self._checked(schema, depth, examples)
        if "const" in schema or "enum" in schema:
            return self._enumerated(schema)
        return self._typed(schema, depth, examples)

    def _own_example(self, schema: dict[str, Any]) -> Any:
        candidates = [schema["example"]] if "example" in schema else []
        if isinstance(schema.get("examples"), list):
            candidates.extend(schema["examples"])
        if "default" in schema:
            candidates.append(schema["default"])
        for candidate in candidates:
            if self.checker.valid(candidate, schema):
                return copy_json(candidate)
        return _NONE

    # combinators

    def _alternatives(self, schema: dict[str, Any], depth: int, examples: bool) -> Any:
        key = "oneOf" if "oneOf" in schema else "anyOf"
        options = list(schema[key])
        base = {k: v for k, v in schema.items() if k not in (key, *_EXAMPLE_KEYS)}
        fallback = _NONE
        for option in self._ordered(options, depth):
            for candidate in self._discriminated(schema, option):
                for level in dict.fromkeys((depth, max(depth, SOFT_DEPTH))):
                    merged = _merge(base, _expand(self.lookup, candidate))
                    value = self._attempt(merged, level, examples)
                    # An inexact merge may admit values the schema's other keywords refuse.
                    lossy = merged.get(_LOSSY)
                    if value is _NONE or (lossy and not self.checker.valid(value, base)):
                        continue
                    if key == "anyOf" or self.checker.count_valid(value, options) == 1:
                        return value
                    fallback = value if fallback is _NONE else fallback
        if fallback is not _NONE:
            # Alternatives that overlap (no value matches just one) are a contract defect; a
            # value of one alternative is the most useful answer a mock can still give.
            return fallback
        raise GenerationError(f"no value satisfies any of the {key} alternatives")

    def _ordered(self, options: list[Any], depth: int) -> list[Any]:
        order = list(options)
        self.rng.shuffle(order)
        if depth >= SOFT_DEPTH:
            order.sort(key=self._cost)  # deep down, the alternative that ends nesting soonest
        return order

    def _cost(self, schema: Any) -> int:
        try:
            schema = _expand(self.lookup, schema)
        except GenerationError:
            return 9
        if not isinstance(schema, dict):
            return 1
        types = _declared_types(schema) or _inferred_types(schema)
        combined = any(k in schema for k in ("allOf", "oneOf", "anyOf"))
        return min((_COST.get(t, 1) for t in types), default=1) + int(combined)

    def _discriminated(self, schema: dict[str, Any], option: Any) -> list[Any]:
        """The option with its OpenAPI discriminator value set (then as it is, in case that
        value contradicts the option's own schema)."""
        discriminator = schema.get("discriminator")
        if not (isinstance(discriminator, dict) and isinstance(option, dict) and "$ref" in option):
            return [option]
        ref = str(option["$ref"])
        mapping = discriminator.get("mapping") or {}
        label = next((k for k, v in mapping.items() if v in (ref, ref.rsplit("/", 1)[-1])),
                     ref.rsplit("/", 1)[-1])
        prop = str(discriminator.get("propertyName", ""))
        tagged = {"allOf": [option], "properties": {prop: {"const": label}}}
        return [tagged, option] if prop else [option]

    def _attempt(self, schema: Any, depth: int, examples: bool) -> Any:
        """A value, or `_NONE` when this schema yields none (the caller tries another)."""
        try:
            return self.value(schema, depth, examples)
        except _BudgetExceededError:
            raise
        except GenerationError:
            return _NONE

    def _all_of(self, schema: dict[str, Any], depth: int, examples: bool) -> Any:
        merged = {k: v for k, v in schema.items() if k not in ("allOf", *_EXAMPLE_KEYS)}
        for branch in schema["allOf"]:
            merged = _merge(merged, _expand(self.lookup, branch))
        if not merged.get(_LOSSY):
            return self.value(merged, depth, examples)  # exact: its values need no second check
        return self._checked_value(merged, schema, depth, examples)

    def _checked(self, schema: dict[str, Any], depth: int, examples: bool) -> Any:
        base = {k: v for k, v in schema.items() if k not in ("not", "if", "then", "else")}
        absent = _required_group(schema.get("not"))
        if absent:
            # Known while choosing properties, the rule fails fast instead of after generation.
            base[_ABSENT] = [*base.get(_ABSENT, []), absent]
        if absent and "if" not in schema and not base.get(_LOSSY):
            return self.value(base, depth, examples)  # the `not` is fully enforced by `_ABSENT`
        if "if" not in schema:
            return self._checked_value(base, schema, depth, examples)
        matching = _merge(_merge(base, _expand(self.lookup, schema["if"])),
                          _expand(self.lookup, schema.get("then", True)))
        other = _merge(base, _expand(self.lookup, schema.get("else", True)))
        for variant in (matching, other):
            value = self._attempt_checked(variant, schema, depth, examples)
            if value is not _NONE:
                return value
        raise GenerationError("no value satisfies the if/then/else of the schema")

    def _checked_value(self, variant: Any, schema: dict[str, Any], depth: int,
                       examples: bool) -> Any:
        value = self._attempt_checked(variant, schema, depth, examples)
        if value is _NONE:
            raise GenerationError("no value found for the schema's allOf/not constraints")
        return value

    def _attempt_checked(self, variant: Any, schema: dict[str, Any], depth: int,
                         examples: bool) -> Any:
        """A value of `variant` (the schema made generable) that the full schema accepts."""
        for attempt, level in enumerate((depth, depth, depth, max(depth, SOFT_DEPTH))):
            value = self._attempt(variant, level, examples and attempt == 0)
            if value is not _NONE and self.checker.valid(value, schema):
                return value
        return _NONE

    def _enumerated(self, schema: dict[str, Any]) -> Any:
        values = [schema["const"]] if "const" in schema else list(schema["enum"])
        rest = {k: v for k, v in schema.items() if k not in ("const", "enum")}
        if "const" in schema and "enum" in schema:
            values = [v for v in values if any(_json_equal(v, e) for e in schema["enum"])]
        allowed = [v for v in values if self.checker.valid(v, rest)]
        if not allowed:
            raise GenerationError("no value of the enum/const satisfies the rest of the schema")
        return copy_json(self.rng.choice(allowed))

    # types

    def _typed(self, schema: dict[str, Any], depth: int, examples: bool) -> Any:
        types = _declared_types(schema)
        kind = self._pick_type(types if types is not None else _inferred_types(schema), depth)
        if kind == "null":
            return None
        if kind == "boolean":
            return self.rng.random() < 0.5
        if kind == "integer":
            return self._integer(schema)
        if kind == "number":
            return self._number(schema)
        if kind == "array":
            return self._array(schema, depth, examples)
        if kind == "object":
            return self._object(schema, depth, examples)
        return self._string(schema)

    def _pick_type(self, types: list[str], depth: int) -> str:
        known = [t for t in types if t in _COST]
        if not known:
            if types:
                return "string"  # an unknown name such as Swagger 2's "file"
            raise GenerationError("the schema's types contradict each other")
        concrete = [t for t in known if t != "null"]
        if not concrete or (depth >= SOFT_DEPTH and "null" in known):
            return "null"
        if depth >= SOFT_DEPTH:
            return min(concrete, key=lambda t: _COST[t])
        return self.rng.choice(concrete)

    def _integer(self, schema: dict[str, Any]) -> int:
        low, high = _integer_bounds(schema)
        if low is not None and high is not None and low > high:
            raise GenerationError(f"no integer lies between {low} and {high}")
        step = _integer_step(schema.get("multipleOf"))
        start, end = (int(v) for v in _window(low, high))  # exact: large bounds overflow floats
        first, last = -(-start // step), end // step
        if first <= last:
            return self.rng.randint(first, last) * step
        # The window holds no multiple: the bounded multiple nearest to it.
        k = first if high is None else min(first, high // step)
        if low is not None and k * step < low:
            raise GenerationError(f"no multiple of {step} lies within the bounds")
        return k * step

    def _number(self, schema: dict[str, Any]) -> float:
        factor = schema.get("multipleOf")
        if _is_number(factor) and float(factor).is_integer():
            return self._integer({**schema, "multipleOf": int(factor)})
        low, _, high, _ = _bounds(schema)
        start, end = _window(low, high)
        if _is_number(factor) and factor > 0:
            candidates = self._multiples(float(factor), start, end)
        else:
            candidates = [round(self.rng.uniform(start, end), 2) for _ in range(8)]
            # The window can shrink to an excluded bound (`exclusiveMaximum: 1`): step inside.
            candidates += [(start + end) / 2, end - 1, start + 1]
        if low is not None and high is not None:
            candidates.append((low + high) / 2)
        numeric = {k: schema[k] for k in _NUMBER_HINTS if k in schema}
        for candidate in candidates:
            # jsonschema_rs takes decimal multiples exactly; a float test as well keeps the
            # value valid for float-based checkers too (Python's jsonschema, schemathesis).
            float_ok = not _is_number(factor) or _float_multiple(candidate, factor)
            if float_ok and self.checker.valid(candidate, numeric):
                return candidate
        # Some decimal multiples (0.3 of 0.1) fail every float test; exact decimals accept them.
        bounds_only = {k: v for k, v in numeric.items() if k != "multipleOf"}
        for candidate in candidates:
            if self.checker.valid(candidate, bounds_only) and _decimal_multiple(candidate, factor):
                return candidate
        raise GenerationError("no number satisfies the schema's bounds")

    def _multiples(self, factor: float, start: float, end: float) -> list[float]:
        """Multiples of a fractional factor, each also rounded to the factor's decimals: float
        products such as 3 * 0.1 fail jsonschema's multipleOf test, their rounding passes."""
        first, last = math.ceil(start / factor), math.floor(end / factor)
        if first > last:
            first = last = math.ceil(start / factor)
        places = max(0, -int(Decimal(str(factor)).as_tuple().exponent))
        ks = [self.rng.randint(first, last) for _ in range(12)] + [first, last, first - 1, last + 1]
        return [v for k in ks for v in (round(k * factor, places), k * factor)]

    def _string(self, schema: dict[str, Any]) -> str:
        low = int(schema.get("minLength", 0))
        high = schema.get("maxLength")
        if high is not None and low > high:
            raise GenerationError(f"minLength {low} exceeds maxLength {high}")
        if low > SIZE_BUDGET - self.size:
            self.spend(low, f"a string of minLength {low}")
        fmt = schema.get("format")
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and _regex(pattern) is not None:
            return self._patterned(pattern, low, high, str(fmt))
        if fmt in _FORMATS:
            text = _fit(str(fmt), _FORMATS[str(fmt)](self.rng), low, high)
            if text is not None:
                return text
        return self._words(low, high)

    def _words(self, low: int, high: int | None) -> str:
        """Lorem-ipsum words cut to a length within the bounds (4 to 16 when unbounded)."""
        start = max(low, 4) if high is None or high >= 4 else low
        end = start + 12 if high is None else min(high, start + 12)
        length = self.rng.randint(start, max(start, end))
        self.spend(length, f"a string of minLength {low}")
        text = ""
        while len(text) < length:
            text = f"{text} {self.rng.choice(_WORDS)}" if text else self.rng.choice(_WORDS)
        text = text[:length]
        return text[:-1] + "a" if text.endswith(" ") else text

    def _patterned(self, pattern: str, low: int, high: int | None, fmt: str) -> str:
        regex = _regex(pattern)
        assert regex is not None
        format_schema = {"type": "string", "format": fmt} if fmt else True

        def format_ok(text: str) -> bool:
            return self.checker.valid(text, format_schema)

        def fits(text: str) -> bool:
            short_enough = high is None or len(text) <= high
            return low <= len(text) and short_enough and bool(regex.search(text))

        tree = _parsed(pattern)
        texts: list[str] = []
        for cap in (3, 0, 1, 6, 12, 24, 48, 96, 200, 3, 6, 12, 24, 48, 96, 200):
            text = self._from_tree(tree, cap)
            if text is None:
                break
            texts.append(text)
            if fits(text) and format_ok(text):
                return text
        for text in [*texts, *self._pattern_fallbacks(texts, low)]:
            if fits(text):
                return text
        raise GenerationError(f"no string of length {low}..{high} matching {pattern!r} was found")

    def _from_tree(self, tree: Any, cap: int) -> str | None:
        if tree is None:
            return None
        try:
            return _RegexWriter(self.rng, cap).write(tree)
        except _BudgetExceededError:
            raise  # a repeat too long to write at any cap: trying others would not help
        except (_UnsupportedError, ValueError, IndexError):
            return None

    @staticmethod
    def _pattern_fallbacks(texts: list[str], low: int) -> list[str]:
        """Padded texts (an unanchored pattern still matches) and plain candidates."""
        padded = [p for t in texts if len(t) < low
                  for p in (t + "a" * (low - len(t)), "a" * (low - len(t)) + t)]
        plain = ["", "a", "0", "abc", "123", "A1", "lorem", "a" * low, "0" * low, "A" * low]
        return padded + plain

    def _array(self, schema: dict[str, Any], depth: int, examples: bool) -> list[Any]:
        prefix, items = _item_schemas(schema)
        low, high = int(schema.get("minItems", 0)), schema.get("maxItems")
        if items is False:
            high = len(prefix) if high is None else min(high, len(prefix))
        reserved = _reserved_items(schema)
        low = max(low, len(reserved))
        if high is not None and low > high:
            raise GenerationError(f"minItems {low} exceeds maxItems {high}")
        count = low if depth >= SOFT_DEPTH else self.rng.randint(max(low, 1), max(low, 1) + 2)
        count = max(low, count if high is None else min(count, high))
        self.spend(count, f"an array of minItems {low}")
        unique = schema.get("uniqueItems") is True
        seen: set[Any] = set()
        out: list[Any] = []
        for index in range(count):
            sub = prefix[index] if index < len(prefix) else items
            if 0 <= index - len(prefix) < len(reserved):
                sub = {"allOf": [sub, reserved[index - len(prefix)]]}
            item = self._item(sub, depth + 1, examples, seen if unique else None)
            if item is _NONE:
                if len(out) >= low:
                    break
                raise GenerationError(f"fewer than minItems {low} distinct items exist")
            out.append(item)
        return out

    def _item(self, schema: Any, depth: int, examples: bool, seen: set[Any] | None) -> Any:
        if seen is None:
            return self.value(schema, depth, examples)
        for attempt in range(12):
            # An example would repeat itself: after the first item, generate instead.
            item = self.value(schema, depth, examples and attempt == 0 and not seen)
            key = _json_key(item)
            if key not in seen:
                seen.add(key)
                return item
        return _NONE

    def _object(self, schema: dict[str, Any], depth: int, examples: bool) -> dict[str, Any]:
        names = self._property_names(schema, depth)
        out = {name: self.value(self._property_schema(schema, name), depth + 1, examples)
               for name in names}
        wanted = int(schema.get("minProperties", 0)) - len(out)
        if depth < SOFT_DEPTH and not schema.get("properties") and _is_map(schema):
            room = schema.get("maxProperties", 2) - len(out)
            wanted = max(wanted, min(room, self.rng.randint(1, 2)))
        if wanted > 0:
            self._add_extra(schema, out, wanted, depth, examples)
        return out

    def _property_names(self, schema: dict[str, Any], depth: int) -> list[str]:
        properties = schema.get("properties") or {}
        required = [str(r) for r in schema.get("required", [])]
        allowed = schema.get(_ALLOWED)
        minimal = depth >= SOFT_DEPTH
        names = [n for n in properties
                 if n in required or (not minimal and (allowed is None or n in allowed))]
        names += [n for n in required if n not in properties and n not in names]
        names = [n for n in names if not self.checker.is_forbidden(properties.get(n))]
        for name in names:
            if properties.get(name) is False:
                raise GenerationError(f"property {name!r} is required and forbidden")
        for group in schema.get(_ABSENT, []):
            if all(n in names for n in group):
                optional = [n for n in group if n not in required]
                if not optional:
                    raise GenerationError(f"{group} are required yet not allowed together")
                names.remove(optional[-1])
        names = self._within_max(names, required, schema.get("maxProperties"))
        return _with_dependents(names, schema.get("dependentRequired") or {})

    @staticmethod
    def _within_max(names: list[str], required: list[str], most: Any) -> list[str]:
        """The names without the last optional ones that exceed maxProperties."""
        excess = len(names) - most if isinstance(most, int) else 0
        kept: list[str] = []
        for name in reversed(names):
            if excess > 0 and name not in required:
                excess -= 1
                continue
            kept.append(name)
        return kept[::-1]

    def _property_schema(self, schema: dict[str, Any], name: str) -> Any:
        properties = schema.get("properties") or {}
        parts = [properties[name]] if name in properties else []
        for pattern, sub in (schema.get("patternProperties") or {}).items():
            regex = _regex(pattern)
            if regex is not None and regex.search(name):
                parts.append(sub)
        if not parts:
            parts.append(schema.get("additionalProperties", True))
        return parts[0] if len(parts) == 1 else {"allOf": parts}

    def _add_extra(self, schema: dict[str, Any], out: dict[str, Any], wanted: int, depth: int,
                   examples: bool) -> None:
        """Entries beyond the declared properties: map entries, or for minProperties."""
        patterns = list(schema.get("patternProperties") or {})
        open_ended = schema.get("additionalProperties", True) is not False
        names_schema = schema.get("propertyNames")
        declared = schema.get("properties") or {}
        added = 0
        for attempt in range(wanted * 8):
            if added >= wanted:
                return
            name = self._extra_name(attempt, patterns, open_ended, names_schema)
            if name is None or name in out or name in declared:
                continue
            if names_schema is not None and not self.checker.valid(name, names_schema):
                continue
            out[name] = self.value(self._property_schema(schema, name), depth + 1, examples)
            added += 1
        if len(out) < int(schema.get("minProperties", 0)):
            raise GenerationError("too few property names are allowed for minProperties")

    def _extra_name(self, attempt: int, patterns: list[str], open_ended: bool,
                    names_schema: Any) -> str | None:
        if names_schema is not None and attempt % 2:
            name_schema = {"type": "string", "allOf": [names_schema]}
            candidate = self._attempt(name_schema, SOFT_DEPTH, False)
            return candidate if isinstance(candidate, str) else None
        if patterns and (not open_ended or attempt % 3 == 2):
            pattern = patterns[attempt % len(patterns)]
            regex = _regex(pattern)
            if regex is None:
                return None
            try:
                name = self._patterned(pattern, 1, None, "")
            except GenerationError:
                return None
            # A pattern open at its end (`^x-`) gives one name over and over: number it.
            numbered = f"{name}{attempt + 1}"
            return numbered if attempt and regex.search(numbered) else name
        return f"additionalProp{attempt + 1}" if open_ended else None


def _required_group(negated: Any) -> list[str]:
    """The names of a `not: {required: [...]}` (nothing else in it); else []."""
    if not isinstance(negated, dict) or set(negated) - {"required", "type", "description"}:
        return []
    if negated.get("type", "object") != "object":
        return []
    return [str(name) for name in negated.get("required", [])]


def _reserved_items(schema: dict[str, Any]) -> list[Any]:
    """One `contains` schema per item that must match it (minContains of the first)."""
    if "contains" not in schema:
        return []
    first = [schema["contains"]] * int(schema.get("minContains", 1))
    return first + list(schema.get(_CONTAINS, []))


def _is_map(schema: dict[str, Any]) -> bool:
    """An object described by its entries' schema rather than by named properties."""
    extra = schema.get("additionalProperties")
    return isinstance(extra, dict) or bool(schema.get("patternProperties"))


def _with_dependents(names: list[str], dependents: dict[str, Any]) -> list[str]:
    """The names plus every name `dependentRequired` makes necessary."""
    out = list(names)
    changed = True
    while changed:
        changed = False
        for name, deps in dependents.items():
            if name in out:
                missing = [d for d in deps if d not in out]
                out += missing
                changed = changed or bool(missing)
    return out


def _fit(fmt: str, text: str, low: int, high: int | None) -> str | None:
    """A formatted string brought within the length bounds where the format allows; else None."""
    if len(text) < low and fmt in ("email", "idn-email"):
        local, _, domain = text.partition("@")
        text = f"{local}{'x' * (low - len(text))}@{domain}"
    elif len(text) < low and fmt in ("uri", "url", "iri", "uri-reference", "iri-reference"):
        text = f"{text}/{'x' * max(0, low - len(text) - 1)}"
    return text if low <= len(text) and (high is None or len(text) <= high) else None


# --- public ---------------------------------------------------------------------------------------

def generate(schema: dict[str, Any] | bool, document: dict[str, Any], rng: random.Random, *,
             direction: Direction | None = None, use_examples: bool = True) -> Any:
    """A JSON value that validates against `schema`.

    `document` is the bundled contract the schema's local `$ref`s point into. The same schema
    and the same `rng` state give the same value. `direction="response"` leaves out writeOnly
    properties, `"request"` readOnly ones. With `use_examples` (the default) a schema's own
    `example`/`examples`/`default` is used where it validates; False always generates.
    Raises `GenerationError` when no value can be found (a contradictory schema).
    """
    try:
        return _Generator(document, rng, direction).value(schema, 0, use_examples)
    except RecursionError:
        # The depth and stack limits stop recursion first; this only guards odd schema shapes.
        raise GenerationError("the schema nests too deeply to generate a value") from None


def conforms(value: Any, schema: dict[str, Any] | bool, document: dict[str, Any], *,
             direction: Direction | None = None) -> bool:
    """Whether `value` satisfies `schema` as the generator checks it (contract/schema_checks.py:
    jsonschema_rs, formats asserted, OpenAPI's `nullable`, a direction's readOnly/writeOnly)."""
    return schema_checks(document, direction).valid(value, schema)
