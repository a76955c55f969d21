"""Auth lifecycle: bad tokens refused on every protected operation, refresh, wrong credentials.

Everything comes from the contract: the token endpoint (`x-specmock` action `issueToken`, its
credentials and where its `respond` template puts the tokens), the refresh endpoint
(`refreshToken`), and the protected operations (security naming an HTTP bearer scheme).
"""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, note
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
)

from specmock.core.pointers import resolve as resolve_pointer
from specmock.suites_support import ContractModel, Operation
from specmock_suites import budget, tokens
from specmock_suites.client import ApiClient, Auth
from specmock_suites.context import ContractRef
from specmock_suites.expect import expect, expect_status
from specmock_suites.ledger import RESERVE
from specmock_suites.probes import reading_operation, send_probe
from specmock_suites.target import Target

WRONG_CREDENTIAL_CASES = 2
"""Wrong-credential attempts on a deployment: an unknown user, then one wrong password."""

FIXED_KINDS = [
    tokens.MISSING,
    tokens.MALFORMED,
    tokens.TAMPERED,
    tokens.ALG_NONE,
    tokens.WRONG_TYPE,
    tokens.WRONG_SCHEME,
    tokens.EXPIRED,
]


def auth_refusals(operation: Operation) -> set[int]:
    """The statuses that refuse a request for its credentials: 401 (HTTP authentication,
    RFC 9110 15.5.2) and 403 where the operation documents it."""
    return {401} | ({403} if operation.documents(403) else set())


def documented_refusals(operation: Operation) -> set[int]:
    """Every 4xx status the operation documents for refusing a request (a wrong password
    answered 400 for a malformed value is refused too), 401 always; 429 is throttling."""
    documented = {int(s) for s in operation.responses if s.isdigit() and s.startswith("4")}
    return (documented | {401}) - {429}


def refusal_rule(kind: str, operation: Operation) -> str:
    """The contract rule a bad token breaks."""
    schemes = ", ".join(operation.security_schemes)
    statuses = " or ".join(str(s) for s in sorted(auth_refusals(operation)))
    return (
        f"a bearer token that is {kind} is refused with {statuses} on every protected operation "
        f"({operation.label}, security: {schemes} http bearer; responses: 401)"
    )


def check_refused(client: ApiClient, operation: Operation, kind: str) -> None:
    """The last exchange is a refusal, with the challenge header if the contract requires one."""
    __tracebackhide__ = True
    rule = refusal_rule(kind, operation)
    expect_status(client.last, auth_refusals(operation), rule)
    header = operation.response_headers(401).get("www-authenticate")
    received = client.last.received
    if isinstance(header, dict) and header.get("required") and received and received.status == 401:
        expect(
            received.header("www-authenticate") is not None,
            f"{rule}; the 401 carries the WWW-Authenticate header the contract requires",
            [client.last],
            expected="a WWW-Authenticate header",
            found="none",
        )


def bad_auth(kind: str, client: ApiClient, target: Target) -> Auth:
    """The Authorization of this kind (skips when the kind does not apply to the contract)."""
    if kind == tokens.MISSING:
        return Auth(None, "(none)")
    if kind == tokens.MALFORMED and client.model.token is None:
        # No token endpoint: which tokens are valid is the deployment's secret, but a token
        # that is not in the bearer form is refused by every target.
        return Auth("Bearer not a token", "Bearer not a token")
    if kind == tokens.MALFORMED:
        return Auth("Bearer not-a-jwt", "Bearer not-a-jwt")
    if kind == tokens.WRONG_SCHEME:
        real = client.credentials
        pair = f"{real.username}:{real.password}" if real else "user:password"
        return Auth(f"Basic {base64.b64encode(pair.encode()).decode()}", "Basic <credentials>")
    if kind == tokens.WRONG_TYPE:
        refresh = client.login().refresh
        if refresh is None:
            pytest.skip("the contract's token endpoint issues no refresh token")
        return Auth(f"Bearer {refresh}", "Bearer <refresh token>")
    if kind == tokens.EXPIRED:
        access = client.login().access
        target.expire_access_tokens()
        return Auth(f"Bearer {access}", "Bearer <expired access token>")
    crafted = tokens.CRAFTERS[kind](client.login().access)
    if crafted is None:
        pytest.skip(f"{kind}: the contract's tokens are not JWTs")
    return Auth(f"Bearer {crafted}", f"Bearer <{kind} token>")


def protected(model: ContractModel) -> list[Operation]:
    """The protected operations, or a skip when there are none."""
    operations = model.protected_operations()
    if not operations:
        pytest.skip("the contract has no operation secured by an http bearer scheme")
    return operations


@pytest.mark.parametrize("kind", FIXED_KINDS)
def test_every_protected_operation_refuses_a_bad_token(
    contract: ContractRef, target: Target, kind: str
) -> None:
    """Given a bad bearer token of one kind, when each protected operation is called with it,
    then each answers 401."""
    operations = protected(contract.model)
    client = target.client()
    auth = bad_auth(kind, client, target)
    for operation in operations:
        send_probe(client, operation, auth=auth)
        check_refused(client, operation, kind)


def test_random_garbage_tokens_are_refused(contract: ContractRef, target: Target) -> None:
    """Given any string that is not a token the target issued, when it is sent as a bearer
    token to a protected operation, then the answer is 401."""
    operations = protected(contract.model)
    client = target.client()
    printable = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=80)
    samples = tokens.malformed_samples()[1:]
    junk_tokens = printable | st.sampled_from(samples)
    if contract.model.token is None:
        # No token endpoint: only what breaks the bearer form is known to be no valid token.
        junk_tokens = (printable.filter(tokens.breaks_bearer_form)
                       | st.sampled_from([t for t in samples if tokens.breaks_bearer_form(t)]))

    @budget.examples(0.5)
    @given(junk=junk_tokens, op=st.sampled_from(operations))
    def check(junk: str, op: Operation) -> None:
        send_probe(client, op, auth=Auth(f"Bearer {junk}", f"Bearer {junk}"))
        check_refused(client, op, tokens.MALFORMED)

    check()


def test_refresh_gives_a_working_access_token(contract: ContractRef, target: Target) -> None:
    """Given a login, when its refresh token is exchanged, then the new access token works."""
    model = contract.model
    client = target.client()
    refreshed = refreshed_access(client, model, client.login().refresh)
    probe = reading(model)
    send_probe(client, probe, auth=client.bearer(refreshed, "Bearer <refreshed access token>"))
    expect_status(client.last, 200, "an access token from the refresh endpoint works")


def test_refresh_revives_a_session_whose_access_token_expired(
    contract: ContractRef, target: Target
) -> None:
    """Given a login whose access token has expired, when the refresh token is exchanged, then
    the new access token works where the old one is refused."""
    model = contract.model
    client = target.client()
    login = client.login()
    probe = reading(model)
    target.expire_access_tokens()
    send_probe(client, probe, auth=client.bearer(login.access, "Bearer <expired access token>"))
    check_refused(client, probe, tokens.EXPIRED)
    refreshed = refreshed_access(client, model, login.refresh)
    send_probe(client, probe, auth=client.bearer(refreshed, "Bearer <refreshed access token>"))
    expect_status(client.last, 200, "an access token refreshed after expiry works")


@pytest.mark.parametrize("kind", [tokens.MALFORMED, tokens.TAMPERED, "an access token"])
def test_refresh_refuses_a_bad_refresh_token(
    contract: ContractRef, target: Target, kind: str
) -> None:
    """Given a refresh token that is malformed, tampered with, or an access token, when it is
    sent to the refresh endpoint, then the answer is 401."""
    model = contract.model
    if model.refresh is None:
        pytest.skip("the contract declares no refreshToken operation")
    client = target.client()
    login = client.login()
    bad = {
        tokens.MALFORMED: "not-a-jwt",
        tokens.TAMPERED: tokens.tampered(login.refresh or login.access),
        "an access token": login.access,
    }[kind]
    client.request_refresh(bad, f"refresh with a bad token ({kind})", RESERVE)
    refusals = documented_refusals(model.refresh.operation)
    expect_status(
        client.last,
        refusals,
        f"{model.refresh.operation.label} (x-specmock action refreshToken) refuses a refresh "
        f"token that is {kind} (responses: {', '.join(str(s) for s in sorted(refusals))})",
    )


def test_an_expired_refresh_token_is_refused(contract: ContractRef, target: Target) -> None:
    """Given a refresh token older than its lifetime, when it is exchanged, then the answer is
    401 and no access token."""
    model = contract.model
    if model.refresh is None:
        pytest.skip("the contract declares no refreshToken operation")
    client = target.client()
    login = client.login()
    if login.refresh is None:
        pytest.skip("the contract's token endpoint issues no refresh token")
    target.expire_refresh_tokens()
    client.request_refresh(login.refresh, "refresh with an expired token", RESERVE)
    expect_status(
        client.last,
        documented_refusals(model.refresh.operation),
        f"{model.refresh.operation.label} (x-specmock action refreshToken) refuses a refresh "
        f"token older than its lifetime ({model.refresh_ttl:g} s)",
    )


def test_wrong_credentials_are_refused(contract: ContractRef, target: Target) -> None:
    """Given credentials that are not a user's, when they are sent to the token endpoint, then
    the answer is a documented refusal and carries no token.

    On a deployment (token budget, real accounts) only a few fixed cases are sent, within the
    budget, and at most one with the real username, so no account is ever locked out."""
    model = contract.model
    client = target.client()
    token = model.token
    if token is None or client.credentials is None:
        pytest.skip("the contract declares no issueToken operation, or no credentials are known")
    real = client.credentials
    refusals = documented_refusals(token.operation)
    rule = (
        f"{token.operation.label} (x-specmock action issueToken) refuses wrong credentials "
        f"(responses: {', '.join(str(s) for s in sorted(refusals))}) and gives no token"
    )

    def refused(username: str, password: str) -> None:
        response = client.request_token(username, password, "wrong credentials", RESERVE)
        expect_status(client.last, refusals, rule)
        body = response.json() if response.content else None
        expect(
            resolve_pointer(body, token.access_pointer) is None,
            f"{rule}: the refusal carries no token",
            [client.last],
        )

    if target.bounded:
        client.login()  # the run's one login first: a failed attempt never comes before it
        cases = [
            (f"{real.username}-no-such-user", "not-a-password"),
            (real.username, "x" + real.password),
        ]
        for username, password in cases[:WRONG_CREDENTIAL_CASES]:
            if not client.ledger.allows(1, RESERVE):
                break
            refused(username, password)
        return
    names = st.text(st.characters(min_codepoint=48, max_codepoint=122), min_size=1, max_size=20)

    @budget.examples(0.3)
    @given(username=st.just(real.username) | names, password=names)
    def check(username: str, password: str) -> None:
        if (username, password) != (real.username, real.password):
            refused(username, password)

    check()


def test_auth_lifecycle_state_machine(contract: ContractRef, target: Target) -> None:
    """Given any sequence of logins, refreshes, expiries, bad tokens and wrong passwords, then a
    valid token always works and every bad one is refused."""
    model = contract.model
    protected(model)
    if model.token is None:
        pytest.skip("the contract declares no issueToken operation")
    reading(model)
    budget.run_machine(lambda: AuthLifecycle(target), budget.machine(0.4))


class AuthLifecycle(RuleBasedStateMachine):
    """A session's tokens through their life, against a model of which token should work."""

    def __init__(self, target: Target) -> None:
        super().__init__()
        self.target = target
        self.model = target.contract.model
        self.client = target.client()
        self.probe = reading(self.model)
        self.access = ""
        self.refresh: str | None = None

    @initialize()
    def log_in(self) -> None:
        """Log in with the real credentials."""
        login = self.client.login()
        self.access, self.refresh = login.access, login.refresh

    @rule()
    def current_token_works(self) -> None:
        """The current access token opens a protected read."""
        send_probe(self.client, self.probe, auth=self.client.bearer(self.access))
        expect_status(self.client.last, 200, "a valid access token is accepted")

    @precondition(
        lambda self: (
            self.model.refresh is not None
            and self.refresh is not None
            and self.client.ledger.allows(1, RESERVE)
        )
    )
    @rule()
    def refresh_token(self) -> None:
        """A refresh gives an access token that works."""
        self.access = refreshed_access(self.client, self.model, self.refresh)
        self.current_token_works()

    @rule(
        kind=st.sampled_from([tokens.MISSING, tokens.TAMPERED, tokens.ALG_NONE, tokens.MALFORMED]),
        data=st.data(),
    )
    def bad_token_refused(self, kind: str, data: st.DataObject) -> None:
        """A bad variant of the current token is refused on a random protected operation."""
        operation = data.draw(st.sampled_from(self.model.protected_operations()), label="operation")
        crafted = {
            tokens.MISSING: None,
            tokens.MALFORMED: "not-a-jwt",
            tokens.TAMPERED: tokens.tampered(self.access),
            tokens.ALG_NONE: tokens.alg_none(self.access),
        }[kind]
        note(f"{kind} token on {operation.label}")
        header = f"Bearer {crafted}" if crafted else None
        send_probe(self.client, operation, auth=Auth(header, f"Bearer <{kind} token>"))
        check_refused(self.client, operation, kind)

    @precondition(lambda self: self.target.has_admin)
    @rule()
    def time_passes_beyond_the_token_lifetime(self) -> None:
        """After the access lifetime the old token is refused; a new login works."""
        old = self.access
        self.target.expire_access_tokens()
        send_probe(self.client, self.probe, auth=self.client.bearer(old, "Bearer <expired token>"))
        check_refused(self.client, self.probe, tokens.EXPIRED)
        self.log_in()
        self.current_token_works()

    @precondition(lambda self: not self.target.bounded)  # never lock a real account out
    @rule(password=st.text(min_size=1, max_size=12))
    def wrong_password_refused(self, password: str) -> None:
        """A wrong password gets no token."""
        credentials = self.client.credentials
        assert credentials is not None
        if password == credentials.password:
            return
        token = self.model.token
        assert token is not None
        self.client.request_token(credentials.username, password, "wrong credentials")
        refusals = documented_refusals(token.operation)
        expect_status(
            self.client.last,
            refusals,
            f"{token.operation.label} (x-specmock action issueToken) refuses wrong credentials "
            f"(responses: {', '.join(str(s) for s in sorted(refusals))})",
        )


def reading(model: ContractModel) -> Operation:
    """The protected read that proves a token works (or a skip)."""
    operation = reading_operation(model)
    if operation is None:
        pytest.skip("the contract has no protected GET without parameters to try tokens on")
    return operation


def refreshed_access(client: ApiClient, model: ContractModel, refresh: str | None) -> str:
    """Exchange the refresh token; a refusal or a missing token is a violation."""
    if model.refresh is None or refresh is None:
        pytest.skip("the contract declares no refreshToken operation (or issues no refresh token)")
    response = client.request_refresh(refresh)
    label = model.refresh.operation.label
    pointer = model.refresh.access_pointer
    rule = f"{label} (x-specmock action refreshToken) gives an access token at {pointer}"
    expect_status(client.last, 200, rule)
    access = resolve_pointer(response.json(), model.refresh.access_pointer)
    expect(isinstance(access, str), rule, [client.last], expected="a string", found=repr(access))
    return str(access)
