"""Authentication of protected operations, from the OpenAPI security requirements.

An operation lists alternative requirements; each names schemes that must all pass. HTTP bearer
schemes verify the JWTs this mock issued; HTTP basic schemes check the contract's users.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockserver.behaviours.credentials import UserDirectory, parse_basic
from mockserver.behaviours.tokens import TokenRejected, TokenService, parse_bearer
from mockserver.core.exchange import Request
from mockserver.core.problems import ApiError

NO_CREDENTIALS = "Authentication credentials were not provided."
BEARER_CHALLENGE = ("www-authenticate", 'Bearer realm="api"')
BASIC_CHALLENGE = ("www-authenticate", 'Basic realm="api"')
_BEARER_ONLY = ("bearer",)


@dataclass(frozen=True)
class Requirement:
    """One alternative: every named scheme kind must pass ('bearer', 'basic', 'other')."""

    kinds: tuple[str, ...]


def requirements_of(operation: dict[str, Any], document: dict[str, Any]) -> tuple[Requirement, ...]:
    """The operation's security alternatives, with scheme names turned into kinds."""
    declared = operation.get("security", document.get("security", []))
    schemes = document.get("components", {}).get("securitySchemes", {})
    return tuple(
        Requirement(tuple(_kind(schemes.get(name, {})) for name in req)) for req in declared
    )


def _kind(scheme: dict[str, Any]) -> str:
    if scheme.get("type") == "http":
        return str(scheme.get("scheme", "")).lower()
    if scheme.get("type") in ("oauth2", "openIdConnect"):
        return "bearer"
    return "other"


@dataclass(frozen=True)
class Authenticator:
    """Checks a request against an operation's requirements; answers the principal or raises."""

    tokens: TokenService | None
    users: UserDirectory | None

    def check(self, request: Request, requirements: tuple[Requirement, ...]) -> Any:
        """The authenticated principal (claims or user), None for anonymous, or ApiError 401."""
        if len(requirements) == 1:  # the usual case: one alternative, no choice to make
            kinds = requirements[0].kinds
            if kinds == _BEARER_ONLY:
                return self._bearer(request.headers.get("authorization", ""))
            return self._all(request, requirements[0]) if kinds else None
        if not requirements or any(not r.kinds for r in requirements):
            return None
        failure: ApiError | None = None
        for requirement in requirements:
            try:
                return self._all(request, requirement)
            except ApiError as error:
                failure = failure if failure and failure.kind != "unauthorized" else error
        assert failure is not None
        raise failure

    def _all(self, request: Request, requirement: Requirement) -> Any:
        principal = None
        for kind in requirement.kinds:
            principal = self._one(request, kind)
        return principal

    def _one(self, request: Request, kind: str) -> Any:
        header = request.headers.get("authorization", "")
        if kind == "bearer":
            return self._bearer(header)
        if kind == "basic":
            return self._basic(header)
        return None  # apiKey and others: not verified by the mock

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
