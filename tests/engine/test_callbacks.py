"""OpenAPI callbacks: the mock sends them to a real receiver (pytest-httpserver) after answering.

The engine runs in process; the callbacks go over real sockets to the receiver. Tests wait for
the sender to be idle (`CallbackSender.idle`) or on an event, never for a fixed time.
"""

from __future__ import annotations

import copy
import json
import socket
import threading
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from werkzeug import Request as ReceivedRequest
from werkzeug import Response as ReceiverAnswer

from specmock.behaviours.callbacks import Exchange, ExpressionError, evaluate, expand
from specmock.core.exchange import Request, Response
from specmock.core.pointers import escape
from specmock.engine.app import MockEngine
from specmock.engine.options import EngineOptions
from tests.engine.test_pipeline import send

DOCUMENT = (Path(__file__).resolve().parents[1] / "e2e" / "corpus" / "cors-callbacks"
            / "openapi.yaml")
WAIT = 30.0  # a bound for a broken sender, never a pause


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return yaml.safe_load(DOCUMENT.read_text())


@pytest.fixture
def engine(document: dict[str, Any]) -> MockEngine:
    return MockEngine(document, EngineOptions(check_responses=True))


def _subscribe(engine: MockEngine, url: str) -> Response:
    return send(engine, "POST", "/subscriptions",
                json_body={"callbackUrl": url, "events": ["order.paid"]})


def test_a_subscription_calls_back_the_url_in_its_body(
        engine: MockEngine, httpserver: HTTPServer, document: dict[str, Any]) -> None:
    # Given a receiver expecting the event
    httpserver.expect_oneshot_request("/hooks", method="POST").respond_with_data(status=204)
    # When a client subscribes it
    answer = _subscribe(engine, httpserver.url_for("/hooks"))
    assert engine.callbacks.idle(WAIT)
    # Then the answer was the operation's, and the receiver got one event valid by its schema
    assert answer.status == 201
    [(received, _)] = httpserver.log
    assert received.headers["Content-Type"] == "application/json"
    event_schema = {"$ref": "#/components/schemas/Event", "components": document["components"]}
    jsonschema.validate(received.get_json(), event_schema)


def test_a_callback_is_journalled_with_what_it_sent_and_got(
        engine: MockEngine, httpserver: HTTPServer) -> None:
    # Given a receiver that answers 204
    httpserver.expect_oneshot_request("/hooks").respond_with_data(status=204)
    url = httpserver.url_for("/hooks")
    # When a subscription calls it back
    _subscribe(engine, url)
    assert engine.callbacks.idle(WAIT)
    # Then the journal has the request, then the callback, named and tied to its operation
    request_entry, callback_entry = engine.journal.entries()
    assert request_entry["path"] == "/subscriptions"
    assert callback_entry["callback"] == {"name": "subscriptionEvent",
                                          "of": "createSubscription", "url": url}
    assert (callback_entry["method"], callback_entry["status"]) == ("POST", 204)
    assert json.loads(callback_entry["request"]["body"])["type"] in (
        "order.created", "order.paid", "order.cancelled")


def test_the_url_may_come_from_a_header_and_the_answer(
        engine: MockEngine, httpserver: HTTPServer) -> None:
    # Given a receiver for the payment's outcome
    httpserver.expect_oneshot_request("/shop/payments/pay_41", method="PUT").respond_with_data()
    # When a payment names it in X-Callback-Url
    answer = send(engine, "POST", "/payments", json_body={"amount": 5, "currency": "EUR"},
                  headers={"X-Callback-Url": httpserver.url_for("/shop")})
    assert engine.callbacks.idle(WAIT)
    # Then the outcome went to {header}/payments/{answer's id}, with the documented example
    assert answer.status == 202
    [(received, _)] = httpserver.log
    assert received.get_json() == {"id": "pay_41", "status": "succeeded"}


def test_a_text_callback_body_is_sent_as_text(
        engine: MockEngine, httpserver: HTTPServer) -> None:
    # Given a receiver named in the query
    httpserver.expect_oneshot_request("/ready").respond_with_data()
    # When an export starts
    send(engine, "GET", "/exports", query=f"notify={httpserver.url_for('/ready')}")
    assert engine.callbacks.idle(WAIT)
    # Then the receiver got the example as plain text
    [(received, _)] = httpserver.log
    assert received.headers["Content-Type"] == "text/plain"
    assert received.get_data(as_text=True) == "https://files.example/exports/exp_7.csv"


def test_the_answer_does_not_wait_for_the_receiver(
        engine: MockEngine, httpserver: HTTPServer) -> None:
    # Given a receiver that holds every callback until released
    release, arrived = threading.Event(), threading.Event()

    def hold(_: ReceivedRequest) -> ReceiverAnswer:
        arrived.set()
        release.wait(WAIT)
        return ReceiverAnswer(status=204)

    httpserver.expect_oneshot_request("/slow").respond_with_handler(hold)
    # When a subscription is made
    answer = _subscribe(engine, httpserver.url_for("/slow"))
    # Then it is answered while the receiver still holds its callback
    assert answer.status == 201
    assert arrived.wait(WAIT)
    assert not engine.callbacks.idle(0)
    release.set()
    assert engine.callbacks.idle(WAIT)


def test_an_unreachable_receiver_is_logged_and_journalled(
        engine: MockEngine, caplog: pytest.LogCaptureFixture) -> None:
    # Given a callback URL where nothing listens (a port just closed)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # When a subscription names it
    answer = _subscribe(engine, f"http://127.0.0.1:{port}/gone")
    assert engine.callbacks.idle(WAIT)
    # Then the answer is still the operation's; the failure is in the log and the journal
    assert answer.status == 201
    entry = engine.journal.entries()[-1]
    assert entry["status"] == 0
    assert entry["callback"]["error"].startswith("failed:")
    assert any("subscriptionEvent" in r.getMessage() for r in caplog.records)


def test_a_url_that_names_nothing_is_not_sent(document: dict[str, Any]) -> None:
    # Given a document where the header the callback's URL is built from is optional
    changed = copy.deepcopy(document)
    changed["paths"]["/payments"]["post"]["parameters"][0]["required"] = False
    rebuilt = MockEngine(changed, EngineOptions(check_responses=True))
    # When a payment is made without it
    answer = send(rebuilt, "POST", "/payments", json_body={"amount": 5, "currency": "EUR"})
    assert rebuilt.callbacks.idle(WAIT)
    # Then the answer is 202 and the journal says why nothing was sent
    assert answer.status == 202
    entry = rebuilt.journal.entries()[-1]
    assert entry["callback"]["error"] == (
        "not sent: $request.header.X-Callback-Url names nothing in this exchange")


def test_a_non_http_url_is_not_sent(engine: MockEngine) -> None:
    # Given a subscription to a file: URL
    _subscribe(engine, "file:///etc/passwd")
    assert engine.callbacks.idle(WAIT)
    # Then nothing was read or sent, and the journal says so
    assert engine.journal.entries()[-1]["callback"]["error"] == (
        "not sent: the URL is not http(s)")


def test_a_refused_request_sends_no_callback(engine: MockEngine) -> None:
    # Given a subscription the validator refuses
    answer = send(engine, "POST", "/subscriptions", json_body={"events": []})
    # Then nothing is sent
    assert answer.status >= 400
    assert [e.get("callback") for e in engine.journal.entries()] == [None]


def _exchange(body: Any = None, query: str = "", headers: dict[str, str] | None = None,
              answer: Any = None) -> Exchange:
    request = Request("POST", "/things/7", query, headers or {},
                      json.dumps(body).encode() if body is not None else b"",
                      "http://mock.test:8080")
    response = Response(201, [("content-type", "application/json"), ("location", "/things/7")],
                        json.dumps(answer).encode() if answer is not None else b"")
    return Exchange(request, {"thingId": "7"}, response)


keys = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=10)
values = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@given(key=keys, value=values)
def test_a_body_pointer_reads_any_member(key: str, value: str) -> None:
    # Given a request body with any member name (slashes and tildes escaped in the pointer)
    exchange = _exchange(body={key: value})
    # Then the expression reads exactly that value
    assert evaluate(f"$request.body#/{escape(key)}", exchange) == value


@given(number=st.integers(-(10**12), 10**12))
def test_a_number_goes_into_the_url_as_json_writes_it(number: int) -> None:
    exchange = _exchange(answer={"id": number})
    assert expand("http://r.test/{$response.body#/id}/x", exchange) == f"http://r.test/{number}/x"


def test_every_kind_of_expression_reads_the_exchange() -> None:
    exchange = _exchange(body={"a": [1, {"b": "deep"}]}, query="hook=h&hook=second",
                         headers={"x-hook": "hv"}, answer={"id": "t7"})
    assert evaluate("$url", exchange) == "http://mock.test:8080/things/7?hook=h&hook=second"
    assert evaluate("$method", exchange) == "POST"
    assert evaluate("$statusCode", exchange) == 201
    assert evaluate("$request.query.hook", exchange) == "h"
    assert evaluate("$request.header.X-Hook", exchange) == "hv"
    assert evaluate("$request.path.thingId", exchange) == "7"
    assert evaluate("$request.body#/a/1/b", exchange) == "deep"
    assert evaluate("$response.header.Location", exchange) == "/things/7"
    assert evaluate("$response.body#/id", exchange) == "t7"
    assert evaluate("$response.body", exchange) == {"id": "t7"}


@pytest.mark.parametrize("expression", [
    "$request.body#/missing", "$request.query.none", "$response.header.X-None", "$req.body",
    "$request.cookie.a"])
def test_an_expression_that_names_nothing_is_an_error(expression: str) -> None:
    with pytest.raises(ExpressionError):
        evaluate(expression, _exchange(body={"a": 1}))


def test_callbacks_off_sends_nothing(document: dict[str, Any]) -> None:
    # Given callbacks turned off
    engine = MockEngine(document, EngineOptions(callbacks=False))
    # When a subscription names a (non-http) URL that would otherwise be journalled as not sent
    answer = _subscribe(engine, "mailto:ops@client.example")
    # Then the answer is the operation's and no callback was even considered
    assert answer.status == 201
    assert [e.get("callback") for e in engine.journal.entries()] == [None]


def test_a_callback_of_a_mock_calls_no_one_back(engine: MockEngine) -> None:
    # Given a request that is itself a mock's callback (its User-Agent says so)
    answer = send(engine, "POST", "/subscriptions",
                  json_body={"callbackUrl": "mailto:ops@client.example", "events": ["order.paid"]},
                  headers={"User-Agent": "specmock-callbacks"})
    # Then it is answered but triggers nothing: two mocks cannot call each other forever
    assert answer.status == 201
    assert [e.get("callback") for e in engine.journal.entries()] == [None]
