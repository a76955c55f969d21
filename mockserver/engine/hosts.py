"""Which `Host` a request may name: the mock writes it into every absolute link it answers.

RFC 9112 section 3.2: a request carries at most one Host (repeated headers arrive joined with
", ", which no valid host contains), and a server answers 400 to one it cannot accept. A host is
an RFC 3986 host (a DNS name, an IPv4 address or a bracketed IPv6 literal) with an optional port;
anything else (quotes, angle brackets, spaces, a second host) would be copied into `Location`
and every Siren href, so it is refused. With an allow-list (the CLI builds one from the bound
address and `--public-url`), only the names on it are accepted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from specmock.core.exchange import Request
from specmock.core.limits import brief
from specmock.core.problems import ApiError

_HOST = re.compile(
    r"(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])"
    r"(?::(?P<port>[0-9]{1,5}))?"
)


def host_name(host: str) -> str | None:
    """The name part of a Host value, lower case; None when it is not a well-formed host."""
    match = _HOST.fullmatch(host)
    if match is None or (match["port"] is not None and int(match["port"]) > 65535):
        return None
    return match["name"].lower()


# Hosts already accepted, so the usual request costs a set lookup, not a regular expression.
ACCEPTED_MEMO_SIZE = 64


class HostPolicy:
    """Accepts well-formed hosts; with `allowed`, only those names (ports are not compared: a
    proxy in front may change them)."""

    def __init__(self, allowed: frozenset[str] | None = None) -> None:
        self.allowed = allowed
        self._accepted: set[str] = set()

    @classmethod
    def of(cls, names: Iterable[str] | None) -> HostPolicy:
        """A policy allowing these names (host names or Host values), or any when None."""
        if names is None:
            return cls(None)
        return cls(frozenset(host_name(n) or n.lower() for n in names))

    def check(self, request: Request) -> None:
        """Raise a 400 `ApiError` when the request's Host cannot be written into links."""
        host = request.headers.get("host")
        if host is None or host in self._accepted:
            return  # no Host: HTTP/1.0, or a request made in process (the server's address)
        name = host_name(host)
        if name is None:
            raise ApiError("badRequest", f"The Host header {brief(repr(host), 80)} is not one "
                           "host name or address with an optional port (RFC 9112 3.2).",
                           field="host", pointer="/header/host")
        if self.allowed is not None and name not in self.allowed:
            names = ", ".join(sorted(self.allowed))
            raise ApiError("badRequest", f"The Host {brief(name, 80)} is not served here (it "
                           f"serves {names}); start it with --public-url to add a name.",
                           field="host", pointer="/header/host")
        if len(self._accepted) < ACCEPTED_MEMO_SIZE:
            self._accepted.add(host)
