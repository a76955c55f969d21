"""HTTP to a target, authenticated the way its contract says, every exchange kept as evidence.

`ApiClient.call(operation, ...)` fills the path, sends the body as the operation's media type
(JSON, or multipart with files), and authenticates: a bearer token from the contract's token
endpoint for protected operations (logging in on first use, refreshing or logging in again on a
401), HTTP Basic for Basic operations, nothing otherwise. `auth=` overrides that per request.
"""

from __future__ import annotations

import base64
import json
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from specmock.core.pointers import resolve as resolve_pointer
from specmock.suites_support import (
    ContractModel,
    ContractViolationError,
    Exchange,
    FilePart,
    Operation,
    Received,
    Sent,
    TokenEndpoint,
    violation,
)
from specmock.suites_support.schemas import set_pointer
from specmock_suites.context import Credentials
from specmock_suites.ledger import MAX_RETRY_WAIT, TokenLedger

TIMEOUT = 30
AUTO = "auto"
NONE = "none"


@dataclass(frozen=True)
class Auth:
    """An explicit Authorization for one request: the header value (None: send none) and how
    to show it in messages (`Bearer <expired token>`)."""

    header: str | None
    note: str


@dataclass(frozen=True)
class Tokens:
    """The tokens a login gave."""

    access: str
    refresh: str | None


class ApiClient:
    """A requests session against one target of one contract."""

    def __init__(
        self,
        base_url: str,
        model: ContractModel,
        credentials: Credentials | None,
        ledger: TokenLedger | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.credentials = credentials
        self.ledger = ledger if ledger is not None else TokenLedger()
        self.session = requests.Session()
        self.exchanges: deque[Exchange] = deque(maxlen=50)
        self.tokens: Tokens | None = None

    @property
    def last(self) -> Exchange:
        """The most recent exchange."""
        return self.exchanges[-1]

    def url(self, operation: Operation, path: Mapping[str, Any] | None = None) -> str:
        """The absolute URL of an operation with its path parameters filled."""
        return self.base_url + operation.fill(path or {})

    def call(
        self,
        operation: Operation,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None,
        json_body: Any = None,
        form: Mapping[str, Any] | None = None,
        files: Sequence[FilePart] = (),
        auth: str | Auth = AUTO,
        headers: Mapping[str, str] | None = None,
        multipart: bool = False,
    ) -> requests.Response:
        """Send one request for `operation` (see the module docstring for `auth`); `form` and
        `files` go as multipart/form-data when `multipart` or when there are files."""
        kwargs: dict[str, Any] = {"params": query, "headers": dict(headers or {})}
        if multipart or files:
            fields = [(k, (None, _form_value(v))) for k, v in (form or {}).items()]
            parts = [(p.name, (p.filename, p.content, p.content_type)) for p in files]
            kwargs["files"] = fields + parts
        elif form is not None:
            kwargs["data"] = {k: _form_value(v) for k, v in form.items()}
        elif json_body is not None:
            kwargs["json"] = json_body
        url = self.url(operation, path)
        if auth == AUTO and operation.protected:
            return self._with_token_retry(operation.method, url, kwargs)
        return self.send(operation.method, url, auth=self._auth_for(operation, auth), **kwargs)

    def get(self, url: str, auth: str | Auth = AUTO) -> requests.Response:
        """GET an absolute URL (a link), with the bearer token when `auth` is `auto`."""
        if auth == AUTO:
            return self._with_token_retry("GET", url, {})
        return self.send("GET", url, auth=auth if isinstance(auth, Auth) else None)

    def send(
        self, method: str, url: str, *, auth: Auth | None = None, **kwargs: Any
    ) -> requests.Response:
        """Send a request as given and keep the exchange."""
        headers = dict(kwargs.pop("headers", None) or {})
        retried = bool(kwargs.pop("_retried", False))
        if auth is not None and auth.header is not None:
            headers["Authorization"] = auth.header
        try:
            response = self.session.request(
                method, url, headers=headers, timeout=TIMEOUT, allow_redirects=False, **kwargs
            )
        except requests.RequestException as exc:
            sent = Sent(method, url, tuple(headers.items()), auth_note=auth.note if auth else None)
            self.exchanges.append(Exchange(sent, None, error=str(exc)))
            raise ContractViolationError(
                violation("the target answers every request", [self.last])
            ) from None
        response = self._follow_redirects(response, auth)
        self.exchanges.append(_exchange(response, kwargs, auth))
        if response.status_code == 429:
            return self._after_throttle(method, url, auth, kwargs, response, retried)
        return response

    def _after_throttle(
        self,
        method: str,
        url: str,
        auth: Auth | None,
        kwargs: dict[str, Any],
        response: requests.Response,
        retried: bool,
    ) -> requests.Response:
        """Honour a 429: wait a short Retry-After and try once more; otherwise stop the token
        requests of the run and skip the test, saying why (HTTP 429, RFC 6585)."""
        wait = _retry_after(response)
        if wait is not None and wait <= MAX_RETRY_WAIT and not retried:
            time.sleep(wait)
            return self.send(method, url, auth=auth, _retried=True, **kwargs)
        told = f"Retry-After {wait:g} s" if wait is not None else "no Retry-After"
        reason = f"the target throttles this client (429 on {method} {url}, {told})"
        self.ledger.stop(reason)
        pytest.skip(reason)

    # ------------------------------------------------------------------------ tokens

    def request_token(
        self, username: str, password: str, purpose: str = "login", reserve: int = 0
    ) -> requests.Response:
        """Call the token endpoint with these credentials (no checks); counted in the ledger,
        skipped when its budget (less `reserve`) is spent."""
        token = self._token_endpoint()
        self.ledger.spend(purpose, reserve)
        operation = token.operation
        if token.basic:
            raw = base64.b64encode(f"{username}:{password}".encode()).decode()
            return self.call(operation, auth=Auth(f"Basic {raw}", "Basic <credentials>"))
        pointers = token.credentials
        assert isinstance(pointers, Mapping)
        body: dict[str, Any] = {}
        set_pointer(body, pointers["username"], username)
        set_pointer(body, pointers["password"], password)
        return self.call(operation, json_body=body, auth=NONE)

    def login(self) -> Tokens:
        """The run's tokens: those of its one login while they are fresh, refreshed once they
        are stale, a new login only when there are none (or the refresh is refused)."""
        ledger = self.ledger
        if ledger.access is not None and not ledger.stale:
            self.tokens = Tokens(ledger.access, ledger.refresh)
            return self.tokens
        if ledger.access is not None and ledger.refresh and self.model.refresh is not None:
            self.tokens = Tokens(ledger.access, ledger.refresh)
            if self._refreshed():
                return self.tokens
        return self.new_login()

    def new_login(self) -> Tokens:
        """Log in with the session's credentials; a refused login is a violation."""
        if self.credentials is None:
            pytest.skip("no credentials: pass --username and --password (or SPECMOCK_USERNAME)")
        token = self._token_endpoint()
        response = self.request_token(self.credentials.username, self.credentials.password)
        body = _json(response)
        access = resolve_pointer(body, token.access_pointer)
        if response.status_code != 200 or not isinstance(access, str):
            raise ContractViolationError(
                violation(
                    f"{token.operation.label} (x-specmock action issueToken) gives a token at "
                    f"{token.access_pointer} for valid credentials",
                    [self.last],
                    expected=f"200 with a string at {token.access_pointer}",
                )
            )
        refresh = resolve_pointer(body, token.refresh_pointer) if token.refresh_pointer else None
        self.tokens = Tokens(access, refresh if isinstance(refresh, str) else None)
        self.ledger.access, self.ledger.refresh = self.tokens.access, self.tokens.refresh
        self.ledger.stale = False
        return self.tokens

    def request_refresh(
        self, refresh_token: Any, purpose: str = "refresh", reserve: int = 0
    ) -> requests.Response:
        """Call the refresh endpoint with this refresh token (no checks); counted."""
        endpoint = self.model.refresh
        assert endpoint is not None
        self.ledger.spend(purpose, reserve)
        body = set_pointer({}, endpoint.refresh_from, refresh_token)
        return self.call(endpoint.operation, json_body=body, auth=NONE)

    def access_token(self) -> str:
        """The current access token (logging in first if needed)."""
        return (self.tokens or self.login()).access

    def bearer(self, token: str | None = None, note: str = "Bearer <token>") -> Auth:
        """An explicit bearer Authorization (the current token by default)."""
        return Auth(f"Bearer {token or self.access_token()}", note)

    def _with_token_retry(self, method: str, url: str, kwargs: dict[str, Any]) -> requests.Response:
        response = self.send(method, url, auth=self.bearer(), **kwargs)
        if response.status_code != 401:
            return response
        self.renew()
        return self.send(method, url, auth=self.bearer(), **kwargs)

    def renew(self) -> None:
        """New tokens: a refresh where the contract has one, else a new login."""
        refreshable = self.tokens and self.tokens.refresh and self.model.refresh is not None
        if not (refreshable and self._refreshed()):
            self.new_login()

    def _refreshed(self) -> bool:
        """Exchange the current refresh token; whether that gave a new access token (shared
        with the run's other tests through the ledger)."""
        endpoint = self.model.refresh
        assert endpoint is not None
        assert self.tokens is not None
        response = self.request_refresh(self.tokens.refresh)
        access = resolve_pointer(_json(response), endpoint.access_pointer)
        if response.status_code != 200 or not isinstance(access, str):
            return False
        self.tokens = Tokens(access, self.tokens.refresh)
        self.ledger.access, self.ledger.refresh = access, self.tokens.refresh
        self.ledger.stale = False
        return True

    def _auth_for(self, operation: Operation, auth: str | Auth) -> Auth | None:
        if isinstance(auth, Auth):
            return auth
        if auth == AUTO and operation.security.value == "basic" and self.credentials:
            c = self.credentials
            raw = base64.b64encode(f"{c.username}:{c.password}".encode()).decode()
            return Auth(f"Basic {raw}", "Basic <credentials>")
        return None

    def _token_endpoint(self) -> TokenEndpoint:
        if self.model.token is None:
            pytest.skip("the contract declares no issueToken operation")
        return self.model.token

    def _follow_redirects(
        self, response: requests.Response, auth: Auth | None
    ) -> requests.Response:
        """Follow same-host redirects (DRF's APPEND_SLASH) keeping the Authorization header."""
        for _ in range(5):
            location = response.headers.get("location")
            if response.status_code not in (301, 302, 303, 307, 308) or not location:
                return response
            target = requests.compat.urljoin(response.url, location)
            if not target.startswith(self.base_url):
                return response
            request = response.request
            headers = dict(request.headers)
            keep_body = response.status_code in (307, 308)
            response = self.session.request(
                str(request.method) if keep_body else "GET",
                target,
                headers=headers if keep_body else _without_body_headers(headers),
                data=request.body if keep_body else None,
                timeout=TIMEOUT,
                allow_redirects=False,
            )
        return response


def _exchange(
    response: requests.Response, kwargs: Mapping[str, Any], auth: Auth | None
) -> Exchange:
    request = response.request
    parts = kwargs.get("files") or []
    files = tuple(
        FilePart(name, value[0], value[2], value[1])
        for name, value in parts
        if value[0] is not None
    )
    fields = [(name, value[1]) for name, value in parts if value[0] is None]
    data = kwargs.get("data")
    raw = data.encode() if isinstance(data, str) else data if isinstance(data, bytes) else None
    form = data.items() if isinstance(data, Mapping) else ()
    sent = Sent(
        method=str(request.method),
        url=str(request.url),
        headers=tuple((k, str(v)) for k, v in request.headers.items() if _shown(k)),
        json=kwargs.get("json"),
        has_json="json" in kwargs,
        form=tuple((k, str(v)) for k, v in [*form, *fields]),
        files=files,
        body=raw,
        auth_note=auth.note if auth else None,
    )
    received = Received(
        response.status_code,
        response.reason or "",
        tuple(response.headers.items()),
        response.content,
    )
    return Exchange(sent, received)


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _retry_after(response: requests.Response) -> float | None:
    """Retry-After in seconds (delay-seconds form; an HTTP date counts as unknown)."""
    value = response.headers.get("retry-after", "").strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def _shown(header: str) -> bool:
    return header.lower() not in ("user-agent", "accept-encoding", "connection", "content-length")


def _without_body_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower() not in ("content-type", "content-length")}
