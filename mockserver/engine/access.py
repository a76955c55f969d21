"""The access log's words: why a 4xx was answered, and log records as JSON lines.

Only read when an access line is written (logging at INFO), so nothing here runs per request
under `--quiet`.
"""

from __future__ import annotations

import datetime
import json
import logging
from http import HTTPStatus
from typing import Any

import orjson

REASON_CHARS = 80
_REASON_KEYS = ("detail", "title", "message", "error_description", "error")


def reason_of(status: int, body: bytes) -> str:
    """A few words on why a 4xx was answered: the error body's detail (problem+json, DRF,
    Siren error entities' properties), else the status's phrase; empty below 400 and at 500+."""
    if not 400 <= status < 500:
        return ""
    words = _words_in(body)
    if not words:
        try:
            words = HTTPStatus(status).phrase
        except ValueError:
            words = ""
    words = " ".join(words.split())
    return words if len(words) <= REASON_CHARS else words[: REASON_CHARS - 1] + "…"


def _words_in(body: bytes) -> str:
    if not body or body[:1] not in (b"{", b"["):
        return ""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return ""
    for candidate in (data, data.get("properties") if isinstance(data, dict) else None):
        if isinstance(candidate, dict):
            for key in _REASON_KEYS:
                value = candidate.get(key)
                if isinstance(value, str) and value:
                    return value
    if isinstance(data, dict) and data:  # DRF field errors: {"name": ["This field ..."]}
        key, value = next(iter(data.items()))
        if isinstance(value, list) and value and isinstance(value[0], str):
            return f"{key}: {value[0]}"
    return ""


ACCESS_FIELDS = ("client", "method", "path", "query", "status", "ms", "reason")
"""The arguments of an access record, in order (engine/pipeline.py's `_log_access`)."""


class JsonLogFormatter(logging.Formatter):
    """One JSON object per record: time (ISO 8601, UTC), level, logger, message; an access
    record also has its fields (client, method, path, query, status, ms, reason)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.funcName == "access" and isinstance(record.args, tuple):
            entry.update(zip(ACCESS_FIELDS, record.args, strict=False))
            entry["ms"] = round(float(entry["ms"]), 2)
            entry["reason"] = str(entry.get("reason", "")).removeprefix(" - ")
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(entry, ensure_ascii=False)
