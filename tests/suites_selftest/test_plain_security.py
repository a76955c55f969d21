"""The suites on a document without a token endpoint: which credentials conformance sends, and
what it reports when a target lets requests without credentials through or when the run lacks
the credentials an operation needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from specmock.core.exchange import Request, Response
from specmock.suites_support import ContractModel, Operation
from specmock_suites.context import Credentials, SuiteOptions, SuiteUsageError
from specmock_suites.credentials import MADE_UP, Wallet
from tests.suites_selftest.broken import Breaker
from tests.suites_selftest.harness import ROOT, run_suites, served

CALENDAR = ROOT / "tests" / "e2e" / "corpus" / "security-combinations" / "openapi.yaml"


@pytest.fixture(scope="module")
def calendar() -> ContractModel:
    return ContractModel.load(CALENDAR)


def operation(model: ContractModel, operation_id: str) -> Operation:
    return next(op for op in model.operations if op.operation_id == operation_id)


def test_a_given_api_key_header_meets_the_requirement_that_names_it(
    calendar: ContractModel,
) -> None:
    """Given --header X-Partner-Key, when GET /events/{id} (OIDC or that key) is sent, then
    the key goes in its header."""
    wallet = Wallet((("x-partner-key", "pk-1"),))
    sent = wallet.for_operation(operation(calendar, "getEvent"))
    assert sent is not None
    assert sent.headers == {"X-Partner-Key": "pk-1"}


def test_a_combination_needs_every_credential(calendar: ContractModel) -> None:
    """Given only the key, then the key-and-login export cannot be met; with --username and
    --password too, both are sent."""
    export = operation(calendar, "exportCalendar")
    assert Wallet((("X-Partner-Key", "pk-1"),)).for_operation(export) is None
    both = Wallet((("X-Partner-Key", "pk-1"),), Credentials("ops", "pw")).for_operation(export)
    assert both is not None
    assert both.headers == {"X-Partner-Key": "pk-1", "Authorization": "Basic b3BzOnB3"}


def test_made_up_credentials_have_each_scheme_form(calendar: ContractModel) -> None:
    """Given a form-checking target and nothing given, then a bearer token is made up."""
    sent = Wallet(make_up=True).for_operation(operation(calendar, "listEvents"))
    assert sent is not None
    assert sent.headers == {"Authorization": f"Bearer {MADE_UP}"}


def test_an_optional_operation_is_sent_credentials_when_there_are_some(
    calendar: ContractModel,
) -> None:
    """Given `{}` or a key, then the key is sent when given, nothing otherwise."""
    holidays = operation(calendar, "listHolidays")
    given = Wallet((("X-Partner-Key", "pk-1"),)).for_operation(holidays)
    assert given is not None
    assert given.headers == {"X-Partner-Key": "pk-1"}
    nothing = Wallet().for_operation(holidays)
    assert nothing is not None
    assert nothing.headers == {}


def test_headers_come_from_the_option_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Given SPECMOCK_HEADERS with two lines, then both headers; a malformed one is refused."""
    monkeypatch.setenv("SPECMOCK_HEADERS", "X-Key: k1\nAuthorization: Bearer t")
    found = SuiteOptions.from_values([str(CALENDAR)], None, None, None, None, ROOT)
    assert found.headers == (("X-Key", "k1"), ("Authorization", "Bearer t"))
    with pytest.raises(SuiteUsageError, match="expected 'Name: value'"):
        SuiteOptions.from_values([str(CALENDAR)], None, None, None, None, ROOT,
                                 headers=["no colon"])


class LetsAnonymousIn(Breaker):
    """Every request is answered as though it carried a bearer token and every API key."""

    rule = "requests without credentials accepted"

    def broken(self, request: Request, operation: Operation | None) -> Response:
        headers = {"authorization": "Bearer let-in", **request.headers}
        for requirement in operation.requirements if operation else ():
            for scheme in requirement:
                if scheme.kind == "apiKey" and scheme.location == "header":
                    headers.setdefault(scheme.parameter.lower(), "let-in")
                if scheme.kind == "basic":
                    headers["authorization"] = "Basic bGV0Omlu"
        return self.engine.handle(Request(request.method, request.path, request.query_string,
                                          headers, request.body, request.base_url,
                                          request.client))


class NotASpecmock(Breaker):
    """The correct engine without its admin API: to the suites, a deployment."""

    rule = "none: a deployment that checks credentials for form only"

    def handle(self, request: Request) -> Response:
        if request.path.startswith("/__specmock/"):
            return Response(404, [("content-type", "text/plain")], b"not here")
        return self.engine.handle(request)


@pytest.mark.slow
def test_conformance_passes_on_the_mock_and_exercises_protected_operations(
    tmp_path: Path,
) -> None:
    """Given the mock of a plain document, when conformance runs, then it passes and no
    protected operation is skipped (made-up credentials of each form reach them)."""
    with served(Breaker(str(CALENDAR))) as url:
        run = run_suites(url, str(CALENDAR), ["test_conformance.py"], tmp_path / "j.xml")
    assert run.returncode == 0, run.output
    assert not [o.name for o in run.outcomes if o.skipped and "[" in o.name]
    assert "invalid ones are not probed" in run.output


@pytest.mark.slow
def test_a_target_that_lets_requests_without_credentials_in_fails_conformance(
    tmp_path: Path,
) -> None:
    """Given a server that answers protected operations without credentials, then the
    operations' conformance fails naming the missing enforcement (GET /events: OAuth2, which
    schemathesis's own header checks do not cover)."""
    with served(LetsAnonymousIn(str(CALENDAR))) as url:
        run = run_suites(url, str(CALENDAR), ["test_conformance.py"], tmp_path / "j.xml",
                         "-k", "test_conformance_")
    failure = run.failure_of("GET /events]")
    assert failure is not None, run.output
    assert "API accepts requests without authentication" in failure.message


@pytest.mark.slow
def test_a_deployment_without_given_credentials_is_skipped_saying_which(tmp_path: Path) -> None:
    """Given a deployment and no credentials, then protected operations are skipped naming
    the schemes and the option; the public ones are checked."""
    with served(NotASpecmock(str(CALENDAR))) as url:
        run = run_suites(url, str(CALENDAR), ["test_conformance.py"], tmp_path / "j.xml",
                         "-k", "test_conformance_", "-rs")
    skipped = {o.name for o in run.outcomes if o.skipped}
    assert any("GET /exports" in name for name in skipped), run.output
    assert "partnerKey (header X-Partner-Key) and userLogin" in run.output
    assert any("GET /status" in o.name and not o.skipped and not o.failed
               for o in run.outcomes), run.output


@pytest.mark.slow
def test_a_deployment_that_accepts_any_key_fails_once_a_key_is_given(tmp_path: Path) -> None:
    """Given a deployment that checks only the form of keys and a key given with --header,
    then schemathesis's own probe with an invalid key fails the operation (a deployment is
    expected to verify what it is sent)."""
    with served(NotASpecmock(str(CALENDAR))) as url:
        run = run_suites(url, str(CALENDAR), ["test_conformance.py"], tmp_path / "j.xml",
                         "-k", "test_conformance_ and eventId", "--header", "X-Partner-Key: pk-1")
    failure = run.failure_of("GET /events/{eventId}")
    assert failure is not None, run.output
    assert "invalid authentication" in failure.message


LOCKERS = ROOT / "tests" / "e2e" / "corpus" / "security-http-schemes" / "openapi.yaml"


class AcceptsAnyBearer(Breaker):
    """Any Authorization header that starts with Bearer is replaced by a well-formed one."""

    rule = "bearer credentials of any form accepted"

    def broken(self, request: Request, operation: Operation | None) -> Response:
        headers = dict(request.headers)
        if headers.get("authorization", "").startswith("Bearer"):
            headers["authorization"] = "Bearer well-formed"
        return self.engine.handle(Request(request.method, request.path, request.query_string,
                                          headers, request.body, request.base_url,
                                          request.client))


@pytest.mark.slow
def test_the_auth_suite_holds_a_plain_document_to_the_bearer_form(tmp_path: Path) -> None:
    """Given the mock of a document with a bearer scheme and no token endpoint, then the auth
    suite's malformed-token checks run and pass; a server that accepts a bearer of any form
    fails them."""
    select = ("-k", "malformed or garbage")
    with served(Breaker(str(LOCKERS))) as url:
        good = run_suites(url, str(LOCKERS), ["test_auth.py"], tmp_path / "good.xml", *select)
    ran = [o for o in good.outcomes if not o.skipped]
    assert good.returncode == 0, good.output
    assert len(ran) == 2, good.output
    with served(AcceptsAnyBearer(str(LOCKERS))) as url:
        bad = run_suites(url, str(LOCKERS), ["test_auth.py"], tmp_path / "bad.xml", *select)
    failure = bad.failure_of("malformed")
    assert failure is not None, bad.output
    assert "a bearer token that is malformed is refused" in failure.message
