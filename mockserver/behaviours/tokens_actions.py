"""The token endpoints: `issueToken` (credentials in, token pair out) and `refreshToken`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from specmock.behaviours.credentials import UserDirectory, parse_basic
from specmock.behaviours.outcomes import BodyOutcome, Call, Outcome
from specmock.behaviours.tokens import TokenRejected, TokenService
from specmock.core import pointers
from specmock.core.problems import ApiError
from specmock.core.templates import render_template

BAD_CREDENTIALS = "No active account found with the given credentials"


@dataclass(frozen=True)
class IssueToken:
    """Check credentials (HTTP Basic, or pointers into the body) and answer with a token pair."""

    tokens: TokenService
    users: UserDirectory
    credentials: Any
    respond: Any

    def __call__(self, call: Call) -> Outcome:
        username, password = self._credentials(call)
        user = self.users.authenticate(username, password)
        if user is None:
            raise ApiError(
                "badCredentials", BAD_CREDENTIALS, headers=[("www-authenticate", self._challenge())]
            )
        pair = self.tokens.issue(user.id)
        body = render_template(self.respond, self._values(pair.access, pair.refresh, username))
        return BodyOutcome(body)

    def _values(self, access: str, refresh: str, username: str) -> dict[str, Any]:
        """The template's values: the tokens, the username, and each claim of the access JWT
        by its name (`{exp}`, `{iat}`, ...) and all of them as `{claims}`, for a token
        response that "includes all the details within the JWT"."""
        claims = self.tokens.verify(access)
        details = claims if isinstance(claims, dict) else {}
        return {
            **details,
            "claims": details,
            "username": username,
            "access": access,
            "refresh": refresh,
        }

    def _credentials(self, call: Call) -> tuple[str, str]:
        if self.credentials == "basic":
            parsed = parse_basic(call.request.header("authorization"))
            if parsed is None:
                raise ApiError(
                    "unauthorized",
                    "Authentication credentials were not provided.",
                    headers=[("www-authenticate", self._challenge())],
                )
            return parsed
        username = pointers.resolve(call.body, self.credentials["username"])
        password = pointers.resolve(call.body, self.credentials["password"])
        return str(username or ""), str(password or "")

    def _challenge(self) -> str:
        return 'Basic realm="api"' if self.credentials == "basic" else 'Bearer realm="api"'


@dataclass(frozen=True)
class RefreshToken:
    """Exchange a valid refresh token for a new access token."""

    tokens: TokenService
    refresh_from: str
    respond: Any

    def __call__(self, call: Call) -> Outcome:
        token = pointers.resolve(call.body, self.refresh_from)
        result = self.tokens.refresh(str(token or ""))
        if isinstance(result, TokenRejected):
            raise ApiError(
                "invalidRefreshToken",
                result.detail,
                code="token_not_valid",
                field=self.refresh_from.lstrip("/"),
                pointer="/body" + self.refresh_from,
                headers=[("www-authenticate", 'Bearer realm="api"')],
            )
        return BodyOutcome(render_template(self.respond, {"access": result}))
