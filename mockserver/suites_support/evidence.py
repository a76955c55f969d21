"""Evidence for a failure: what was sent, what came back, which rule it breaks, and a curl
command that sends the same request again.

A suite that finds a problem raises `ContractViolationError(violation(rule, exchange, ...))`; the
message's first line is the rule, so pytest's one-line summaries name it.
"""

from __future__ import annotations

import contextlib
import json
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

EXCERPT = 600
_SECRET_HEADERS = ("authorization", "cookie", "proxy-authorization")


class ContractViolationError(AssertionError):
    """A target broke a contract rule; the message carries the evidence.

    Seen by: whoever reads a failed suite test (QA, CI logs, JUnit XML).
    """


@dataclass(frozen=True)
class FilePart:
    """One file of a multipart request."""

    name: str
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Sent:
    """A request as sent. Exactly one of `json`, `form`/`files` or `body` describes the body.

    `auth_note` replaces the Authorization value in renderings (`Bearer <expired token>`);
    real credentials never appear in a message.
    """

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    json: Any = None
    has_json: bool = False
    form: tuple[tuple[str, str], ...] = ()
    files: tuple[FilePart, ...] = ()
    body: bytes | None = None
    auth_note: str | None = None


@dataclass(frozen=True)
class Received:
    """A response as received."""

    status: int
    reason: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """A header by case-insensitive name."""
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


@dataclass(frozen=True)
class Exchange:
    """One request and its response (None when the connection failed: `error` says why)."""

    sent: Sent
    received: Received | None = None
    error: str | None = None
    notes: tuple[str, ...] = field(default=())


def curl(sent: Sent) -> str:
    """A shell command that sends the same request (credentials elided)."""
    parts = ["curl", "-i", "-X", sent.method, shlex.quote(sent.url)]
    for name, value in sent.headers:
        if (sent.form or sent.files) and name.lower() == "content-type":
            continue  # curl writes the multipart boundary itself
        parts += ["-H", shlex.quote(f"{name}: {_header_value(name, value, sent.auth_note)}")]
    parts += _body_arguments(sent)
    return " ".join(parts)


def describe(exchange: Exchange) -> list[str]:
    """The lines that tell what was sent and what came back."""
    sent = exchange.sent
    lines = [f"  sent:     {sent.method} {sent.url}{_body_summary(sent)}"]
    if exchange.received is None:
        lines.append(f"  received: no response ({exchange.error or 'connection failed'})")
    else:
        got = exchange.received
        media = got.header("content-type") or "no content type"
        status = f"{got.status} {got.reason}".strip()
        lines.append(f"  received: {status} ({media}) {excerpt(got.body)}")
    lines += [f"  note:     {note}" for note in exchange.notes]
    lines.append(f"  reproduce: {curl(sent)}")
    return lines


def violation(
    rule: str,
    exchanges: Sequence[Exchange] = (),
    *,
    expected: str | None = None,
    found: str | None = None,
) -> str:
    """A failure message: the rule first, then expected/found, then each exchange with its curl."""
    lines = [f"contract rule: {rule}"]
    if expected is not None:
        lines.append(f"  expected: {expected}")
    if found is not None:
        lines.append(f"  found:    {found}")
    for index, exchange in enumerate(exchanges, start=1):
        if len(exchanges) > 1:
            lines.append(f"  -- request {index} of {len(exchanges)}")
        lines += describe(exchange)
    return "\n".join(lines)


def excerpt(body: bytes, limit: int = EXCERPT) -> str:
    """The start of a body as text (JSON compacted), marked when cut."""
    if not body:
        return "(empty body)"
    text = body.decode("utf-8", errors="replace")
    with contextlib.suppress(ValueError):
        text = json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + f"... ({len(body)} bytes)"


def _header_value(name: str, value: str, note: str | None) -> str:
    if name.lower() not in _SECRET_HEADERS:
        return value
    if note is not None:
        return note
    scheme = value.split(" ", 1)[0] if " " in value else ""
    hidden = {"bearer": "<token>", "basic": "<credentials>"}.get(scheme.lower(), "<secret>")
    return f"{scheme} {hidden}".strip()


def _body_arguments(sent: Sent) -> list[str]:
    if sent.has_json:
        return ["--data-raw", shlex.quote(json.dumps(sent.json, ensure_ascii=False))]
    args: list[str] = []
    for name, value in sent.form:
        args += ["--form-string", shlex.quote(f"{name}={value}")]
    for part in sent.files:
        args += ["-F", shlex.quote(f"{part.name}=@{part.filename};type={part.content_type}")]
    if sent.body is not None and not args:
        text = sent.body.decode("utf-8", errors="replace")
        args += ["--data-binary", shlex.quote(text if len(text) <= EXCERPT else text[:EXCERPT])]
    return args


def _body_summary(sent: Sent) -> str:
    if sent.has_json:
        return f" with JSON {excerpt(json.dumps(sent.json).encode(), 300)}"
    pieces = [f"{name}={value!r}" for name, value in sent.form]
    pieces += [
        f"{p.name}=<file {p.filename}, {p.content_type}, {len(p.content)} bytes"
        + (f": {excerpt(p.content, 120)}>" if _is_text(p.content_type) else ">")
        for p in sent.files
    ]
    return f" with form {{{', '.join(pieces)}}}" if pieces else ""


def _is_text(content_type: str) -> bool:
    return content_type.startswith("text/") or content_type.endswith("json")
