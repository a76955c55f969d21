"""Media types through the whole engine: text, XML both ways, negotiation, 406 and 415.

The documents are the e2e corpus's media cases (tests/e2e/corpus/media-*) and a stateful XML
collection (tests/fixtures/media/stateful.yaml); every engine checks its answers against its
document (`check_responses`), so each answer here is also held to the contract.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from specmock.core.exchange import Request, Response
from specmock.engine.app import MockEngine
from specmock.engine.options import EngineOptions

TESTS = Path(__file__).resolve().parents[1]
CORPUS = TESTS / "e2e" / "corpus"


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())  # type: ignore[no-any-return]


def engine_for(document: dict[str, Any], *, stateless: bool = False) -> MockEngine:
    return MockEngine(document, EngineOptions(check_responses=True, stateless=stateless))


@pytest.fixture(scope="module")
def xml_engine() -> MockEngine:
    # Stateless: these tests are about answering the document's examples, which an inferred
    # pet collection would replace with its records (tests/engine/test_inference*.py).
    return engine_for(load(CORPUS / "media-xml-petstore" / "openapi.yaml"), stateless=True)


@pytest.fixture(scope="module")
def text_engine() -> MockEngine:
    return engine_for(load(CORPUS / "media-text" / "openapi.yaml"))


@pytest.fixture(scope="module")
def vendor_engine() -> MockEngine:
    return engine_for(load(CORPUS / "media-negotiation" / "openapi.yaml"))


@pytest.fixture
def stateful() -> MockEngine:
    return engine_for(load(TESTS / "fixtures" / "media" / "stateful.yaml"))


def send(engine: MockEngine, method: str, path: str, body: bytes = b"",
         **headers: str) -> Response:
    named = {name.replace("_", "-").lower(): value for name, value in headers.items()}
    return engine.handle(Request(method, path, "", named, body, "http://mock.test"))


def violated(response: Response) -> list[list[str]]:
    """Where each violation of a refused request is, from its sl-violations header (the
    corpus documents declare their 400 without content, so that is where they are said)."""
    return [item["location"] for item in json.loads(response.header("sl-violations") or "[]")]


def media_type(response: Response) -> str:
    return (response.header("content-type") or "").split(";")[0]


# --- text ----------------------------------------------------------------------------------------

def test_a_text_example_is_the_body_itself_in_utf8(text_engine: MockEngine) -> None:
    # Given a text/plain example with a line break
    # When it is asked for
    response = send(text_engine, "GET", "/notes/1", accept="text/plain")
    # Then the body is that text, not a JSON string, and says its charset
    assert response.body == b"Buy milk.\nCall the vet."
    assert response.header("content-type") == "text/plain; charset=utf-8"


def test_a_generated_integer_in_text_plain_is_its_digits(text_engine: MockEngine) -> None:
    response = send(text_engine, "GET", "/notes/count")
    assert (response.status, media_type(response)) == (200, "text/plain")
    assert response.body.decode().isdigit()


def test_a_generated_string_of_a_non_text_type_is_unquoted(text_engine: MockEngine) -> None:
    response = send(text_engine, "GET", "/exports/notes.yaml")
    assert response.status == 200
    assert response.header("content-type") == "application/yaml"
    assert not response.body.startswith(b'"')


def test_a_text_body_is_checked_against_its_string_schema(text_engine: MockEngine) -> None:
    response = send(text_engine, "PUT", "/notes/1", b"x" * 41, content_type="text/plain")
    assert response.status == 400
    assert violated(response) == [["request", "body"]]


# --- XML out -------------------------------------------------------------------------------------

def test_an_xml_answer_is_written_from_the_schema(xml_engine: MockEngine) -> None:
    # Given a pet list declared as application/xml with xml hints
    # When it is asked for as XML
    response = send(xml_engine, "GET", "/pets", accept="application/xml")
    # Then it is XML shaped by those hints (and it passed the response check)
    assert (response.status, media_type(response)) == (200, "application/xml")
    root = ET.fromstring(response.body)
    assert root.tag == "pets"
    assert all(pet.tag == "{https://shelter.example/ns}pet" for pet in root)


def test_an_xml_example_given_as_text_is_sent_as_it_is(xml_engine: MockEngine) -> None:
    response = send(xml_engine, "GET", "/pets/7", accept="application/xml")
    assert response.body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')


def test_an_xml_answer_that_breaks_its_schema_is_caught_by_the_response_check() -> None:
    # Given a document whose XML example has no required name
    document = load(CORPUS / "media-xml-petstore" / "openapi.yaml")
    media = document["paths"]["/pets/{petId}"]["get"]["responses"]["200"]["content"]
    media["application/xml"]["example"] = "<pet id='7'><photoUrls/></pet>"
    # When it is served with response checks
    response = send(engine_for(document, stateless=True), "GET", "/pets/7",
                    accept="application/xml")
    # Then the answer is a 500 naming the broken rule
    assert response.status == 500
    assert "name" in json.loads(response.body)["detail"]


def test_an_xml_answer_that_is_not_xml_is_caught_by_the_response_check() -> None:
    document = load(CORPUS / "media-xml-petstore" / "openapi.yaml")
    media = document["paths"]["/pets/{petId}"]["get"]["responses"]["200"]["content"]
    media["application/xml"]["example"] = "<pet>"
    response = send(engine_for(document, stateless=True), "GET", "/pets/7",
                    accept="application/xml")
    assert response.status == 500
    assert "not XML" in json.loads(response.body)["detail"]


# --- XML in --------------------------------------------------------------------------------------

def test_an_xml_body_is_validated_with_pointers_into_its_json_form(xml_engine: MockEngine) -> None:
    body = b'<pet id="0"><name>Rex</name><photoUrls><photoUrl>u</photoUrl></photoUrls></pet>'
    response = send(xml_engine, "POST", "/pets", body, content_type="application/xml")
    assert response.status == 400
    assert ["request", "body", "id"] in violated(response)


def test_an_entity_bomb_is_refused_as_a_bad_request(xml_engine: MockEngine) -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><pet><name>&b;</name></pet>')
    response = send(xml_engine, "POST", "/pets", bomb, content_type="application/xml")
    assert response.status == 400
    assert "DTD or entities" in (response.header("sl-violations") or "")


def test_an_xml_create_is_stored_and_read_back_as_xml_and_json(stateful: MockEngine) -> None:
    # Given a collection that takes and answers XML
    body = b"<pet><name>Kit</name><tags><tag>calm</tag><tag>small</tag></tags></pet>"
    # When a pet is created in XML
    created = send(stateful, "POST", "/pets", body, content_type="application/xml",
                   accept="application/xml")
    # Then the answer is XML, and the stored record reads back in either type
    assert (created.status, media_type(created)) == (201, "application/xml")
    pet_id = ET.fromstring(created.body).get("id")
    as_json = json.loads(send(stateful, "GET", f"/pets/{pet_id}", accept="application/json").body)
    assert as_json == {"id": int(str(pet_id)), "name": "Kit", "tags": ["calm", "small"]}
    as_xml = ET.fromstring(send(stateful, "GET", f"/pets/{pet_id}", accept="application/xml").body)
    assert [tag.text for tag in as_xml.findall("tags/tag")] == ["calm", "small"]


def test_a_stored_list_is_written_as_xml(stateful: MockEngine) -> None:
    response = send(stateful, "GET", "/pets", accept="application/xml")
    root = ET.fromstring(response.body)
    assert (root.tag, [pet.findtext("name") for pet in root]) == ("pets", ["Rex"])


# --- negotiation ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("accept", "expected"), [
    ("*/*", "application/vnd.acme.order.v2+json"),
    ("application/vnd.acme.order.v1+json", "application/vnd.acme.order.v1+json"),
    ("application/vnd.acme.order.v1+json;q=0.3, application/hal+json;q=0.8",
     "application/hal+json"),
    ("application/*;q=0, text/*", "text/csv"),
    ("application/json", "application/vnd.acme.order.v2+json"),
])
def test_accept_picks_the_best_declared_type(vendor_engine: MockEngine, accept: str,
                                              expected: str) -> None:
    response = send(vendor_engine, "GET", "/orders/o-1", accept=accept)
    assert (response.status, media_type(response)) == (200, expected)


def test_a_declared_charset_is_answered_as_declared(vendor_engine: MockEngine) -> None:
    response = send(vendor_engine, "GET", "/orders/o-1")
    assert response.header("content-type") == "application/vnd.acme.order.v2+json; charset=utf-8"


def test_nothing_acceptable_is_406_listing_what_is_declared(vendor_engine: MockEngine) -> None:
    response = send(vendor_engine, "GET", "/orders/o-1", accept="application/xml")
    assert response.status == 406
    assert "application/hal+json" in json.loads(response.body)["detail"]


def test_a_406_before_a_create_stores_nothing(stateful: MockEngine) -> None:
    # Given a create that answers XML or JSON
    # When it is asked for in a type it cannot answer
    refused = send(stateful, "POST", "/pets", b'{"name": "Kit"}', content_type="application/json",
                   accept="text/html")
    # Then it is refused with 406 and nothing was created
    assert refused.status == 406
    assert len(json.loads(send(stateful, "GET", "/pets").body)) == 1


# --- request media types -------------------------------------------------------------------------

def test_an_undeclared_request_type_is_415_naming_the_accepted(vendor_engine: MockEngine) -> None:
    response = send(vendor_engine, "POST", "/orders", b"{}", content_type="application/json")
    assert response.status == 415
    detail = json.loads(response.body)["detail"]
    assert "application/vnd.acme.order.v2+json" in detail
    assert "application/x-www-form-urlencoded" in detail


def test_a_body_to_an_operation_without_request_body_is_415(vendor_engine: MockEngine) -> None:
    response = send(vendor_engine, "POST", "/orders/o-1/cancel", b"{}",
                    content_type="application/json")
    assert response.status == 415
    assert "takes no request body" in json.loads(response.body)["detail"]


def test_an_empty_file_is_a_body_where_one_is_required(text_engine: MockEngine) -> None:
    # Given a required application/octet-stream body
    # When zero bytes are sent with that Content-Type (an empty file)
    response = send(text_engine, "PUT", "/attachments/empty.bin",
                    content_type="application/octet-stream")
    # Then that is the body, not a missing one
    assert response.status == 201


def test_an_empty_json_body_is_still_missing(vendor_engine: MockEngine) -> None:
    response = send(vendor_engine, "POST", "/orders",
                    content_type="application/vnd.acme.order.v2+json")
    assert response.status == 400
    assert "A request body is required." in (response.header("sl-violations") or "")


def test_a_documented_answer_asked_for_negotiates_its_own_status(stateful: MockEngine) -> None:
    # Given a collection read whose 404 declares no body
    # When the 404 is asked for with an Accept no success type fits
    response = send(stateful, "GET", "/pets/1", prefer="code=404", accept="text/html")
    # Then it is answered (its own status has nothing to negotiate), not refused with 406
    assert response.status == 404
