"""The form of credentials, checked where the contract declares nothing to verify them against.

Seen by: the authenticator (engine/security.py) for a document without a token issuer or users
in `x-specmock`. Each function answers the credential's identity (a token, a user name, a key)
when the credential is present and well formed, else None; none of them raises. Nothing here
verifies a secret: that is what `tokens` and `credentials` do where the contract declares them.
"""

from __future__ import annotations

import re
from http.cookies import CookieError, SimpleCookie
from urllib.request import parse_http_list, parse_keqv_list

from specmock.behaviours.credentials import parse_basic
from specmock.behaviours.tokens import parse_bearer

# RFC 9110 11.2: the credentials of a scheme are a token68 or a list of auth-params.
_TOKEN68 = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
_HTTP_WHITESPACE = re.compile(r"[ \t]+")
# RFC 7616 3.4: what every Digest authorization carries, whatever the qop and algorithm.
DIGEST_PARAMETERS = ("username", "realm", "nonce", "uri", "response")


def bearer_token(authorization: str) -> str | None:
    """The token of `Bearer <token68>` (RFC 6750 2.1), else None."""
    token = parse_bearer(authorization)
    return token if token is not None and _TOKEN68.fullmatch(token) else None


def basic_user(authorization: str) -> str | None:
    """The user name of `Basic base64(user:password)`, else None."""
    parsed = parse_basic(authorization)
    return parsed[0] if parsed is not None else None


def digest_user(authorization: str) -> str | None:
    """The user name of a Digest authorization naming username, realm, nonce, uri and response
    (RFC 7616 3.4), each with a value, else None."""
    params = digest_parameters(authorization)
    if params is None or digest_missing(params):
        return None
    return params["username"]


def digest_parameters(authorization: str) -> dict[str, str] | None:
    """The auth-params of a `Digest ...` authorization (names in lower case), else None."""
    scheme, _, rest = authorization.strip(" \t").partition(" ")
    if scheme.lower() != "digest" or not rest.strip():
        return None
    try:
        params = parse_keqv_list([item.strip() for item in parse_http_list(rest) if item.strip()])
    except ValueError:  # an item without "=": not an auth-param list
        return None
    return {key.strip().lower(): value for key, value in params.items()}


def digest_missing(params: dict[str, str]) -> list[str]:
    """The parameters every Digest authorization needs that `params` lacks or leaves empty."""
    return [name for name in DIGEST_PARAMETERS if not params.get(name)]


def scheme_credentials(authorization: str, scheme: str) -> str | None:
    """The credentials of `<scheme> <credentials>` for another HTTP scheme (names compared
    without case, RFC 9110 11.1), else None."""
    parts = _HTTP_WHITESPACE.split(authorization.strip(" \t"), maxsplit=1)
    if len(parts) != 2 or parts[0].lower() != scheme.lower() or not parts[1].strip():
        return None
    return parts[1].strip()


def cookie_value(cookie_header: str, name: str) -> str | None:
    """The non-empty value of the cookie `name` (exact name), else None."""
    if not cookie_header:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(cookie_header)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None and morsel.value else None


def query_value(query: tuple[tuple[str, str], ...], name: str) -> str | None:
    """The first non-empty value of the query parameter `name`, else None."""
    return next((value for key, value in query if key == name and value), None)
