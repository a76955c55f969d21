"""Bad bearer tokens, made from good ones: tampered signatures, `alg: none`, garbage.

Each kind names what a server must refuse; `craft(kind, good)` returns the token to send, or
None when the kind does not apply (an opaque token has no JWT header to rewrite).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable

MISSING = "missing"
MALFORMED = "malformed"
TAMPERED = "tampered signature"
ALG_NONE = "alg none"
WRONG_TYPE = "wrong type (a refresh token)"
WRONG_SCHEME = "wrong scheme (Basic credentials)"
EXPIRED = "expired"


def b64url(data: bytes) -> str:
    """Unpadded base64url, as JWTs use."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def is_jwt(token: str) -> bool:
    """Whether the token has a JWT's three segments with a JSON header."""
    parts = token.split(".")
    if len(parts) != 3:
        return False
    try:
        header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
    except ValueError:
        return False
    return isinstance(header, dict)


def tampered(token: str) -> str:
    """The token with its signature changed (payload and header intact)."""
    if is_jwt(token):
        head, payload, signature = token.split(".")
        first = "A" if signature[:1] != "A" else "B"
        return f"{head}.{payload}.{first}{signature[1:]}"
    middle = len(token) // 2
    return token[:middle] + ("x" if token[middle] != "x" else "y") + token[middle + 1 :]


def alg_none(token: str) -> str | None:
    """The token's payload under an unsigned header `{"alg": "none"}` (None: not a JWT)."""
    if not is_jwt(token):
        return None
    header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{token.split('.')[1]}."


def malformed_samples() -> list[str]:
    """Fixed malformed tokens, one per way of being malformed."""
    return ["not-a-jwt", "a.b.c", "", "eyJhbGciOiJIUzI1NiJ9..", "Bearer", "x" * 300]


TOKEN68 = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
"""RFC 6750's form of a bearer token: what a target that issues none can still refuse."""


def breaks_bearer_form(token: str) -> bool:
    """Whether `Bearer <token>` is not a bearer credential at all (RFC 6750 2.1), so any
    target refuses it, whether or not it issues tokens the suites can tell apart."""
    return TOKEN68.fullmatch(token) is None


CRAFTERS: dict[str, Callable[[str], str | None]] = {TAMPERED: tampered, ALG_NONE: alg_none}
