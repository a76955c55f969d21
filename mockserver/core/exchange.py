"""A request and a response as plain data, independent of the server that carries them."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request as the engine sees it.

    `headers` has lower-case names; repeated headers are joined with ", " as RFC 9110 allows.
    `base_url` is scheme://host[:port] as the client addressed us, used for absolute links.
    `client` is the address the request came from ('' when unknown), e.g. for throttling.
    """

    method: str
    path: str
    query_string: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    base_url: str = "http://127.0.0.1"
    client: str = ""
    _query: tuple[tuple[str, str], ...] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def query(self) -> tuple[tuple[str, str], ...]:
        """Query parameters in order, repeated names kept, blank values kept (parsed once)."""
        if self._query is None:
            parsed = tuple(parse_qsl(self.query_string, keep_blank_values=True))
            object.__setattr__(self, "_query", parsed)  # a cache, not a change of the request
            return parsed
        return self._query

    @property
    def content_type(self) -> str:
        """The media type of the body without parameters, lower case ('' when absent)."""
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    def header(self, name: str, default: str = "") -> str:
        """A header by case-insensitive name."""
        return self.headers.get(name.lower(), default)


@dataclass(frozen=True, slots=True)
class Wire:
    """How the HTTP adapter delivers a response when a fault says so (behaviours/faults.py).

    `delay`: seconds to wait (really, on the event loop) before anything is sent. `action`:
    `answer` (send the response), `reset` (close with a TCP RST, nothing sent), `empty` (close,
    nothing sent), `garbage` (send `garbage` and close), `brokenChunk` (a chunked head, one
    chunk with a broken size line, close), `slowBody` (the response, its body paced at
    `bytes_per_second` in pieces of `chunk` bytes), `noAnswer` (send nothing until the client
    gives up or `hold` seconds pass, then close).
    """

    delay: float = 0.0
    action: str = "answer"
    bytes_per_second: int = 0
    chunk: int = 0
    garbage: bytes = b""
    hold: float = 300.0


@dataclass(slots=True)
class Response:
    """One HTTP response. `body` is already encoded; `wire`, when set, is how a fault has it
    delivered (None: at once, as it is)."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    wire: Wire | None = None

    def header(self, name: str) -> str | None:
        """The first header with this case-insensitive name, if any."""
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None
