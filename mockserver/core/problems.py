"""Errors as data. A behaviour raises `ApiError`; the pipeline renders it in the contract's shape.

Exception tree::

    Exception
    └── ApiError            an HTTP error answer, raised inside the pipeline, never escapes it

Each `ApiError` carries a *kind* (the contract's error-template name, see docs/extensions.md),
the status, a human detail, and where the problem is (`field` name and JSON `pointer`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

STATUS_OF_KIND: dict[str, int] = {
    "badRequest": 400,
    "malformedRequest": 400,
    "unauthorized": 401,
    "invalidToken": 401,
    "invalidRefreshToken": 401,
    "badCredentials": 401,
    "forbidden": 403,
    "notFound": 404,
    "methodNotAllowed": 405,
    "notAcceptable": 406,
    "requestTimeout": 408,
    "conflict": 409,
    "payloadTooLarge": 413,
    "uriTooLong": 414,
    "unsupportedMediaType": 415,
    "unprocessable": 422,
    "tooManyRequests": 429,
    "headersTooLarge": 431,
    "serverError": 500,
    "badGateway": 502,
    "serviceUnavailable": 503,
}

TITLE_OF_STATUS: dict[int, str] = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    408: "Request Timeout",
    409: "Conflict",
    413: "Content Too Large",
    414: "URI Too Long",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


@dataclass(eq=False)  # exceptions compare and hash by identity
class ApiError(Exception):
    """An error answer. Seen by: the pipeline, which renders it; never a client, as a traceback."""

    kind: str
    detail: str
    field: str = ""
    pointer: str = ""
    code: str = ""
    headers: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    status: int = 0
    body: object = None  # a body already rendered (an operation's own error template)

    def __post_init__(self) -> None:
        if not self.status:
            self.status = STATUS_OF_KIND.get(self.kind, 400)
        super().__init__(self.detail)

    @property
    def title(self) -> str:
        """The standard reason phrase of the status."""
        return TITLE_OF_STATUS.get(self.status, "Error")
