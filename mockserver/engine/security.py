"""Authentication of protected operations, from the OpenAPI security requirements.

An operation lists alternative requirements (OR); each names schemes that must all pass (AND);
an empty requirement (`{}`) makes credentials optional and `security: []` none at all. Where the
contract declares a token issuer (`x-specmock.auth`), HTTP bearer schemes verify the JWTs this
mock issued and HTTP basic schemes check the contract's users. Every other scheme, and bearer and
basic in a document without an issuer, is checked for presence and form
(behaviours/credential_forms.py): a well-formed credential passes, since there is nothing to
verify it against.

A refused request is a 401 with one `WWW-Authenticate` challenge per acceptable scheme and a
detail (plus one violation per scheme) that says what to send where.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from specmock.behaviours import credential_forms as forms
from specmock.behaviours.credentials import UserDirectory, parse_basic
from specmock.behaviours.tokens import TokenRejected, TokenService, parse_bearer
from specmock.core.exchange import Request
from specmock.core.pointers import escape
from specmock.core.problems import ApiError
from specmock.engine.violations import Violation

NO_CREDENTIALS = "Authentication credentials were not provided."
REALM = "api"
BEARER_CHALLENGE = ("www-authenticate", f'Bearer realm="{REALM}"')
BASIC_CHALLENGE = ("www-authenticate", f'Basic realm="{REALM}"')
_BEARER_ONLY = ("bearer",)
_VERIFIED_KINDS = frozenset({"bearer", "basic"})
_API_KEY_PLACES = ("header", "query", "cookie")


@dataclass(frozen=True)
class Scheme:
    """One security scheme as the mock checks it.

    `kind`: bearer (http bearer, oauth2, openIdConnect), basic, digest, apiKey, http (another
    HTTP authentication scheme, named by `http_scheme`) or unchecked (mutualTLS, an undeclared
    name: nothing an HTTP request shows). `location` and `parameter` say where the credential
    goes: the Authorization header, or an apiKey's header, query parameter or cookie.
    """

    name: str
    kind: str
    location: str = "header"
    parameter: str = "Authorization"
    scopes: tuple[str, ...] = ()
    http_scheme: str = ""

    @property
    def pointer(self) -> str:
        """Where the credential sits in the request, as the validation's pointers name it."""
        return f"/{self.location}/{escape(self.parameter)}"

    def wanted(self) -> str:
        """What to send, for a human."""
        if self.kind == "apiKey":
            where = {"header": "header", "query": "query parameter", "cookie": "cookie"}
            return f"the {where[self.location]} {self.parameter} with the API key"
        form = {
            "bearer": "Bearer <token>",
            "basic": "Basic <base64 of user:password>",
            "digest": "Digest username=..., realm=..., nonce=..., uri=..., response=...",
        }.get(self.kind, f"{self.http_scheme} <credentials>")
        return f"an Authorization header '{form}'"

    def challenge(self, nonce: str) -> str | None:
        """The `WWW-Authenticate` challenge of this scheme (None: it has none)."""
        if self.kind == "bearer":
            scope = f', scope="{" ".join(self.scopes)}"' if self.scopes else ""
            return f'Bearer realm="{REALM}"{scope}'
        if self.kind == "basic":
            return f'Basic realm="{REALM}", charset="UTF-8"'
        if self.kind == "digest":
            return f'Digest realm="{REALM}", qop="auth", algorithm=SHA-256, nonce="{nonce}"'
        if self.kind == "apiKey":
            # No standard challenge exists; RFC 9110 still wants one on every 401, so a
            # self-describing one names where the key goes.
            return f'ApiKey realm="{REALM}", in="{self.location}", name="{self.parameter}"'
        if self.kind == "http":
            return f'{self.http_scheme} realm="{REALM}"'
        return None


@dataclass(frozen=True)
class Requirement:
    """One alternative: every scheme must pass. No schemes: anonymous access is allowed."""

    schemes: tuple[Scheme, ...]

    @property
    def kinds(self) -> tuple[str, ...]:
        """The schemes' kinds, in order."""
        return tuple(scheme.kind for scheme in self.schemes)

    def wanted(self) -> str:
        """What this alternative needs, for a human."""
        return " and ".join(f"{s.wanted()} (scheme {s.name})" for s in self.schemes)


def requirements_of(operation: dict[str, Any], document: dict[str, Any]) -> tuple[Requirement, ...]:
    """The operation's security alternatives (its own `security`, else the document's)."""
    declared = operation.get("security", document.get("security", []))
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    if not isinstance(declared, list):
        return ()
    return tuple(
        Requirement(tuple(scheme_of(str(name), schemes.get(name), scopes)
                          for name, scopes in req.items()))
        for req in declared if isinstance(req, dict)
    )


def scheme_of(name: str, definition: Any, scopes: Any = ()) -> Scheme:
    """A Security Scheme Object as the mock checks it."""
    if not isinstance(definition, dict):
        return Scheme(name, "unchecked")
    kind = definition.get("type")
    wanted = tuple(str(s) for s in scopes) if isinstance(scopes, list) else ()
    if kind == "http":
        http = str(definition.get("scheme", "")).strip()
        if http.lower() in ("bearer", "basic", "digest"):
            return Scheme(name, http.lower())
        return Scheme(name, "http", http_scheme=http) if http else Scheme(name, "unchecked")
    if kind in ("oauth2", "openIdConnect"):
        return Scheme(name, "bearer", scopes=wanted)
    place, key = definition.get("in"), definition.get("name")
    if kind == "apiKey" and place in _API_KEY_PLACES and isinstance(key, str) and key:
        return Scheme(name, "apiKey", location=str(place), parameter=key)
    return Scheme(name, "unchecked")


def digest_nonce(seed: int | None) -> str:
    """The nonce of this instance's Digest challenges: fixed per seed, so answers repeat."""
    return hashlib.sha256(f"specmock-digest-{seed}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Refusal:
    """Why one scheme did not pass: nothing sent (`missing`) or something wrong. `error` is the
    verifier's own answer where the contract declares one (tokens, users)."""

    scheme: Scheme
    missing: bool
    problem: str = ""
    error: ApiError | None = None


class _Refused(Exception):  # noqa: N818 -- internal signal, never leaves this module
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.problem)
        self.refusal = refusal


@dataclass
class AuthenticationFailed(ApiError):  # noqa: N818 -- the name reads as the outcome
    """A 401 naming every scheme that was wanted: one violation per scheme, pointer into the
    request where its credential goes."""

    violations: list[Violation] = field(default_factory=list)


@dataclass(frozen=True)
class Authenticator:
    """Checks a request against an operation's requirements; answers the principal or raises."""

    tokens: TokenService | None
    users: UserDirectory | None
    nonce: str = field(default_factory=lambda: digest_nonce(None))

    def check(self, request: Request, requirements: tuple[Requirement, ...]) -> Any:
        """The authenticated principal (claims, user or the credential's identity), None for
        anonymous, or ApiError 401."""
        if len(requirements) == 1 and self.tokens is not None:
            kinds = requirements[0].kinds
            if kinds == _BEARER_ONLY:  # the usual case: one issued-token scheme, no choice
                return self._bearer(request.headers.get("authorization", ""))
        if not requirements:
            return None
        refusals: list[Refusal] = []
        optional = False
        for requirement in requirements:
            if not requirement.schemes:
                optional = True
                continue
            try:
                return self._all(request, requirement)
            except _Refused as refused:
                refusals.append(refused.refusal)
        if optional:
            return None
        raise self._failure(refusals, requirements)

    def _all(self, request: Request, requirement: Requirement) -> Any:
        principal = None
        for scheme in requirement.schemes:
            principal = self._one(request, scheme) or principal
        return principal

    def _one(self, request: Request, scheme: Scheme) -> Any:
        header = request.headers.get("authorization", "")
        if scheme.kind == "bearer" and self.tokens is not None:
            return _verified(scheme, lambda: self._bearer(header))
        if scheme.kind == "basic" and self.users is not None:
            return _verified(scheme, lambda: self._basic(header))
        if scheme.kind == "unchecked":
            return None
        sent = _sent(request, scheme)
        if not sent:
            raise _Refused(Refusal(scheme, missing=True, problem=_absent(scheme)))
        identity = _FORMS[scheme.kind](sent, scheme)
        if identity is None:
            raise _Refused(Refusal(scheme, missing=False, problem=_malformed(scheme, sent)))
        return identity

    def _failure(self, refusals: list[Refusal], requirements: tuple[Requirement, ...]) -> ApiError:
        """The 401: a verifier's own error when only verified schemes were wanted (the
        contract's error shape, as before), else one naming every scheme."""
        if all(r.error is not None for r in refusals):
            errors = [r.error for r in refusals if r.error is not None]
            return next((e for e in errors if e.kind != "unauthorized"), errors[0])
        challenges = list(dict.fromkeys(
            c for r in refusals if (c := r.scheme.challenge(self.nonce)) is not None
        ))
        wanted = " or ".join(r.wanted() for r in requirements if r.schemes)
        wrong = [r for r in refusals if not r.missing]
        if wrong:
            detail = f"Invalid credentials: {wrong[0].problem}. Send {wanted}."
        else:
            detail = f"{NO_CREDENTIALS} Send {wanted}."
        violations = [
            Violation(r.scheme.location, r.scheme.parameter, r.scheme.pointer,
                      r.problem or (r.error.detail if r.error else ""))
            for r in refusals
        ]
        return AuthenticationFailed(
            _kind_of(wrong[0].scheme) if wrong else "unauthorized", detail,
            field=refusals[0].scheme.parameter, pointer=refusals[0].scheme.pointer,
            headers=[("www-authenticate", c) for c in challenges], violations=violations,
        )

    def _bearer(self, header: str) -> Any:
        if not header:
            raise ApiError("unauthorized", NO_CREDENTIALS, headers=[BEARER_CHALLENGE])
        token = parse_bearer(header)
        if token is None or self.tokens is None:
            raise ApiError(
                "invalidToken",
                "Authorization header must contain a Bearer token.",
                code="token_not_valid",
                headers=[BEARER_CHALLENGE],
            )
        verdict = self.tokens.verify(token, "access")
        if isinstance(verdict, TokenRejected):
            raise ApiError(
                "invalidToken", verdict.detail, code="token_not_valid", headers=[BEARER_CHALLENGE]
            )
        return verdict

    def _basic(self, header: str) -> Any:
        parsed = parse_basic(header) if header else None
        if parsed is None:
            raise ApiError("unauthorized", NO_CREDENTIALS, headers=[BASIC_CHALLENGE])
        user = self.users.authenticate(*parsed) if self.users else None
        if user is None:
            raise ApiError(
                "badCredentials",
                "No active account found with the given credentials",
                headers=[BASIC_CHALLENGE],
            )
        return user


def _verified(scheme: Scheme, verify: Callable[[], Any]) -> Any:
    """The principal a declared verifier answers, its refusal turned into a `Refusal`."""
    try:
        return verify()
    except ApiError as error:
        missing = error.kind == "unauthorized"
        raise _Refused(Refusal(scheme, missing, error.detail, error)) from None


def _sent(request: Request, scheme: Scheme) -> str | None:
    """The raw credential the request carries where the scheme wants it."""
    if scheme.location == "query":
        return forms.query_value(request.query, scheme.parameter)
    if scheme.location == "cookie":
        return forms.cookie_value(request.headers.get("cookie", ""), scheme.parameter)
    return request.headers.get(scheme.parameter.lower()) or None


def _absent(scheme: Scheme) -> str:
    where = {"header": "header", "query": "query parameter", "cookie": "cookie"}[scheme.location]
    return f"no {where} {scheme.parameter} was sent"


def _malformed(scheme: Scheme, sent: str) -> str:
    if scheme.kind == "bearer":
        return "the Authorization header is not 'Bearer <token>' with a token68 token"
    if scheme.kind == "basic":
        return "the Authorization header is not 'Basic ' and the base64 of user:password"
    if scheme.kind == "digest":
        params = forms.digest_parameters(sent)
        if params is None:
            return "the Authorization header is not a Digest authorization"
        return ("the Digest authorization lacks " + ", ".join(forms.digest_missing(params))
                + " (it needs username, realm, nonce, uri and response)")
    return f"the Authorization header is not '{scheme.http_scheme} <credentials>'"


def _kind_of(scheme: Scheme) -> str:
    """The error kind of malformed credentials (the contract's error templates are keyed by it)."""
    return {"bearer": "invalidToken", "basic": "badCredentials"}.get(scheme.kind, "unauthorized")


_FORMS: dict[str, Callable[[str, Scheme], str | None]] = {
    "bearer": lambda sent, _scheme: forms.bearer_token(sent),
    "basic": lambda sent, _scheme: forms.basic_user(sent),
    "digest": lambda sent, _scheme: forms.digest_user(sent),
    "http": lambda sent, scheme: forms.scheme_credentials(sent, scheme.http_scheme),
    "apiKey": lambda sent, _scheme: sent,  # any non-empty key: its form is the API's own
}
