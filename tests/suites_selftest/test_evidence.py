"""Failure messages: the rule first, what was sent and received, and a curl command that
reproduces the request without ever showing a credential."""

from __future__ import annotations

import shlex

from hypothesis import given
from hypothesis import strategies as st

from specmock.suites_support import Exchange, FilePart, Received, Sent, curl, violation

TOKENS = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=8, max_size=60)


@given(token=TOKENS)
def test_curl_never_shows_a_bearer_token(token: str) -> None:
    """Given a request with a bearer token, when it is rendered as curl, then the token is
    replaced by a placeholder."""
    sent = Sent("GET", "http://127.0.0.1:8000/x", (("Authorization", f"Bearer {token}"),))
    command = curl(sent)
    assert token not in command
    assert "Bearer <token>" in command


def test_curl_shows_the_note_given_for_a_deliberately_bad_token() -> None:
    """Given a request whose Authorization is described by a note, then curl shows the note."""
    sent = Sent(
        "GET",
        "http://h/x",
        (("Authorization", "Bearer abc.def.ghi"),),
        auth_note="Bearer <expired access token>",
    )
    assert "Bearer <expired access token>" in curl(sent)
    assert "abc.def.ghi" not in curl(sent)


@given(
    method=st.sampled_from(["GET", "POST", "PATCH", "DELETE"]),
    path=st.text("abc/?=&'\" ", max_size=20),
    body=st.dictionaries(st.text(max_size=5), st.text(max_size=10), max_size=3),
)
def test_curl_is_one_shell_command_with_the_method_url_and_body(
    method: str, path: str, body: dict[str, str]
) -> None:
    """Given any method, URL and JSON body, when rendered as curl, then a shell splits it back
    into the same method, URL and body."""
    url = f"http://127.0.0.1:8000/{path}"
    words = shlex.split(curl(Sent(method, url, json=body, has_json=True)))
    assert words[:5] == ["curl", "-i", "-X", method, url]
    assert words[-2] == "--data-raw"


def test_multipart_requests_render_as_form_parts() -> None:
    """Given a multipart request, then curl sends each field as a form string and each file as
    a file part with its type, and the summary gives a text file's start."""
    part = FilePart("sample_info", "sample_info.json", "application/json", b'{"name": "x"}')
    sent = Sent("POST", "http://h/samples/", form=(("name", "cell 1"),), files=(part,))
    command = curl(sent)
    assert "--form-string 'name=cell 1'" in command
    assert "-F 'sample_info=@sample_info.json;type=application/json'" in command
    message = violation("a rule", [Exchange(sent, Received(400, "Bad Request"))])
    assert '{"name":"x"}' in message


def test_a_violation_names_the_rule_first_then_the_evidence() -> None:
    """Given a broken rule and its exchange, then the message starts with the rule and holds
    what was expected, what was found, the response and the curl command."""
    exchange = Exchange(
        Sent("DELETE", "http://h/items/1"), Received(200, "OK", (("content-type", "x/y"),), b"{}")
    )
    message = violation("DELETE then GET must be 404", [exchange], expected="404", found="200")
    lines = message.splitlines()
    assert lines[0] == "contract rule: DELETE then GET must be 404"
    assert "expected: 404" in message
    assert "received: 200 OK (x/y) {}" in message
    assert "reproduce: curl -i -X DELETE http://h/items/1" in message


def test_a_connection_failure_is_reported_as_no_response() -> None:
    """Given an exchange without a response, then the message says why there was none."""
    message = violation("answers", [Exchange(Sent("GET", "http://h/"), None, "refused")])
    assert "no response (refused)" in message
