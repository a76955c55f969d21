"""Static answers: status, media type and body chosen from the contract as Prism does."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from specmock.behaviours.fake import resolve_ref
from specmock.behaviours.prefer import Preference
from specmock.behaviours.static import StaticAnswer, StaticResponder, negotiate
from specmock.core.problems import ApiError
from tests.behaviours.test_fake import load_contract
from tests.behaviours.test_fake import validator as contract_validator

PET = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {
        "id": {"type": "integer", "minimum": 1},
        "name": {"type": "string", "minLength": 1},
        "tag": {"type": "string", "pattern": r"^[A-Z]{2}-\d+$"},
        "password": {"type": "string", "writeOnly": True},
    },
}
PROBLEM = {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "string"}}}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "pets", "version": "1"},
    "paths": {},
    "components": {
        "schemas": {"Pet": PET, "Problem": PROBLEM},
        "examples": {"rex": {"summary": "a dog", "value": {"id": 1, "name": "Rex"}}},
        "responses": {
            "NotFound": {
                "description": "no such pet",
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/Problem"},
                        "examples": {"gone": {"value": {"detail": "Not found."}}},
                    }
                },
            },
        },
        "headers": {"RateLimit": {"schema": {"type": "integer", "minimum": 0, "maximum": 100}}},
    },
}

JSON_PET = {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}


def responder(
    responses: dict[Any, Any], seed: int = 0, operation_id: str = "getPet"
) -> StaticResponder:
    """A responder for an operation with these responses, in DOCUMENT."""
    return StaticResponder(
        {"operationId": operation_id, "responses": responses}, DOCUMENT, seed=seed
    )


def described(content: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A response object."""
    response: dict[str, Any] = {"description": "x", **extra}
    if content is not None:
        response["content"] = content
    return response


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    """A jsonschema validator of `schema` whose local $refs point into DOCUMENT."""
    document = {**DOCUMENT, "x-under-test": schema}
    registry: Registry[Any] = Registry().with_resource(
        "urn:doc", DRAFT202012.create_resource(document)
    )
    return Draft202012Validator(
        {"$ref": "urn:doc#/x-under-test"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


# --- status ---------------------------------------------------------------------------------------


def test_without_a_code_the_lowest_2xx_is_answered() -> None:
    # Given an operation declaring errors and two successes, out of order
    pets = responder({"404": described(), 201: described(), "200": described(JSON_PET)})
    # When nothing is preferred
    answer = pets.answer(Preference())
    # Then the lowest 2xx answers
    assert answer.status == 200


def test_a_2xx_range_counts_as_200_when_no_2xx_code_is_declared() -> None:
    # Given only a 2XX range and an error
    pets = responder({"2XX": described(JSON_PET), "400": described()})
    # When nothing is preferred
    # Then the range answers as 200
    assert pets.answer(Preference()).status == 200


def test_without_a_2xx_the_lowest_3xx_is_answered() -> None:
    # Given redirects and an error but no success
    pets = responder({"404": described(), "302": described(), "301": described()})
    # When nothing is preferred
    # Then the lowest redirect answers
    assert pets.answer(Preference()).status == 301


def test_without_2xx_or_3xx_the_lowest_status_other_than_401_and_403_is_answered() -> None:
    # Given only error responses, the auth ones lowest
    pets = responder(
        {"401": described(), "403": described(), "422": described(), "404": described()}
    )
    # When nothing is preferred
    # Then the lowest non-auth error answers
    assert pets.answer(Preference()).status == 404


def test_an_operation_with_only_default_answers_200_from_it() -> None:
    # Given only a default response
    pets = responder({"default": described(JSON_PET)})
    # When nothing is preferred
    answer = pets.answer(Preference())
    # Then it answers 200 with the default's content
    assert (answer.status, answer.media_type) == (200, "application/json")


def test_a_preferred_code_picks_that_response() -> None:
    # Given a success and a documented 404 held in components
    pets = responder(
        {"200": described(JSON_PET), "404": {"$ref": "#/components/responses/NotFound"}}
    )
    # When code=404 is preferred
    answer = pets.answer(Preference(code=404))
    # Then the 404 and its example answer
    assert (answer.status, answer.body) == (404, {"detail": "Not found."})


def test_a_preferred_code_falls_back_to_its_range_then_to_default() -> None:
    # Given a 4XX range and a default
    pets = responder(
        {
            "200": described(JSON_PET),
            "4XX": described({"application/json": {"example": {"detail": "client"}}}),
            "default": described({"application/json": {"example": {"detail": "other"}}}),
        }
    )
    # When 418 and 503 are preferred
    teapot, unavailable = pets.answer(Preference(code=418)), pets.answer(Preference(code=503))
    # Then each keeps its code and answers from the range or the default
    assert (teapot.status, teapot.body) == (418, {"detail": "client"})
    assert (unavailable.status, unavailable.body) == (503, {"detail": "other"})


def test_an_undeclared_code_is_a_404_naming_the_operation_and_what_exists() -> None:
    # Given an operation declaring only 200
    pets = responder({"200": described(JSON_PET)})
    # When code=404 is preferred
    with pytest.raises(ApiError) as caught:
        pets.answer(Preference(code=404))
    # Then, as Prism answers a status the document lacks, a 404 says which status and operation
    # and what is declared
    error = caught.value
    assert (error.kind, error.status, error.code) == ("notFound", 404, "NOT_FOUND")
    assert "status code 404" in error.detail
    assert "getPet" in error.detail
    assert "declared: 200" in error.detail


# --- media type -----------------------------------------------------------------------------------

TWO_TYPES = {
    "200": described(
        {
            "application/xml": {"example": "<pet/>"},
            "application/json": {"example": {"id": 1, "name": "Rex"}},
        }
    )
}


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("*/*", "application/json"),
        ("", "application/json"),
        ("application/*", "application/json"),
        ("application/xml", "application/xml"),
        ("text/html, application/xml;q=0.5", "application/xml"),
        ("application/json;q=0.2, application/xml;q=0.9", "application/xml"),
        ("application/json;q=0, */*", "application/xml"),
        ("APPLICATION/JSON; charset=utf-8", "application/json"),
    ],
)
def test_accept_chooses_the_media_type(accept: str, expected: str) -> None:
    # Given a response in XML and JSON
    pets = responder(TWO_TYPES)
    # When the client sends this Accept header
    answer = pets.answer(Preference(), accept=accept)
    # Then the best acceptable type answers, JSON on ties
    assert answer.media_type == expected


MEDIA_TYPES = ["application/json", "application/xml", "text/plain", "text/csv", "image/png"]


@given(
    declared=st.lists(st.sampled_from(MEDIA_TYPES), min_size=1, unique=True),
    qs=st.lists(
        st.integers(1, 1000), min_size=len(MEDIA_TYPES), max_size=len(MEDIA_TYPES), unique=True
    ),
)
def test_the_declared_type_with_the_highest_q_wins(declared: list[str], qs: list[int]) -> None:
    # Given declared types and an Accept header giving every type a distinct q
    weights = {media: q / 1000 for media, q in zip(MEDIA_TYPES, qs, strict=True)}
    accept = ", ".join(f"{media};q={weight}" for media, weight in weights.items())
    # When they are negotiated
    chosen = negotiate(declared, accept)
    # Then the declared type the client weighs most is served
    assert chosen is not None
    assert chosen[0] == max(declared, key=weights.__getitem__)


def test_a_json_client_gets_a_json_suffixed_type() -> None:
    # Given a Siren API and a client that asks for plain JSON
    # When the types are negotiated
    chosen = negotiate(["application/vnd.siren+json", "text/html"], "application/json")
    # Then the +json type is served rather than a 406
    assert chosen == ("application/vnd.siren+json", "application/vnd.siren+json")


def test_a_wildcard_declaration_answers_a_concrete_type() -> None:
    # Given a response declared for any media type
    # When a client accepts anything, or names a type
    # Then the answer carries a concrete type
    assert negotiate(["*/*"], "*/*") == ("application/json", "*/*")
    assert negotiate(["*/*"], "text/csv") == ("text/csv", "*/*")


def test_nothing_acceptable_is_a_406() -> None:
    # Given a JSON-only response
    pets = responder({"200": described(JSON_PET)})
    # When the client accepts only HTML
    with pytest.raises(ApiError) as caught:
        pets.answer(Preference(), accept="text/html")
    # Then the answer is 406 listing what exists
    assert (caught.value.kind, caught.value.status) == ("notAcceptable", 406)
    assert "application/json" in caught.value.detail


def test_a_response_without_content_has_no_body_whatever_is_accepted() -> None:
    # Given a 204
    pets = responder({"204": described()})
    # When a client accepts only HTML
    answer = pets.answer(Preference(), accept="text/html")
    # Then there is no body and no 406
    assert answer == StaticAnswer(204, None, None, {})


# --- body -----------------------------------------------------------------------------------------


def test_a_named_example_is_answered() -> None:
    # Given named examples, one through a component reference
    pets = responder(
        {
            "200": described(
                {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/Pet"},
                        "examples": {
                            "fido": {"value": {"id": 2, "name": "Fido"}},
                            "rex": {"$ref": "#/components/examples/rex"},
                        },
                    }
                }
            )
        }
    )
    # When example=rex is preferred
    answer = pets.answer(Preference(example="rex"))
    # Then that example is the body
    assert answer.body == {"id": 1, "name": "Rex"}


def test_an_unknown_example_is_a_404_naming_the_available_ones() -> None:
    # Given two named examples
    pets = responder(
        {
            "200": described(
                {"application/json": {"examples": {"fido": {"value": {}}, "rex": {"value": {}}}}}
            )
        }
    )
    # When an unknown name is preferred
    with pytest.raises(ApiError) as caught:
        pets.answer(Preference(example="felix"))
    # Then a 404 (what the document lacks, as Prism answers it) lists them
    error = caught.value
    assert (error.kind, error.status) == ("notFound", 404)
    assert "felix" in error.detail
    assert "fido, rex" in error.detail


def test_an_example_with_only_an_external_value_is_refused_by_name() -> None:
    # Given a named example held elsewhere
    pets = responder(
        {
            "200": described(
                {
                    "application/json": {
                        "examples": {"remote": {"externalValue": "https://example.com/pet.json"}}
                    }
                }
            )
        }
    )
    # When it is preferred
    with pytest.raises(ApiError) as caught:
        pets.answer(Preference(example="remote"))
    # Then the 400 says specmock does not fetch it
    assert "externalValue" in caught.value.detail


def test_the_media_type_example_comes_first() -> None:
    # Given an example, named examples and a schema example
    pets = responder(
        {
            "200": described(
                {
                    "application/json": {
                        "schema": {**PET, "example": {"id": 3, "name": "Schema"}},
                        "example": {"id": 1, "name": "Media"},
                        "examples": {"a": {"value": {"id": 2, "name": "Named"}}},
                    }
                }
            )
        }
    )
    # When nothing is preferred
    # Then the media type's example answers
    assert pets.answer(Preference()).body == {"id": 1, "name": "Media"}


def test_then_the_first_usable_named_example() -> None:
    # Given named examples, the first only external
    pets = responder(
        {
            "200": described(
                {
                    "application/json": {
                        "schema": PET,
                        "examples": {
                            "far": {"externalValue": "x.json"},
                            "near": {"value": {"id": 2, "name": "Near"}},
                        },
                    }
                }
            )
        }
    )
    # When nothing is preferred
    # Then the first example with a value answers
    assert pets.answer(Preference()).body == {"id": 2, "name": "Near"}


def test_then_the_schema_example() -> None:
    # Given only a schema with its own example
    pets = responder(
        {
            "200": described(
                {"application/json": {"schema": {**PET, "example": {"id": 3, "name": "Schema"}}}}
            )
        }
    )
    # When nothing is preferred
    # Then the schema's example answers
    assert pets.answer(Preference()).body == {"id": 3, "name": "Schema"}


def test_then_data_generated_from_the_schema() -> None:
    # Given a schema without examples
    pets = responder({"200": described(JSON_PET)})
    # When nothing is preferred
    body = pets.answer(Preference()).body
    # Then the body is generated, valid, and without writeOnly properties
    assert validator(PET).is_valid(body)
    assert "password" not in body


def test_dynamic_generates_even_where_examples_exist() -> None:
    # Given a documented example
    media = {"application/json": {"schema": PET, "example": {"id": 1, "name": "Media"}}}
    pets = responder({"200": described(media)})
    # When dynamic=true is preferred
    body = pets.answer(Preference(dynamic=True)).body
    # Then the body is generated rather than the example
    assert body != {"id": 1, "name": "Media"}
    assert validator(PET).is_valid(body)


def test_a_named_example_wins_over_dynamic() -> None:
    # Given a named example
    pets = responder(
        {
            "200": described(
                {
                    "application/json": {
                        "schema": PET,
                        "examples": {"rex": {"value": {"id": 1, "name": "Rex"}}},
                    }
                }
            )
        }
    )
    # When both example=rex and dynamic=true are preferred
    # Then the named example answers: it is the more specific request
    assert pets.answer(Preference(example="rex", dynamic=True)).body == {"id": 1, "name": "Rex"}


def test_an_ungenerable_schema_is_a_500_naming_the_operation() -> None:
    # Given a schema no value satisfies
    pets = responder({"200": described({"application/json": {"schema": {"not": {}}}})})
    # When an answer is asked for
    with pytest.raises(ApiError) as caught:
        pets.answer(Preference())
    # Then a 500 explains it
    assert caught.value.status == 500
    assert "getPet" in caught.value.detail


def test_bodies_never_alias_the_contract() -> None:
    # Given an example in the document
    example = {"id": 1, "name": "Rex", "tags": ["a"]}
    pets = responder({"200": described({"application/json": {"example": example}})})
    # When the answer's body is changed
    pets.answer(Preference(example=None)).body["tags"].append("b")
    # Then the document is untouched
    assert example == {"id": 1, "name": "Rex", "tags": ["a"]}


# --- headers --------------------------------------------------------------------------------------


def test_headers_come_from_examples_or_their_schemas_as_strings() -> None:
    # Given headers with an example, a referenced schema, a boolean, an array and Content-Type
    headers = {
        "X-Request-Id": {"schema": {"type": "string"}, "example": "abc"},
        "RateLimit": {"$ref": "#/components/headers/RateLimit"},
        "X-Flag": {"schema": {"type": "boolean"}, "example": True},
        "X-List": {"schema": {"type": "array", "items": {"type": "integer"}}, "example": [1, 2]},
        "Content-Type": {"schema": {"type": "string"}, "example": "text/plain"},
    }
    pets = responder({"200": described(JSON_PET, headers=headers)})
    # When an answer is made
    answer = pets.answer(Preference())
    # Then each header has its string form; Content-Type is left to the media type
    assert answer.headers["x-request-id"] == "abc"
    assert 0 <= int(answer.headers["ratelimit"]) <= 100
    assert (answer.headers["x-flag"], answer.headers["x-list"]) == ("true", "1,2")
    assert "content-type" not in answer.headers


# --- seeds and caching ----------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_bodies() -> None:
    # Given two responders with the same seed
    first, second = (
        responder({"200": described(JSON_PET)}, seed=4),
        responder({"200": described(JSON_PET)}, seed=4),
    )
    # When each answers, dynamic answers included
    # Then the bodies are equal, request by request
    assert first.answer(Preference()).body == second.answer(Preference()).body
    dynamic = Preference(dynamic=True)
    assert [first.answer(dynamic).body for _ in range(3)] == [
        second.answer(dynamic).body for _ in range(3)
    ]


def test_dynamic_answers_vary_from_request_to_request() -> None:
    # Given one responder
    pets = responder({"200": described(JSON_PET)})
    # When dynamic answers are asked for repeatedly
    bodies = [pets.answer(Preference(dynamic=True)).body for _ in range(5)]
    # Then they are not all the same
    assert len({repr(b) for b in bodies}) > 1


def test_a_prefer_seed_overrides_the_instance_seed_for_one_request() -> None:
    # Given responders seeded 0 and 9
    zero, nine = (
        responder({"200": described(JSON_PET)}, seed=0),
        responder({"200": described(JSON_PET)}, seed=9),
    )
    # When the seed-0 responder is asked with seed=9
    overridden = zero.answer(Preference(seed=9))
    # Then it answers as the seed-9 one, and its own seed still applies afterwards
    assert overridden.body == nine.answer(Preference()).body
    assert (
        zero.answer(Preference()).body
        == responder({"200": described(JSON_PET)}).answer(Preference()).body
    )


def test_a_seeded_dynamic_answer_is_reproducible() -> None:
    # Given one responder
    pets = responder({"200": described(JSON_PET)})
    # When dynamic answers with an explicit seed are asked for twice
    # Then they are equal
    assert pets.answer(Preference(dynamic=True, seed=11)) == pets.answer(
        Preference(dynamic=True, seed=11)
    )


def test_repeated_answers_are_cached() -> None:
    # Given a responder that generates its body
    pets = responder({"200": described(JSON_PET)})
    # When the same answer is asked for twice (with Accept values that negotiate alike)
    first, second = pets.answer(Preference()), pets.answer(Preference(), accept="application/json")
    # Then the second is the first, not a new generation
    assert first == second
    assert first is second


@given(seed=st.integers(0, 2**32))
def test_every_seed_generates_a_valid_body(seed: int) -> None:
    # Given any instance seed
    pets = responder({"200": described(JSON_PET)}, seed=seed)
    # When static and dynamic answers are made
    # Then both bodies validate against the schema
    assert validator(PET).is_valid(pets.answer(Preference()).body)
    assert validator(PET).is_valid(pets.answer(Preference(dynamic=True)).body)


# --- the project's contracts ----------------------------------------------------------------------


@pytest.mark.parametrize("contract", ["dmlf", "freezerworks"])
def test_every_declared_status_of_the_contracts_answers_a_valid_body(contract: str) -> None:
    # Given a project contract (Siren schema file inlined)
    document = load_contract(contract)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            pets = StaticResponder(operation, document)
            for code in (c for c in map(str, operation["responses"]) if c.isdigit()):
                response = resolve_ref(document, operation["responses"][code])
                for dynamic in (False, True):
                    # When that status is preferred, with and without dynamic data
                    answer = pets.answer(Preference(code=int(code), dynamic=dynamic))
                    # Then the body validates against the declared schema
                    media = (response.get("content") or {}).get(answer.media_type or "", {})
                    if "schema" in media:
                        errors = [
                            e.message
                            for e in contract_validator(media["schema"], document).iter_errors(
                                answer.body
                            )
                        ]
                        assert not errors, (method, path, code, dynamic, errors[:3])
