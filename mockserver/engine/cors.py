"""CORS: a browser page on another origin may call the mock (on by default, as in Prism).

A mock has no origins of its own to protect, so the policy allows what the browser asks for:

- a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`, as the Fetch
  standard defines it) is answered 204 before routing, echoing the origin, the method and the
  headers asked for, with `Max-Age` so the browser does not ask before every call; any other
  `OPTIONS` goes through the contract as before (an OPTIONS operation, or 405 with `Allow`);
- every other answer carries `Access-Control-Allow-Origin` (the request's `Origin`, with
  `Allow-Credentials`, so pages may send cookies and `Authorization`; `*` without one) and
  `Access-Control-Expose-Headers` naming its own headers beyond the CORS-safelisted ones, so
  a page can read `Location`, `WWW-Authenticate` or pagination headers (`*` is no wildcard on
  a credentialed request, hence the names).

The admin API is left out: it refuses writes from other origins on purpose (admin.py).
"""

from __future__ import annotations

from specmock.core.exchange import Request, Response

PREFLIGHT_MAX_AGE = 600
"""Seconds a browser may keep a preflight's answer: short, as a watched document may change
what is served (Chromium keeps at most 7200 anyway)."""

_SAFELISTED = frozenset({"cache-control", "content-language", "content-length", "content-type",
                         "expires", "last-modified", "pragma"})
"""Response headers a page reads without being told (Fetch: CORS-safelisted response header)."""

_PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"


def is_preflight(request: Request) -> bool:
    """Whether the request is a browser's CORS preflight (not a plain OPTIONS call)."""
    headers = request.headers
    return (request.method == "OPTIONS" and "origin" in headers
            and "access-control-request-method" in headers)


def preflight(request: Request) -> Response:
    """204 allowing the method and headers the preflight asks for, from its origin."""
    headers = request.headers
    allowed = [
        ("access-control-allow-origin", headers["origin"]),
        ("access-control-allow-credentials", "true"),
        ("access-control-allow-methods", headers["access-control-request-method"]),
        ("access-control-max-age", str(PREFLIGHT_MAX_AGE)),
        ("vary", _PREFLIGHT_VARY),
    ]
    asked = headers.get("access-control-request-headers", "").strip()
    if asked:
        allowed.append(("access-control-allow-headers", asked))
    if headers.get("access-control-request-private-network", "").lower() == "true":
        # Chromium asks before a public page may call a loopback or private address.
        allowed.append(("access-control-allow-private-network", "true"))
    return Response(204, allowed, b"")


def allow(request: Request, response: Response) -> Response:
    """`response` with the CORS headers a page on the request's origin needs to read it."""
    if any(name.lower().startswith("access-control-") for name, _ in response.headers):
        # Headers a document declares (Access-Control-Allow-Origin generated from its schema)
        # would clash with ours: a browser refuses an answer with two.
        response.headers = [h for h in response.headers
                            if not h[0].lower().startswith("access-control-")]
    origin = request.headers.get("origin")
    if origin is None:
        # Not a browser's cross-origin call (those always send Origin): what Prism sends.
        # Vary, since the same URL with an Origin gets another value (shared caches).
        response.headers.extend((("access-control-allow-origin", "*"), ("vary", "Origin")))
        return response
    exposed = _exposed(response.headers)
    response.headers.extend((("access-control-allow-origin", origin),
                             ("access-control-allow-credentials", "true"), ("vary", "Origin")))
    if exposed:
        response.headers.append(("access-control-expose-headers", exposed))
    return response


def _exposed(headers: list[tuple[str, str]]) -> str:
    """The answer's own header names a page could not read without being told, once each."""
    names: dict[str, None] = {}
    for name, _ in headers:
        lowered = name.lower()
        if lowered not in _SAFELISTED and lowered != "vary":
            names[lowered] = None
    return ", ".join(names)
