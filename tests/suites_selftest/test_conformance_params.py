"""The conformance run's view of parameters: format ranges given to schemathesis, and the two
refusals no server owes (extra names of an exploded form object, an empty list or object)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from specmock_suites.conformance import unstated_refusal, with_format_bounds


def test_numeric_format_ranges_become_bounds_for_schemathesis() -> None:
    # Given a document with a float, a uint8 with its own tighter maximum, and an example
    document: dict[str, Any] = {"components": {"schemas": {"M": {"type": "object", "properties": {
        "ratio": {"type": "number", "format": "float"},
        "level": {"type": "integer", "format": "uint8", "maximum": 9},
    }, "example": {"format": "float"}}}}}
    # When it is prepared for schemathesis
    schemas = with_format_bounds(document)["components"]["schemas"]["M"]
    # Then each format's range is explicit, the tighter bound kept and the example untouched
    assert schemas["properties"]["ratio"]["maximum"] == 3.4028234663852886e38
    assert schemas["properties"]["level"] == {"type": "integer", "format": "uint8",
                                               "maximum": 9, "minimum": 0}
    assert schemas["example"] == {"format": "float"}


def case(parameters: list[dict[str, Any]], **sent: Any) -> Any:
    """A stand-in for a schemathesis case: its operation's raw definition and what it sent."""
    operation = SimpleNamespace(definition=SimpleNamespace(raw={
        "parameters": parameters, "responses": {"400": {}}}), schema=SimpleNamespace(raw_schema={}))
    return SimpleNamespace(operation=operation, meta=None, headers=sent.get("headers", {}),
                           query=sent.get("query", {}), cookies={}, path_parameters={})


COLOR = {"type": "object", "additionalProperties": False,
         "properties": {"R": {"type": "integer"}}}


def test_extra_names_of_an_exploded_form_object_are_no_contract_rule() -> None:
    # Given a closed form-exploded object parameter, and schemathesis sending an extra property
    found = case([{"name": "color", "in": "query", "schema": COLOR}], query={"x": "1"})
    failure = ("Invalid component: parameter `color` in query - violates `additionalProperties` "
               "at /properties/color")
    # When the acceptance is judged / Then it is noted, not failed
    assert unstated_refusal(found, failure) is not None


def test_extra_properties_of_a_deep_object_are_still_judged() -> None:
    # Given a closed deepObject parameter (its properties are bracketed: a server can tell)
    found = case([{"name": "color", "in": "query", "style": "deepObject", "schema": COLOR}])
    failure = ("Invalid component: parameter `color` in query - violates `additionalProperties` "
               "at /properties/color")
    # When the acceptance is judged / Then it stays a failure
    assert unstated_refusal(found, failure) is None


def test_an_empty_header_for_an_object_is_no_contract_rule() -> None:
    # Given an object header that went out as empty text (an empty object is written so)
    found = case([{"name": "X-Paper", "in": "header", "schema": COLOR}], headers={"X-Paper": ""})
    failure = ("Invalid component: parameter `R` in header - incorrect type "
               "at /properties/X-Paper/properties/R")
    # When the acceptance is judged / Then it is noted, not failed
    assert unstated_refusal(found, failure) is not None


def test_an_empty_header_for_a_number_is_still_judged() -> None:
    # Given an integer header sent empty (no empty integer exists)
    found = case([{"name": "X-Size", "in": "header", "schema": {"type": "integer"}}],
                 headers={"X-Size": ""})
    failure = "Invalid component: parameter `X-Size` in header - incorrect type"
    # When the acceptance is judged / Then it stays a failure
    assert unstated_refusal(found, failure) is None
