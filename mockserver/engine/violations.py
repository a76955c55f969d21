"""One thing wrong with a request, as data (shared by schemas, bodies and validation)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Violation:
    """One problem in a request.

    `location` is "path", "query", "header", "cookie" or "body"; `field` is the parameter name or
    the top-level body property ('' for the whole body); `pointer` is a JSON pointer into the
    request as a whole (/query/limit, /body/items/0/qty), or into the value that was checked
    when a lone schema or body parser reports it.
    """

    location: str
    field: str
    pointer: str
    message: str
