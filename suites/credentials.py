"""The credentials the suites send to an operation of a document without a token issuer.

Each operation lists alternative security requirements; the first one whose every scheme has a
credential is sent. A credential comes from what the user gives (`--header`, env
`SPECMOCK_HEADERS`; `--username`/`--password` for Basic) or, on a target that checks
credentials for presence and form only (a specmock serving a document that declares no token
issuer or users), is made up in the scheme's form: there is nothing such a target could verify
it against, and without it no protected operation would be exercised past its 401.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie

from specmock.suites_support import Operation, SchemeRef
from specmock_suites.context import Credentials

MADE_UP = "specmock-suites"
"""The user name, token and key of made-up credentials."""


@dataclass(frozen=True)
class Sent:
    """Where an operation's credentials go: headers, query parameters and cookies to add."""

    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    schemes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Wallet:
    """Everything the run can authenticate with."""

    headers: tuple[tuple[str, str], ...] = ()
    login: Credentials | None = field(default=None, repr=False)
    make_up: bool = False  # the target checks form only: made-up credentials pass

    def for_operation(self, operation: Operation) -> Sent | None:
        """What to send so one of the operation's requirements is met (an empty `Sent` for an
        optional or public one), or None when no requirement can be met."""
        if not operation.requirements:
            return Sent()
        # An alternative with credentials before an empty (optional) one: the credentials are
        # then exercised too.
        for requirement in sorted(operation.requirements, key=lambda r: not r):
            values = [self._credential(scheme) for scheme in requirement]
            if all(v is not None for v in values):
                sent = Sent(schemes=tuple(s.name for s in requirement))
                for scheme, value in zip(requirement, values, strict=True):
                    if value is not None and scheme.kind != "unchecked":
                        _place(sent, scheme, value)
                return sent
        return None

    def _credential(self, scheme: SchemeRef) -> str | None:
        """The value for one scheme ('' where nothing is sent: unchecked schemes)."""
        if scheme.kind == "unchecked":
            return ""
        given = self._given(scheme)
        if given is not None:
            return given
        return _made_up(scheme) if self.make_up else None

    def _given(self, scheme: SchemeRef) -> str | None:
        if scheme.kind == "apiKey" and scheme.location == "cookie":
            return _cookie(self._header("cookie"), scheme.parameter)
        if scheme.kind == "apiKey":
            return self._header(scheme.parameter) if scheme.location == "header" else None
        authorization = self._header("authorization")
        word = {"bearer": "bearer", "basic": "basic", "digest": "digest"}.get(
            scheme.kind, scheme.http_scheme.lower())
        if authorization and authorization.split(" ", 1)[0].lower() == word:
            return authorization
        if scheme.kind == "basic" and self.login is not None:
            return _basic(self.login.username, self.login.password)
        return None

    def _header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def _place(sent: Sent, scheme: SchemeRef, value: str) -> None:
    if scheme.location == "query":
        sent.query[scheme.parameter] = value
    elif scheme.location == "cookie":
        sent.cookies[scheme.parameter] = value
    else:
        sent.headers[scheme.parameter] = value


def _made_up(scheme: SchemeRef) -> str:
    """A credential in the scheme's form (RFC 6750, 7617, 7616; an apiKey is any text)."""
    if scheme.kind == "bearer":
        return f"Bearer {MADE_UP}"
    if scheme.kind == "basic":
        return _basic(MADE_UP, MADE_UP)
    if scheme.kind == "digest":
        return (f'Digest username="{MADE_UP}", realm="{MADE_UP}", nonce="{MADE_UP}", uri="/", '
                f'response="{"0" * 32}"')
    if scheme.kind == "http":
        return f"{scheme.http_scheme} {MADE_UP}"
    return MADE_UP


def _basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def _cookie(header: str | None, name: str) -> str | None:
    if not header:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None else None

