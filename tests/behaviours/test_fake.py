"""The schema-driven value generator: valid, deterministic, terminating, direction-aware."""

from __future__ import annotations

import copy
import os
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from specmock.behaviours.fake import GenerationError, conforms, generate

ROOT = Path(__file__).resolve().parents[2]
PATTERNS = [
    r"^[0-9]{6}_[0-9]{6}_[0-9]{6}$",
    r"^[A-Z]{2}-\d+$",
    r"^[a-z][a-z0-9_]*$",
    r"^(foo|bar)-[0-9]{2,4}$",
    r"\d{3}",
    r"^[^@\s]+@example\.org$",
    r"^[A-F0-9]{8}(-[A-F0-9]{4}){3}$",
    r"^(?:[01]\d|2[0-3]):[0-5]\d$",
    r"^x-(?P<n>[a-c])(?P=n)$",
]
FORMATS = [
    "date",
    "date-time",
    "time",
    "email",
    "uuid",
    "uri",
    "uri-reference",
    "hostname",
    "ipv4",
    "ipv6",
    "binary",
    "byte",
]

COMPONENTS: dict[str, Any] = {
    "Id": {"type": "integer", "minimum": 1},
    "SampleId": {"type": "string", "pattern": PATTERNS[0]},
    "Named": {
        "type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 30}},
    },
    "Tree": {
        "type": "object",
        "required": ["label"],
        "properties": {
            "label": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
            "parent": {"$ref": "#/components/schemas/Tree"},
        },
    },
    "a~b/c": {"type": "string", "enum": ["escaped"]},
}
DOCUMENT: dict[str, Any] = {"openapi": "3.1.0", "components": {"schemas": COMPONENTS}}


# --- helpers --------------------------------------------------------------------------------------


def as_json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema in JSON Schema terms (nullable, boolean exclusive bounds)."""
    if isinstance(node, list):
        return [as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: as_json_schema(v) for k, v in node.items()}
    if out.pop("nullable", False) is True and "type" in out:
        types = [out["type"]] if isinstance(out["type"], str) else list(out["type"])
        out["type"] = [*types, "null"] if "null" not in types else types
    for exclusive, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(exclusive), bool) and out.pop(exclusive) and bound in out:
            out[exclusive] = out.pop(bound)
    return out


def validator(schema: Any, document: dict[str, Any] = DOCUMENT) -> Draft202012Validator:
    """A jsonschema validator (with format checks) of `schema`, its `$ref`s into `document`."""
    holder = as_json_schema({**document, "x-under-test": schema})
    registry: Registry[Any] = Registry().with_resource(
        "urn:doc", DRAFT202012.create_resource(holder)
    )
    return Draft202012Validator(
        {"$ref": "urn:doc#/x-under-test"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def assert_valid(value: Any, schema: Any, document: dict[str, Any] = DOCUMENT) -> None:
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in validator(schema, document).iter_errors(value)
    ]
    assert not errors, (value, errors)


def gen(schema: Any, seed: int = 0, **options: Any) -> Any:
    return generate(schema, DOCUMENT, random.Random(seed), **options)


# --- a strategy of JSON Schemas -------------------------------------------------------------------


@st.composite
def integer_schemas(draw: st.DrawFn) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer"}
    low = draw(st.none() | st.integers(-(10**6), 10**6))
    span = draw(st.integers(20, 10**4))
    if low is not None:
        schema["exclusiveMinimum" if draw(st.booleans()) else "minimum"] = low
    if draw(st.booleans()):
        high = (low if low is not None else draw(st.integers(-(10**6), 10**6))) + span
        schema["exclusiveMaximum" if draw(st.booleans()) else "maximum"] = high
    if draw(st.booleans()):
        schema["multipleOf"] = draw(st.sampled_from([2, 3, 5, 7, 10]))
    if draw(st.booleans()):
        schema["format"] = draw(st.sampled_from(["int32", "int64"]))
    return schema


@st.composite
def number_schemas(draw: st.DrawFn) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "number"}
    low = draw(st.none() | st.floats(-1e4, 1e4))
    if low is not None:
        schema["exclusiveMinimum" if draw(st.booleans()) else "minimum"] = low
    if draw(st.booleans()):
        base = low if low is not None else draw(st.floats(-1e4, 1e4))
        # At least 10 wide: every multipleOf below has a multiple inside.
        schema["exclusiveMaximum" if draw(st.booleans()) else "maximum"] = base + draw(
            st.floats(10, 1e4)
        )
    if draw(st.booleans()):
        schema["multipleOf"] = draw(st.sampled_from([0.5, 0.25, 0.1, 0.01, 2.5, 4]))
    return schema


@st.composite
def string_schemas(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["plain", "format", "pattern"]))
    if kind == "format":
        return {"type": "string", "format": draw(st.sampled_from(FORMATS))}
    if kind == "pattern":
        return {"type": "string", "pattern": draw(st.sampled_from(PATTERNS))}
    schema: dict[str, Any] = {"type": "string"}
    low = draw(st.none() | st.integers(0, 40))
    if low is not None:
        schema["minLength"] = low
    if draw(st.booleans()):
        schema["maxLength"] = (low or 0) + draw(st.integers(0, 40))
    return schema


JSON_SCALARS = st.none() | st.booleans() | st.integers(-100, 100) | st.text(max_size=8)

enum_schemas = st.lists(JSON_SCALARS, min_size=1, max_size=5, unique_by=repr).map(
    lambda values: {"enum": values}
)
const_schemas = JSON_SCALARS.map(lambda value: {"const": value})
ref_schemas = st.sampled_from(["Id", "SampleId", "Named", "Tree", "a~0b~1c"]).map(
    lambda name: {"$ref": f"#/components/schemas/{name}"}
)
scalar_schemas = (
    integer_schemas()
    | number_schemas()
    | string_schemas()
    | st.just({"type": "boolean"})
    | st.just({"type": "null"})
)
leaf_schemas: st.SearchStrategy[Any] = (
    scalar_schemas | enum_schemas | const_schemas | ref_schemas | st.just({})
)

NAMES = st.text(alphabet="abcdefghij_", min_size=1, max_size=6)


@st.composite
def object_schemas(draw: st.DrawFn, children: st.SearchStrategy[Any]) -> dict[str, Any]:
    properties = draw(st.dictionaries(NAMES, children, max_size=4))
    required = [name for name in properties if draw(st.booleans())]
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    extra = draw(st.sampled_from(["absent", "false", "schema"]))
    if extra == "false":
        schema["additionalProperties"] = False
    elif extra == "schema":
        schema["additionalProperties"] = draw(children)
    return schema


@st.composite
def array_schemas(draw: st.DrawFn, children: st.SearchStrategy[Any]) -> dict[str, Any]:
    low = draw(st.integers(0, 3))
    schema: dict[str, Any] = {
        "type": "array",
        "minItems": low,
        "maxItems": low + draw(st.integers(0, 4)),
    }
    if draw(st.booleans()):
        # Unique items need an item schema with many values.
        schema.update(
            uniqueItems=True,
            items=draw(
                st.sampled_from(
                    [
                        {"type": "string"},
                        {"type": "integer"},
                        {"$ref": "#/components/schemas/SampleId"},
                    ]
                )
            ),
        )
    else:
        schema["items"] = draw(children)
    return schema


@st.composite
def all_of_objects(draw: st.DrawFn, children: st.SearchStrategy[Any]) -> dict[str, Any]:
    first, second = draw(object_schemas(children)), draw(object_schemas(children))
    for name in list(second["properties"]):
        if name in first["properties"]:
            del second["properties"][name]
    second["required"] = [n for n in second.get("required", []) if n in second["properties"]]
    # A closed branch would forbid the other's properties: the contract would be unsatisfiable.
    first.pop("additionalProperties", None)
    second.pop("additionalProperties", None)
    return {"allOf": [first, second]}


@st.composite
def one_of_distinct_types(draw: st.DrawFn, children: st.SearchStrategy[Any]) -> dict[str, Any]:
    makers = {
        "string": string_schemas(),
        "integer": integer_schemas(),
        "boolean": st.just({"type": "boolean"}),
        "null": st.just({"type": "null"}),
        "object": object_schemas(children),
        "array": array_schemas(children),
    }
    kinds = draw(st.lists(st.sampled_from(sorted(makers)), min_size=2, max_size=4, unique=True))
    return {"oneOf": [draw(makers[kind]) for kind in kinds]}


nullable_schemas = scalar_schemas.map(
    lambda s: {**s, "type": [s["type"], "null"]} if s.get("type") != "null" else s
)


def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return (
        object_schemas(children)
        | array_schemas(children)
        | all_of_objects(children)
        | one_of_distinct_types(children)
        | st.builds(lambda s: {"anyOf": [s, {"type": "null"}]}, children)
    )


# OpenAPI 3.0's spelling of the same: `nullable`, and `exclusiveMinimum: true` beside `minimum`.
openapi30_schemas = st.builds(
    lambda s, low: {**s, "nullable": True, "minimum": low, "exclusiveMinimum": True},
    st.sampled_from([{"type": "integer"}, {"type": "number"}]),
    st.integers(-50, 50),
)
# Schemas with an example of their own, valid or not: the generator may only use a valid one.
exemplified_schemas = st.builds(lambda s, e: {**s, "example": e}, scalar_schemas, JSON_SCALARS)

json_schemas = st.recursive(
    leaf_schemas | nullable_schemas | openapi30_schemas | exemplified_schemas, extend, max_leaves=12
)


# --- properties -----------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=json_schemas, seed=st.integers(0, 2**32))
def test_generated_values_validate_for_every_seed(schema: dict[str, Any], seed: int) -> None:
    # Given any schema of the strategy and any seed
    # When a value is generated
    value = gen(schema, seed)
    # Then jsonschema (with format checks) accepts it
    assert_valid(value, schema)


@settings(max_examples=100, deadline=None)
@given(schema=json_schemas, seed=st.integers(0, 2**32))
def test_the_same_seed_generates_the_same_value(schema: dict[str, Any], seed: int) -> None:
    # Given a schema and a seed
    # When a value is generated twice from fresh generators with that seed
    # Then both are equal
    assert gen(schema, seed) == gen(schema, seed)


JSON_VALUES = st.recursive(
    JSON_SCALARS
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["2024-06-16", "a@example.org", "AB-12", "123", "foo-123"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(NAMES, children, max_size=4),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(schema=json_schemas, value=JSON_VALUES)
def test_what_the_fast_checker_accepts_jsonschema_accepts(
    schema: dict[str, Any], value: Any
) -> None:
    # Given any JSON value and any schema
    # When the generator's own checker (used to accept examples) accepts the value
    # Then jsonschema accepts it too: an example it lets through is valid
    if conforms(value, schema, DOCUMENT):
        assert validator(schema).is_valid(value), value


def test_values_do_not_depend_on_string_hashing() -> None:
    # Given two interpreters with different hash seeds (set order of strings differs)
    script = (
        "import json, random; from specmock.behaviours.fake import generate; "
        "from tests.behaviours.test_fake import DOCUMENT; "
        "schemas = [{'$ref': '#/components/schemas/Tree'}, {'type': 'array', 'minItems': 3, "
        "'uniqueItems': True, 'items': {'enum': ['a', 'b', 'c', 'd', 'e']}}]; "
        "print(json.dumps([generate(s, DOCUMENT, random.Random(5)) for s in schemas]))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        ).stdout
        for hash_seed in ("1", "2", "3")
    }
    # When each generates the same schemas with the same seed
    # Then the values are identical
    assert len(outputs) == 1


@given(pattern=st.sampled_from(PATTERNS), seed=st.integers(0, 2**32))
def test_patterned_strings_match_their_pattern(pattern: str, seed: int) -> None:
    # Given a string schema with a pattern
    # When a value is generated
    value = gen({"type": "string", "pattern": pattern}, seed)
    # Then the pattern matches it (JSON Schema: anywhere in the string)
    assert re.search(pattern, value)


# --- examples -------------------------------------------------------------------------------------


def test_a_schemas_own_example_is_preferred() -> None:
    # Given a schema with a valid example
    schema = {"type": "object", "properties": {"id": {"type": "integer"}}, "example": {"id": 7}}
    # When a value is generated
    # Then it is the example
    assert gen(schema) == {"id": 7}


def test_examples_are_used_at_every_level() -> None:
    # Given a property with its own example
    schema = {
        "type": "object",
        "required": ["city"],
        "properties": {"city": {"type": "string", "example": "Freiberg"}},
    }
    # When a value is generated
    # Then the property carries its example
    assert gen(schema) == {"city": "Freiberg"}


def test_an_invalid_example_is_skipped_for_the_next_candidate() -> None:
    # Given an example that breaks the schema's format, then a valid 3.1 `examples` entry
    schema = {
        "type": "string",
        "format": "date",
        "example": "16.06.2024",
        "examples": ["2024-06-16"],
    }
    # When a value is generated
    # Then the first valid candidate is used
    assert gen(schema) == "2024-06-16"


def test_dynamic_generation_ignores_examples() -> None:
    # Given a schema whose example is valid
    schema = {"type": "integer", "minimum": 100, "example": 123, "default": 150}
    # When generation is asked not to use examples
    values = {gen(schema, seed, use_examples=False) for seed in range(10)}
    # Then values are generated (and vary with the seed)
    assert values != {123}
    assert len(values) > 1


# --- directions -----------------------------------------------------------------------------------

ACCOUNT = {
    "type": "object",
    "required": ["id", "username", "password"],
    "properties": {
        "id": {"type": "integer", "readOnly": True},
        "username": {"type": "string"},
        "password": {"type": "string", "writeOnly": True},
        "created": {"allOf": [{"$ref": "#/components/schemas/Id"}], "readOnly": True},
    },
}


def test_a_response_omits_write_only_properties_even_required_ones() -> None:
    # Given a schema with a required writeOnly password
    # When a response value is generated
    value = gen(ACCOUNT, direction="response")
    # Then the password is left out and the readOnly fields are there
    assert "password" not in value
    assert {"id", "username", "created"} <= set(value)


def test_a_request_omits_read_only_properties() -> None:
    # Given the same schema
    # When a request value is generated
    value = gen(ACCOUNT, direction="request")
    # Then the readOnly id and created are left out, the password is there
    assert set(value) == {"username", "password"}


def test_an_example_with_a_forbidden_property_is_not_used() -> None:
    # Given a response schema whose example shows the writeOnly password
    schema = {**ACCOUNT, "example": {"id": 1, "username": "u", "password": "p"}}
    # When a response value is generated
    value = gen(schema, direction="response")
    # Then the example is passed over
    assert "password" not in value


# --- recursion and termination ----------------------------------------------------------------


def test_recursive_schemas_terminate() -> None:
    # Given a tree whose nodes have optional children and an optional parent
    # When values are generated for many seeds
    for seed in range(20):
        value = gen({"$ref": "#/components/schemas/Tree"}, seed)
        # Then each is finite and valid
        assert_valid(value, {"$ref": "#/components/schemas/Tree"})


def test_required_recursion_ends_in_null_where_allowed() -> None:
    # Given a linked list whose required `next` may be null
    document = {
        "components": {
            "schemas": {
                "Node": {
                    "type": "object",
                    "required": ["next"],
                    "properties": {
                        "next": {"anyOf": [{"$ref": "#/components/schemas/Node"}, {"type": "null"}]}
                    },
                }
            }
        }
    }
    # When a value is generated
    value = generate({"$ref": "#/components/schemas/Node"}, document, random.Random(1))
    # Then it ends, validly
    assert_valid(value, {"$ref": "#/components/schemas/Node"}, document)


def test_unsatisfiable_infinite_recursion_is_an_error_not_a_hang() -> None:
    # Given a node that requires another node forever
    document = {
        "components": {
            "schemas": {
                "Node": {
                    "type": "object",
                    "required": ["next"],
                    "properties": {"next": {"$ref": "#/components/schemas/Node"}},
                }
            }
        }
    }
    # When a value is generated
    # Then a GenerationError says so
    with pytest.raises(GenerationError):
        generate({"$ref": "#/components/schemas/Node"}, document, random.Random(0))


def test_a_combinatorial_dead_end_is_cut_off_quickly() -> None:
    # Given nodes that each require a node and a non-empty list of nodes, through alternatives
    node = "#/components/schemas/Node"
    document = {
        "components": {
            "schemas": {
                "Node": {
                    "type": "object",
                    "required": ["next", "items"],
                    "properties": {
                        "next": {"oneOf": [{"$ref": node}, {"anyOf": [{"$ref": node}]}]},
                        "items": {"type": "array", "minItems": 1, "items": {"$ref": node}},
                    },
                }
            }
        }
    }
    # When a value is generated
    # Then the work budget (a count of steps, not a clock) ends the search
    with pytest.raises(GenerationError, match="needs too much work"):
        generate({"$ref": node}, document, random.Random(0))


def test_a_ref_only_cycle_is_an_error() -> None:
    # Given schemas that only refer to each other
    document = {
        "components": {
            "schemas": {
                "A": {"allOf": [{"$ref": "#/components/schemas/B"}]},
                "B": {"allOf": [{"$ref": "#/components/schemas/A"}]},
            }
        }
    }
    # When a value is generated
    # Then a GenerationError says so
    with pytest.raises(GenerationError):
        generate({"$ref": "#/components/schemas/A"}, document, random.Random(0))


# --- keywords -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "schema",
    [
        {
            "type": "integer",
            "minimum": 5,
            "exclusiveMinimum": True,
            "maximum": 6,
        },  # 3.0 boolean form
        {"type": "string", "nullable": True, "maxLength": 3},
        {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 0.001},
        {"type": "integer", "minimum": -(2**63), "maximum": 2**63 - 1, "multipleOf": 7},
        {"type": "integer", "minimum": 5000, "maximum": 5005, "multipleOf": 5},
        {"type": "number", "multipleOf": 0.1, "minimum": 0.25, "maximum": 0.65},
        {"type": "string", "pattern": "^[a-z]+$", "minLength": 40, "maxLength": 45},
        {"type": "string", "format": "email", "minLength": 40},
        {"type": "array", "items": {"type": "boolean"}, "uniqueItems": True, "minItems": 2},
        {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}], "items": False},
        {
            "type": "array",
            "items": {"type": "integer"},
            "contains": {"type": "integer", "minimum": 900},
            "minContains": 2,
        },
        {
            "type": "object",
            "patternProperties": {"^x-": {"type": "integer"}},
            "additionalProperties": False,
            "minProperties": 2,
        },
        {
            "type": "object",
            "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
            "maxProperties": 1,
        },
        {
            "type": "object",
            "properties": {"a": {"type": "integer"}},
            "dependentRequired": {"a": ["b"]},
        },
        {"type": "object", "propertyNames": {"pattern": "^[A-Z]+$"}, "minProperties": 1},
        {"type": "string", "not": {"enum": ["lorem", "ipsum"]}, "maxLength": 5},
        {
            "if": {"type": "integer"},
            "then": {"minimum": 10},
            "else": {"type": "string"},
            "type": ["integer"],
        },
        {"oneOf": [{"type": "number"}, {"type": "integer"}]},
        {
            "oneOf": [{"type": "object", "required": ["a"]}, {"type": "object", "required": ["b"]}],
            "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
        },
        {
            "allOf": [
                {
                    "type": "object",
                    "properties": {"a": {"type": "integer"}},
                    "additionalProperties": False,
                },
                {"properties": {"a": {"minimum": 3}, "b": {"type": "string"}}},
            ]
        },
        {
            "allOf": [
                {"oneOf": [{"type": "integer"}, {"type": "string"}]},
                {"oneOf": [{"type": "string"}, {"type": "boolean"}]},
            ]
        },
        {
            "$ref": "#/components/schemas/Named",
            "required": ["name", "id"],
            "properties": {"id": {"$ref": "#/components/schemas/Id"}},
        },
        {"type": ["integer", "string"], "enum": ["a", 1, None]},
        True,
    ],
)
def test_each_keyword_is_honoured(schema: Any) -> None:
    # Given a schema exercising one keyword or combination
    for seed in range(10):
        # When a value is generated
        value = gen(schema, seed)
        # Then it validates
        assert_valid(value, schema)


def test_a_decimal_multiple_no_float_test_accepts_is_still_generated() -> None:
    # Given bounds that hold one multiple of 0.1, 0.3, which 0.3 / 0.1 == 2.9999999999999996 rejects
    schema = {"type": "number", "multipleOf": 0.1, "minimum": 0.25, "maximum": 0.35}
    # When a value is generated
    # Then it is the decimal multiple rather than an error
    assert gen(schema) == 0.3


def test_a_discriminated_one_of_sets_the_discriminator_value() -> None:
    # Given a oneOf of open objects told apart only by a discriminator
    document = {
        "components": {
            "schemas": {
                "Cat": {
                    "type": "object",
                    "required": ["kind"],
                    "properties": {"kind": {"type": "string"}},
                },
                "Dog": {
                    "type": "object",
                    "required": ["kind"],
                    "properties": {"kind": {"type": "string"}},
                },
            }
        }
    }
    schema = {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}},
    }
    # When values are generated
    kinds = {generate(schema, document, random.Random(seed))["kind"] for seed in range(20)}
    # Then the discriminator names the alternative chosen
    assert kinds == {"cat", "Dog"}


def test_a_contradictory_schema_is_a_generation_error() -> None:
    # Given a schema no value satisfies
    # When a value is generated
    # Then GenerationError is raised
    with pytest.raises(GenerationError):
        gen({"type": "integer", "minimum": 5, "maximum": 4})
    with pytest.raises(GenerationError):
        gen({"allOf": [{"type": "string"}, {"type": "integer"}]})


def test_an_external_ref_is_a_generation_error() -> None:
    # Given a reference outside the bundled document
    # When a value is generated
    # Then GenerationError names it
    with pytest.raises(GenerationError, match=r"other\.yaml"):
        gen({"$ref": "other.yaml#/Pet"})


# --- the project's contracts ----------------------------------------------------------------------


def load_contract(name: str) -> dict[str, Any]:
    """A contract of contracts/, with the Siren schema file inlined under components."""
    path = ROOT / "contracts" / name / "openapi.yaml"
    if not path.exists():
        pytest.skip(f"{path} does not exist yet")
    document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    siren_path = ROOT / "contracts" / "siren" / "entity.schema.json"
    if siren_path.exists():
        siren = yaml.safe_load(siren_path.read_text(encoding="utf-8"))
        inlined = "#/components/schemas/SirenEntityFile"
        document.setdefault("components", {}).setdefault("schemas", {})["SirenEntityFile"] = siren
        document = rewrite_refs(
            document, {"../siren/entity.schema.json#": inlined, "#/$defs/": f"{inlined}/$defs/"}
        )
    return document


def rewrite_refs(node: Any, prefixes: dict[str, str]) -> Any:
    """The node with `$ref` prefixes replaced (the file ref first, then the file's own refs)."""
    if isinstance(node, list):
        return [rewrite_refs(item, prefixes) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: rewrite_refs(v, prefixes) for k, v in node.items()}
    ref = out.get("$ref")
    if isinstance(ref, str):
        for old, new in prefixes.items():
            if ref.startswith(old):
                out["$ref"] = new + ref[len(old) :]
                break
    return out


def response_schemas(document: dict[str, Any]) -> list[tuple[str, Any]]:
    """(operation, status and media type; schema) for every response body of the contract."""
    found: list[tuple[str, Any]] = []
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, response in operation["responses"].items():
                while "$ref" in response:
                    response = resolve(document, response["$ref"])
                for media_type, media in (response.get("content") or {}).items():
                    if "schema" in media:
                        label = f"{method.upper()} {path} {status} {media_type}"
                        found.append((label, media["schema"]))
    return found


def resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for token in ref.lstrip("#/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


@pytest.mark.parametrize("contract", ["dmlf", "freezerworks"])
def test_every_response_schema_of_the_contracts_generates_valid_values(contract: str) -> None:
    # Given a project contract (Siren schema file inlined)
    document = load_contract(contract)
    pristine = copy.deepcopy(document)
    schemas = response_schemas(document)
    assert schemas, "the contract declares no response bodies"
    for label, schema in schemas:
        check = validator(schema, document)
        for seed in range(3):
            for dynamic in (False, True):
                # When a response value is generated, with and without examples
                value = generate(
                    schema,
                    document,
                    random.Random(seed),
                    direction="response",
                    use_examples=not dynamic,
                )
                # Then it validates against the response schema
                errors = [e.message for e in check.iter_errors(value)]
                assert not errors, (label, seed, dynamic, errors[:3], value)
    # And generating never changed the contract
    assert document == pristine


# --- the size budget ------------------------------------------------------------------------

@pytest.mark.parametrize("schema", [
    {"type": "string", "minLength": 1_000_000_000},
    {"type": "string", "minLength": 2_000_000, "pattern": "^a+$"},
    {"type": "string", "pattern": "^x{100000000}$"},
    {"type": "array", "minItems": 100_000_000, "items": {"type": "integer"}},
    {"type": "array", "minItems": 2000, "items": {"type": "string", "minLength": 1000}},
])
def test_a_value_larger_than_the_size_budget_is_refused_before_it_is_written(
        schema: dict[str, Any]) -> None:
    # Given a lint-clean schema whose smallest value is larger than the mock writes
    # When a value is generated
    # Then generation stops with a reason instead of writing gigabytes
    with pytest.raises(GenerationError, match=r"the mock writes|more than"):
        gen(schema)


def test_a_value_within_the_size_budget_is_written() -> None:
    value = gen({"type": "string", "minLength": 500_000, "maxLength": 500_000})
    assert len(value) == 500_000
