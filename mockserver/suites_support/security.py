"""An operation's security requirements as the suites read them: alternatives (OR) of schemes
that must come together (AND), each scheme with where its credential goes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_API_KEY_PLACES = ("header", "query", "cookie")


@dataclass(frozen=True)
class SchemeRef:
    """One scheme of a requirement.

    `kind`: bearer (http bearer, oauth2, openIdConnect), basic, digest, apiKey, http (another
    HTTP scheme, named by `http_scheme`) or unchecked (mutualTLS, an undeclared name).
    `location` and `parameter`: the Authorization header, or an apiKey's header, query
    parameter or cookie.
    """

    name: str
    kind: str
    location: str = "header"
    parameter: str = "Authorization"
    http_scheme: str = ""


Requirement = tuple[SchemeRef, ...]


def read_requirements(security: Any, schemes: Mapping[str, Any]) -> tuple[Requirement, ...]:
    """The alternatives of an operation's effective `security` (an empty one: optional)."""
    if not isinstance(security, list):
        return ()
    return tuple(
        tuple(scheme_ref(str(name), schemes.get(name)) for name in requirement)
        for requirement in security
        if isinstance(requirement, Mapping)
    )


def scheme_ref(name: str, definition: Any) -> SchemeRef:
    """A Security Scheme Object read for the suites."""
    if not isinstance(definition, Mapping):
        return SchemeRef(name, "unchecked")
    kind = definition.get("type")
    if kind == "http":
        http = str(definition.get("scheme", "")).strip()
        if http.lower() in ("bearer", "basic", "digest"):
            return SchemeRef(name, http.lower())
        return SchemeRef(name, "http", http_scheme=http) if http else SchemeRef(name, "unchecked")
    if kind in ("oauth2", "openIdConnect"):
        return SchemeRef(name, "bearer")
    place, key = definition.get("in"), definition.get("name")
    if kind == "apiKey" and place in _API_KEY_PLACES and isinstance(key, str) and key:
        return SchemeRef(name, "apiKey", location=str(place), parameter=key)
    return SchemeRef(name, "unchecked")
