"""OpenAPI `callbacks`: the requests an operation's answer makes the mock send.

An operation may declare callbacks (OpenAPI 3: a map of names to {expression: Path Item}); the
expression is the URL, built from the triggering exchange with runtime expressions, alone
(`$request.body#/callbackUrl`) or in braces within text
(`{$request.query.hook}/events?id={$response.body#/id}`). This module turns the declaration
and one exchange into the requests to send (`Outbound`): the URL expanded, each method's body
from its requestBody's example, else seeded data from its schema. Sending them is the engine's
(engine/callbacks.py): here is nothing but data.

A value is put into the URL as it is (a string unchanged, a number or boolean as JSON writes
it), so `{$request.body#/callbackUrl}` may hold a whole URL.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import orjson

from specmock.behaviours.fake import GenerationError, generate
from specmock.core.documents import RefError, resolve_ref
from specmock.core.exchange import Request, Response
from specmock.core.pointers import resolve

_EMBEDDED = re.compile(r"\{(\$[^{}]+)\}")
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_MISSING: Any = object()


class ExpressionError(ValueError):
    """A runtime expression that names nothing in the exchange (a body member not sent, a
    header missing) or is no runtime expression. Seen by: the sender, which logs and journals
    the callback as not sent."""


@dataclass(frozen=True, slots=True)
class Exchange:
    """What runtime expressions read: the request (its path parameters as routed) and the
    answer; bodies are read as JSON (a form as its fields, else text) when first asked."""

    request: Request
    path: Mapping[str, str]
    response: Response
    _read: dict[str, Any] = field(default_factory=dict)

    def request_body(self) -> Any:
        """The request's body as data (None when there is none), parsed once."""
        if "request" not in self._read:
            self._read["request"] = _parsed(self.request.body, self.request.content_type)
        return self._read["request"]

    def response_body(self) -> Any:
        """The answer's body as data (None when there is none), parsed once."""
        if "response" not in self._read:
            media_type = (self.response.header("content-type") or "").split(";")[0].strip()
            self._read["response"] = _parsed(self.response.body, media_type.lower())
        return self._read["response"]


def _parsed(body: bytes, media_type: str) -> Any:
    if not body:
        return None
    if media_type == "application/x-www-form-urlencoded":
        return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return body.decode("utf-8", "replace")


def evaluate(expression: str, exchange: Exchange) -> Any:
    """The value of one runtime expression: `$url`, `$method`, `$statusCode`,
    `$request.{header.N,query.N,path.N,body[#/pointer]}`, `$response.{header.N,body[#/ptr]}`."""
    request = exchange.request
    if expression == "$url":
        query = f"?{request.query_string}" if request.query_string else ""
        return f"{request.base_url}{request.path}{query}"
    if expression == "$method":
        return request.method
    if expression == "$statusCode":
        return exchange.response.status
    side, _, source = expression.partition(".")
    if side == "$request":
        value = _from_request(source, exchange)
    elif side == "$response":
        value = _from_response(source, exchange)
    else:
        raise ExpressionError(f"{expression!r} is no runtime expression")
    if value is _MISSING:
        raise ExpressionError(f"{expression} names nothing in this exchange")
    return value


def _from_request(source: str, exchange: Exchange) -> Any:
    kind, _, name = source.partition(".")
    request = exchange.request
    if kind == "header":
        return request.headers.get(name.lower(), _MISSING)
    if kind == "query":
        return next((value for key, value in request.query if key == name), _MISSING)
    if kind == "path":
        return exchange.path.get(name, _MISSING)
    return _body(source, exchange.request_body())


def _from_response(source: str, exchange: Exchange) -> Any:
    kind, _, name = source.partition(".")
    if kind == "header":
        found = exchange.response.header(name)
        return _MISSING if found is None else found
    return _body(source, exchange.response_body())


def _body(source: str, body: Any) -> Any:
    head, hash_, pointer = source.partition("#")
    if head != "body":
        raise ExpressionError(f"{source!r}: expected header., query., path. or body")
    if not hash_:
        return _MISSING if body is None else body
    return resolve(body, pointer, _MISSING)


def expand(template: str, exchange: Exchange) -> str:
    """A callback's key with its runtime expressions replaced by their values."""
    if template.startswith("$") and "{" not in template:
        return _text(evaluate(template, exchange))
    return _EMBEDDED.sub(lambda found: _text(evaluate(found.group(1), exchange)), template)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


@dataclass(frozen=True, slots=True)
class Outbound:
    """One callback request to send."""

    name: str
    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(frozen=True, slots=True)
class _Target:
    """One method of one callback expression, with what its body is made from."""

    name: str
    expression: str
    method: str
    media_type: str | None
    example: Any
    schema: Any


class Callbacks:
    """An operation's callbacks, compiled once; `requests` gives what one exchange sends."""

    def __init__(self, targets: list[_Target], document: dict[str, Any], seed: int) -> None:
        self._targets = targets
        self._document = document
        self._seed = seed
        self._sent = itertools.count()  # each body its own seeded draw, reproducibly

    @property
    def names(self) -> list[str]:
        """The callback names, in declaration order (once each)."""
        return list(dict.fromkeys(target.name for target in self._targets))

    def requests(self, exchange: Exchange) -> Iterator[Outbound | tuple[str, str, str]]:
        """Each callback request of this exchange; a URL that cannot be built gives
        (name, method, reason) instead, to be reported."""
        for target in self._targets:
            try:
                url = expand(target.expression, exchange)
            except ExpressionError as error:
                yield target.name, target.method, str(error)
                continue
            try:
                yield self._outbound(target, url)
            except GenerationError as error:
                yield target.name, target.method, f"its body cannot be generated: {error}"

    def _outbound(self, target: _Target, url: str) -> Outbound:
        if target.media_type is None:
            return Outbound(target.name, target.method, url, (), b"")
        body = target.example
        if body is _MISSING:
            rng = random.Random(f"{self._seed}:{target.name}:{next(self._sent)}")
            body = generate(target.schema if target.schema is not None else {},
                            self._document, rng, direction="request")
        encoded = (body.encode() if isinstance(body, str) and "json" not in target.media_type
                   else orjson.dumps(body))
        return Outbound(target.name, target.method, url,
                        (("content-type", target.media_type),), encoded)


def compile_callbacks(operation: dict[str, Any], document: dict[str, Any],
                      seed: int = 0) -> Callbacks | None:
    """The operation's callbacks, or None when it declares none."""
    declared = resolve_ref(document, operation.get("callbacks"))
    if not isinstance(declared, dict) or not declared:
        return None
    targets: list[_Target] = []
    for name, callback in declared.items():
        try:
            targets.extend(_targets(str(name), callback, document))
        except RefError:  # lint reports the broken $ref; the callback is not sent
            continue
    return Callbacks(targets, document, seed) if targets else None


def _targets(name: str, callback: Any, document: dict[str, Any]) -> Iterator[_Target]:
    callback = resolve_ref(document, callback)
    if not isinstance(callback, dict):
        return
    for expression, path_item in callback.items():
        path_item = resolve_ref(document, path_item)
        if str(expression).startswith("x-") or not isinstance(path_item, dict):
            continue
        for method in _METHODS:
            if isinstance(path_item.get(method), dict):
                yield _target(name, str(expression), method, path_item[method], document)


def _target(name: str, expression: str, method: str, operation: dict[str, Any],
            document: dict[str, Any]) -> _Target:
    body = resolve_ref(document, operation.get("requestBody"))
    content = body.get("content") if isinstance(body, dict) else None
    if not isinstance(content, dict) or not content:
        return _Target(name, expression, method.upper(), None, _MISSING, None)
    media_type = next((m for m in content if "json" in m.lower()), next(iter(content)))
    media = resolve_ref(document, content[media_type])
    media = media if isinstance(media, dict) else {}
    return _Target(name, expression, method.upper(), media_type, _example(media, document),
                   media.get("schema"))


def _example(media: dict[str, Any], document: dict[str, Any]) -> Any:
    """The media type's `example`, else its first `examples` value, else `_MISSING`."""
    if "example" in media:
        return media["example"]
    examples = media.get("examples")
    for entry in (examples.values() if isinstance(examples, dict) else ()):
        entry = resolve_ref(document, entry)
        if isinstance(entry, dict) and "value" in entry:
            return entry["value"]
    return _MISSING
