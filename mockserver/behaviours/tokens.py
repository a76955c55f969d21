"""JWTs issued and verified the way djangorestframework-simplejwt does it (HS256 only).

Seen by: the token endpoints (`tokens_actions`) and the bearer check of protected operations.

Every token carries `token_type` ("access" or "refresh"), `exp`, `iat`, `jti` and the user id,
under the claim names of `TokenSettings`. Time always comes from the injected `Clock`, so a test
advances the clock instead of sleeping. The secret is per instance unless one is given: a token
from another instance, or from before a restart, is refused.

Verification never raises: anything that is not a valid token of the expected type is a
`TokenRejected` with a stable `reason`. Segments must be canonical base64url (as every JWT
library writes them), so no character of a valid token can be changed without refusal, not
even the unused low bits of a segment's last character.

Decoding (structure, header, HMAC signature, JSON payload) is a pure function of the token text
and the instance's secret, which never changes; so a token whose decoding succeeded is remembered
(a bounded map from the exact token text to its claims) and not decoded again. Everything that
can change between two requests, the clock (`exp`), the expected type and the claim names of the
settings, is checked on every call. Refused tokens are never remembered.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import random
import re
import secrets
from dataclasses import dataclass, replace
from typing import Any, TypeGuard

import jwt

from specmock.core.clock import Clock
from specmock.core.memo import BoundedMemo

ALGORITHM = "HS256"
ACCESS = "access"
REFRESH = "refresh"

MALFORMED = "malformed"
BAD_SIGNATURE = "bad_signature"
EXPIRED = "expired"
WRONG_TYPE = "wrong_type"
ALGORITHM_REFUSED = "algorithm"
MISSING_CLAIMS = "missing_claims"
NOT_YET_VALID = "not_yet_valid"

INVALID_OR_EXPIRED = "Token is invalid or expired"

_RESERVED_CLAIMS = frozenset({"exp", "iat", "jti"})
# How many decoded tokens an instance remembers (oldest forgotten first): a load test uses a few,
# a long soak that logs in per request must not grow memory without bound.
DECODED_CACHE_SIZE = 4096
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_HTTP_WHITESPACE = re.compile(r"[ \t]+")
# exp, nbf and iat are checked against the injected clock (`_check_claims`), not by PyJWT against
# time.time(), so an advanced clock never makes PyJWT refuse a fresh token. Like PyJWT under
# simplejwt, a token is refused before its `nbf` or when its `iat` is still to come.
# The claims are checked by `_check_claims`, not by PyJWT (which wants `sub` to be a string,
# while a contract may name the user id claim `sub` and use integer ids).
_DECODE_OPTIONS: Any = {
    "verify_signature": True,
    "verify_exp": False,
    "verify_iat": False,
    "verify_nbf": False,
    "verify_aud": False,
    "verify_iss": False,
    "verify_sub": False,
    "verify_jti": False,
}


@dataclass(frozen=True)
class TokenSettings:
    """Lifetimes (seconds) and claim names of issued tokens."""

    access_ttl: int = 3600
    refresh_ttl: int = 86400
    user_id_claim: str = "user_id"
    token_type_claim: str = "token_type"

    def __post_init__(self) -> None:
        for name in ("access_ttl", "refresh_ttl"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number of seconds >= 1, not {value!r}")
        claims = (self.user_id_claim, self.token_type_claim)
        if not all(claims) or len(set(claims)) != 2 or _RESERVED_CLAIMS & set(claims):
            raise ValueError(f"user id and token type claims must be distinct names other "
                             f"than exp, iat and jti, not {claims!r}")


@dataclass(frozen=True)
class TokenPair:
    """An access token and the refresh token issued with it."""

    access: str
    refresh: str


@dataclass(frozen=True)
class TokenRejected:
    """Why a token was refused: `detail` for humans, `reason` a stable machine word:
    malformed | bad_signature | expired | wrong_type | algorithm | missing_claims |
    not_yet_valid."""

    reason: str
    detail: str


class TokenService:
    """Issues, verifies and refreshes the tokens of one mock instance."""

    def __init__(self, settings: TokenSettings, clock: Clock, secret: bytes | None = None,
                 rng: random.Random | None = None) -> None:
        if secret is not None and not secret:
            raise ValueError("the token secret must not be empty")
        self._settings = settings
        self._clock = clock
        self._secret = secrets.token_bytes(32) if secret is None else secret
        self._rng = rng if rng is not None else random.Random()
        self._decoded: BoundedMemo[str, dict[str, Any]] = BoundedMemo(DECODED_CACHE_SIZE)

    @property
    def settings(self) -> TokenSettings:
        """The settings newly issued tokens get (lifetimes and claim names)."""
        return self._settings

    @settings.setter
    def settings(self, settings: TokenSettings) -> None:
        self._settings = settings

    def with_settings(self, **changes: Any) -> TokenService:
        """A service with some settings replaced, sharing this one's secret, clock and rng.

        Tokens of either service verify with the other (as long as the claim names agree).
        """
        return TokenService(replace(self._settings, **changes), self._clock, self._secret,
                            self._rng)

    def issue(self, user_id: int | str) -> TokenPair:
        """A fresh access token and refresh token for `user_id`."""
        issued_at = self._issued_at()
        return TokenPair(access=self._encode(user_id, ACCESS, issued_at),
                         refresh=self._encode(user_id, REFRESH, issued_at))

    def issue_access(self, user_id: int | str) -> str:
        """A fresh access token for `user_id`."""
        return self._encode(user_id, ACCESS, self._issued_at())

    def verify(self, token: str, expected_type: str = ACCESS) -> dict[str, Any] | TokenRejected:
        """The token's claims if it is ours, unexpired and of `expected_type`; else why not.

        The claims are the caller's own copy: changing them changes no later verification.
        """
        claims = self._decoded.get(token) if isinstance(token, str) else None
        if claims is None:
            decoded = self._decode(token)
            if isinstance(decoded, TokenRejected):
                return decoded
            claims = self._remember(token, decoded)
        checked = self._check_claims(claims, expected_type)
        return checked if isinstance(checked, TokenRejected) else dict(checked)

    def _remember(self, token: str, claims: dict[str, Any]) -> dict[str, Any]:
        """Keep a decoded token's claims (a private copy), forgetting the oldest when full."""
        return self._decoded.remember(token, dict(claims))

    def refresh(self, refresh_token: str) -> str | TokenRejected:
        """A new access token for the user of a valid refresh token; else why not."""
        claims = self.verify(refresh_token, REFRESH)
        if isinstance(claims, TokenRejected):
            return claims
        user_id: int | str = claims[self._settings.user_id_claim]
        return self.issue_access(user_id)

    def _issued_at(self) -> int:
        return math.floor(self._clock.now())

    def _encode(self, user_id: int | str, token_type: str, issued_at: int) -> str:
        settings = self._settings
        ttl = settings.access_ttl if token_type == ACCESS else settings.refresh_ttl
        payload = {
            settings.token_type_claim: token_type,
            "exp": issued_at + ttl,
            "iat": issued_at,
            "jti": f"{self._rng.getrandbits(128):032x}",
            settings.user_id_claim: user_id,
        }
        return jwt.encode(payload, self._secret, algorithm=ALGORITHM)

    def _decode(self, token: str) -> dict[str, Any] | TokenRejected:
        header = _read_header(token)
        if isinstance(header, TokenRejected):
            return header
        if header.get("alg") != ALGORITHM:
            return _rejected(ALGORITHM_REFUSED)
        try:
            claims: dict[str, Any] = jwt.decode(token, self._secret, algorithms=[ALGORITHM],
                                                options=_DECODE_OPTIONS)
        except jwt.InvalidSignatureError:
            return _rejected(BAD_SIGNATURE)
        except jwt.InvalidAlgorithmError:
            return _rejected(ALGORITHM_REFUSED)
        except (jwt.PyJWTError, ValueError, RecursionError):
            return _rejected(MALFORMED)
        return claims

    def _check_claims(self, claims: dict[str, Any],
                      expected_type: str) -> dict[str, Any] | TokenRejected:
        settings = self._settings
        exp = claims.get("exp")
        if not _is_number(exp):
            return TokenRejected(MISSING_CLAIMS, "Token has no 'exp' claim")
        now = self._clock.now()
        if not now < exp:
            return _rejected(EXPIRED)
        if _in_the_future(claims.get("nbf"), now) or _in_the_future(claims.get("iat"), now):
            return _rejected(NOT_YET_VALID)
        token_type = claims.get(settings.token_type_claim)
        if token_type is None:
            return TokenRejected(MISSING_CLAIMS, "Token has no type")
        if token_type != expected_type:
            return TokenRejected(WRONG_TYPE, "Token has wrong type")
        return _check_identity(claims, settings.user_id_claim)


def _check_identity(claims: dict[str, Any], user_id_claim: str) -> dict[str, Any] | TokenRejected:
    if not isinstance(claims.get("jti"), str):
        return TokenRejected(MISSING_CLAIMS, "Token has no id")
    if not _is_number(claims.get("iat")):
        return TokenRejected(MISSING_CLAIMS, "Token has no 'iat' claim")
    user_id = claims.get(user_id_claim)
    if isinstance(user_id, bool) or not isinstance(user_id, int | str):
        return TokenRejected(MISSING_CLAIMS,
                             "Token contained no recognizable user identification")
    return claims


def parse_bearer(authorization_header: str) -> str | None:
    """The token of a `Bearer <token>` header (scheme in any case), else None."""
    # The usual spelling, "Bearer <token>" with one space, without the regular expression; any
    # other (more blanks, tabs, leading blanks) is read by the general rule below, same answer.
    token = authorization_header[7:]
    if (authorization_header[:7].lower() == "bearer " and token and " " not in token
            and "\t" not in token):
        return token
    parts = _HTTP_WHITESPACE.split(authorization_header.strip(" \t"))
    if len(parts) != 2 or parts[0].lower() != "bearer" or not parts[1]:
        return None
    return parts[1]


def _rejected(reason: str) -> TokenRejected:
    return TokenRejected(reason, INVALID_OR_EXPIRED)


def _in_the_future(claim: Any, now: float) -> bool:
    """Whether a time claim (nbf, iat) names a moment after `now`; an absent one does not."""
    return claim is not None and (not _is_number(claim) or claim > now)


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _read_header(token: str) -> dict[str, Any] | TokenRejected:
    """The JOSE header of a structurally sound token (three canonical base64url segments)."""
    if not isinstance(token, str) or not token.isascii():
        return _rejected(MALFORMED)
    segments = token.split(".")
    if len(segments) != 3 or not segments[0] or not segments[1]:
        return _rejected(MALFORMED)
    decoded = [_b64url_decode(segment) for segment in segments]
    header = _json_object(decoded[0]) if None not in decoded else None
    return _rejected(MALFORMED) if header is None else header


def _b64url_decode(segment: str) -> bytes | None:
    """The bytes of a canonical unpadded base64url segment, else None."""
    if len(segment) % 4 == 1 or not _BASE64URL.fullmatch(segment):
        return None
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        return None
    canonical = base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
    return raw if canonical == segment else None


def _json_object(raw: bytes | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        value = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None
