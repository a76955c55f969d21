"""The Siren entity schema (contracts/siren/entity.schema.json) accepts Siren and only Siren."""

from __future__ import annotations

import copy
import json
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "contracts" / "siren" / "entity.schema.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)

INPUT_TYPES = ["hidden", "text", "search", "tel", "url", "email", "password", "datetime", "date",
               "month", "week", "time", "datetime-local", "number", "range", "color", "checkbox",
               "radio", "file"]
METHODS = ["GET", "PUT", "POST", "DELETE", "PATCH"]

# The order example of the Siren specification (https://github.com/kevinswiber/siren).
SPEC_EXAMPLE: dict[str, Any] = {
    "class": ["order"],
    "properties": {"orderNumber": 42, "itemCount": 3, "status": "pending"},
    "entities": [
        {"class": ["items", "collection"], "rel": ["http://x.io/rels/order-items"],
         "href": "http://api.x.io/orders/42/items"},
        {"class": ["info", "customer"], "rel": ["http://x.io/rels/customer"],
         "properties": {"customerId": "pj123", "name": "Peter Joseph"},
         "links": [{"rel": ["self"], "href": "http://api.x.io/customers/pj123"}]},
    ],
    "actions": [
        {"name": "add-item", "title": "Add Item", "method": "POST",
         "href": "http://api.x.io/orders/42/items", "type": "application/x-www-form-urlencoded",
         "fields": [{"name": "orderNumber", "type": "hidden", "value": "42"},
                    {"name": "productCode", "type": "text"},
                    {"name": "quantity", "type": "number"}]},
    ],
    "links": [
        {"rel": ["self"], "href": "http://api.x.io/orders/42"},
        {"rel": ["previous"], "href": "http://api.x.io/orders/41"},
        {"rel": ["next"], "href": "http://api.x.io/orders/43"},
    ],
}

VALID_ENTITIES: dict[str, dict[str, Any]] = {
    "empty entity": {},
    "specification example": SPEC_EXAMPLE,
    "error entity": {"class": ["error"],
                     "properties": {"status": 404, "title": "Not Found", "detail": "Not found."}},
    "token entity": {"class": ["token"], "properties": {"token": "a.b.c"}},
    "collection with relative hrefs": {
        "class": ["aliquots", "collection"],
        "properties": {"total": 1, "limit": 10, "offset": 0},
        "entities": [{"class": ["aliquot"], "rel": ["item"], "properties": {"PK_AliquotUID": 1},
                      "links": [{"rel": ["self"], "href": "/api/v1/aliquots/1"}]}],
        "links": [{"rel": ["self"], "href": "/api/v1/aliquots?limit=10"},
                  {"rel": ["first"], "href": "?limit=10&offset=0",
                   "type": "application/vnd.siren+json"}],
    },
}


def _errors(instance: Any) -> list[str]:
    return [error.message for error in VALIDATOR.iter_errors(instance)]


def test_the_schema_is_a_valid_2020_12_schema() -> None:
    # Given the Siren schema file
    # When the 2020-12 meta-schema checks it
    # Then it raises nothing
    Draft202012Validator.check_schema(SCHEMA)


def test_the_schema_has_no_id_so_relative_refs_resolve_by_file_path() -> None:
    # Given the Siren schema file
    # When its root keys are read
    # Then there is no $id, and every piece contracts reference is under $defs
    assert "$id" not in SCHEMA
    pieces = {"entity", "subEntity", "embeddedLink", "link", "action", "field"}
    assert pieces <= SCHEMA["$defs"].keys()


@pytest.mark.parametrize("name", sorted(VALID_ENTITIES))
def test_valid_entities_are_accepted(name: str) -> None:
    # Given a valid Siren entity
    entity = VALID_ENTITIES[name]
    # When the schema validates it
    # Then there are no errors
    assert _errors(entity) == []


def test_a_link_without_href_is_rejected() -> None:
    # Given the specification example whose first link lost its href
    entity = copy.deepcopy(SPEC_EXAMPLE)
    del entity["links"][0]["href"]
    # When the schema validates it
    # Then it is rejected
    assert _errors(entity)


def test_a_link_without_rel_is_rejected() -> None:
    # Given a link with an empty rel list
    entity = {"links": [{"rel": [], "href": "/x"}]}
    # When the schema validates it
    # Then it is rejected
    assert _errors(entity)


def test_an_action_without_name_is_rejected() -> None:
    # Given the specification example whose action lost its name
    entity = copy.deepcopy(SPEC_EXAMPLE)
    del entity["actions"][0]["name"]
    # When the schema validates it
    # Then it is rejected
    assert _errors(entity)


def test_an_action_with_an_unknown_method_is_rejected() -> None:
    # Given an action whose method is not an HTTP method Siren allows
    entity = {"actions": [{"name": "fetch", "href": "/x", "method": "FETCH"}]}
    # When the schema validates it
    # Then it is rejected
    assert _errors(entity)


def test_a_field_with_an_unknown_input_type_is_rejected() -> None:
    # Given an action field of a type that is no HTML input type
    field = {"name": "f", "type": "integer"}
    entity = {"actions": [{"name": "a", "href": "/x", "fields": [field]}]}
    # When the schema validates it
    # Then it is rejected
    assert _errors(entity)


def test_a_sub_entity_without_rel_is_rejected() -> None:
    # Given the specification example whose embedded sub-entity lost its rel
    entity = copy.deepcopy(SPEC_EXAMPLE)
    del entity["entities"][1]["rel"]
    # When the schema validates it
    # Then it is rejected
    assert _errors(entity)


def test_an_embedded_link_whose_href_is_not_a_string_is_rejected() -> None:
    # Given an embedded link whose href is a number (so it is neither a link nor a sub-entity)
    entity = {"entities": [{"rel": ["item"], "href": "/x"}, {"rel": ["item"], "href": 3}]}
    # When the schema validates it
    # Then it is rejected
    assert _errors(entity)


def test_class_must_be_a_list_of_strings() -> None:
    # Given an entity whose class is a bare string
    entity = {"class": "order"}
    # When the schema validates it
    # Then it is rejected
    assert _errors(entity)


# --- property tests ------------------------------------------------------------------------------

names = st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=12)
classes = st.lists(names, max_size=3)
rels = st.lists(st.sampled_from(["self", "item", "next", "prev", "first", "collection"]) | names,
                min_size=1, max_size=3)
hrefs = st.builds(
    lambda parts, absolute: ("http://127.0.0.1:8000/" if absolute else "/") + "/".join(parts),
    st.lists(names, max_size=4),
    st.booleans(),
)
media_types = st.sampled_from(["application/json", "application/vnd.siren+json",
                               "application/x-www-form-urlencoded", "text/html; charset=utf-8"])
scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(names, inner, max_size=3), max_leaves=8)

links = st.fixed_dictionaries(
    {"rel": rels, "href": hrefs},
    optional={"class": classes, "title": st.text(max_size=20), "type": media_types},
)
fields = st.fixed_dictionaries(
    {"name": names},
    optional={"type": st.sampled_from(INPUT_TYPES), "value": json_values,
              "title": st.text(max_size=20), "class": classes},
)
actions = st.fixed_dictionaries(
    {"name": names, "href": hrefs},
    optional={"method": st.sampled_from(METHODS), "title": st.text(max_size=20),
              "type": media_types, "class": classes, "fields": st.lists(fields, max_size=4)},
)
embedded_links = st.fixed_dictionaries(
    {"rel": rels, "href": hrefs},
    optional={"class": classes, "type": media_types, "title": st.text(max_size=20)},
)


Entities = st.SearchStrategy[dict[str, Any]]


def _entities_with(children: st.SearchStrategy[list[dict[str, Any]]]) -> Entities:
    return st.fixed_dictionaries(
        {},
        optional={"class": classes, "title": st.text(max_size=20),
                  "properties": st.dictionaries(names, json_values, max_size=4),
                  "entities": children, "links": st.lists(links, max_size=3),
                  "actions": st.lists(actions, max_size=2)},
    )


def _with_children(inner: Entities) -> Entities:
    sub_entities = st.builds(lambda entity, rel: {**entity, "rel": rel}, inner, rels)
    return _entities_with(st.lists(embedded_links | sub_entities, max_size=3))


siren_entities = st.recursive(_entities_with(st.just([])), _with_children, max_leaves=6)


@given(siren_entities)
def test_every_generated_siren_entity_is_accepted(entity: dict[str, Any]) -> None:
    # Given any entity built by the rules of the Siren specification
    # When the schema validates it
    # Then there are no errors
    assert _errors(entity) == []


@given(siren_entities, links)
def test_a_generated_entity_with_a_link_missing_href_is_rejected(
    entity: dict[str, Any], link: dict[str, Any]
) -> None:
    # Given a valid entity to which a link without href is added
    hrefless = {k: v for k, v in link.items() if k != "href"}
    broken = {**entity, "links": [*entity.get("links", []), hrefless]}
    # When the schema validates it
    # Then it is rejected
    assert _errors(broken)
