"""`specmock proxy --record DIR`: what the proxy saw, written back in the contract's own format.

DIR/openapi.yaml is the contract with every conforming answer (and JSON request body) seen
added as a named example of its operation (`recorded-1`, ...), and the records of each
collection seen in answers (`x-specmock` collections: read, list, create, update and replace
answers) laid over the contract's literal seed records (by id, so fields the server never shows
stay) as its seed, in DIR/seed/<collection>.yaml referenced with `$ref`, as the bundled
contracts keep theirs (a seed generator is dropped: the seed is what was seen).
`specmock lint DIR` accepts it; `specmock serve DIR` serves what was seen.

Secrets never reach the disk: values of keys that name credentials (password, token, secret,
access, refresh, authorization, api key) and anything shaped like a JWT are replaced by
`<redacted>`; headers (Authorization among them) are not recorded at all.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import orjson
import yaml

from specmock.core.exchange import Request, Response
from specmock.engine.compile import Operation
from specmock.engine.schemas_util import resolve_ref

REDACTED = "<redacted>"
_SECRET_KEY = re.compile(
    r"pass(word|wd)?|secret|token|access|refresh|authori[sz]ation|api[-_]?key|credential", re.I
)
_JWT = re.compile(r"^eyJ[\w-]*\.[\w-]+\.[\w-]*$")
_RECORD_ACTIONS = frozenset({"read", "create", "update", "replace", "list"})
# Bounds: a long recording session must not grow without limit.
MAX_EXAMPLES_PER_RESPONSE = 5
MAX_RECORDS_PER_COLLECTION = 1000


def redact(value: Any) -> Any:
    """`value` with every credential-like field and JWT-shaped string replaced."""
    if isinstance(value, dict):
        return {k: REDACTED if _SECRET_KEY.search(str(k)) else redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    if isinstance(value, str) and _JWT.match(value):
        return REDACTED
    return value


class Recorder:
    """Collects conforming exchanges; `write()` puts them in DIR."""

    def __init__(self, document: dict[str, Any], directory: Path) -> None:
        self.document = copy.deepcopy(document)
        self.directory = directory
        self._count = 0
        self.records: dict[str, dict[Any, dict[str, Any]]] = {}
        root = self.document.get("x-specmock", {})
        self._id_fields = {
            name: spec.get("idField", "id") for name, spec in root.get("collections", {}).items()
        }

    def add(self, operation: Operation, request: Request, response: Response) -> None:
        """Record one exchange that kept the contract."""
        body = _json(response.body, response.header("content-type"))
        if body is not None:
            self._example(operation, response, body)
            self._records(operation, body)
        sent = _json(request.body, request.headers.get("content-type"))
        if sent is not None:
            self._request_example(operation, request, sent)

    def write(self) -> list[Path]:
        """Write DIR/openapi.yaml and DIR/seed/*.yaml; the paths written."""
        self.directory.mkdir(parents=True, exist_ok=True)
        written = []
        collections = self.document.get("x-specmock", {}).get("collections", {})
        for name, records in sorted(self.records.items()):
            path = self.directory / "seed" / f"{name}.yaml"
            path.parent.mkdir(exist_ok=True)
            merged = self._merged_seed(collections[name], records)
            path.write_text(yaml.safe_dump({"records": merged}, sort_keys=False))
            collections[name]["seed"] = {"$ref": f"seed/{name}.yaml"}
            written.append(path)
        contract = self.directory / "openapi.yaml"
        contract.write_text(yaml.safe_dump(self.document, sort_keys=False, allow_unicode=True))
        return [contract, *written]

    def _merged_seed(
        self, collection: dict[str, Any], seen: dict[Any, dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """The contract's literal seed records with what was seen laid over them (by id): fields
        the server never shows (the contract's hidden ones) are kept, new records appended."""
        id_field = collection.get("idField", "id")
        seed = collection.get("seed")
        literal = seed.get("records") if isinstance(seed, dict) else None
        merged: dict[Any, dict[str, Any]] = {
            r[id_field]: dict(r)
            for r in literal or []
            if isinstance(r, dict) and _is_record(r.get(id_field))
        }
        for key, record in seen.items():
            merged[key] = {**merged.get(key, {}), **record}
        return list(merged.values())

    def _operation_node(self, operation: Operation) -> dict[str, Any]:
        node: dict[str, Any] = self.document["paths"][operation.template][operation.method.lower()]
        return node

    def _example(self, operation: Operation, response: Response, body: Any) -> None:
        responses = self._operation_node(operation).get("responses", {})
        status = str(response.status)
        key = next((k for k in (status, f"{status[0]}XX", "default") if k in responses), None)
        if key is None:
            return
        responses[key] = _inlined(self.document, responses[key])
        media_type = (response.header("content-type") or "").split(";")[0].strip()
        media = responses[key].get("content", {}).get(media_type)
        if isinstance(media, dict):
            self._add_example(media, redact(body), f"{response.status} answer")

    def _request_example(self, operation: Operation, request: Request, body: Any) -> None:
        node = self._operation_node(operation)
        if "requestBody" not in node:
            return
        node["requestBody"] = _inlined(self.document, node["requestBody"])
        media = node["requestBody"].get("content", {}).get(request.content_type)
        if isinstance(media, dict):
            self._add_example(media, redact(body), f"{request.method} {request.path}")

    def _add_example(self, media: dict[str, Any], value: Any, summary: str) -> None:
        examples = media.setdefault("examples", {})
        if "example" in media:  # OpenAPI: `example` and `examples` exclude each other
            examples.setdefault("contract", {"value": media.pop("example")})
        if sum(name.startswith("recorded-") for name in examples) >= MAX_EXAMPLES_PER_RESPONSE:
            return
        self._count += 1
        examples[f"recorded-{self._count}"] = {"summary": f"seen: {summary}", "value": value}

    def _records(self, operation: Operation, body: Any) -> None:
        ext = operation.spec.get("x-specmock", {})
        collection = ext.get("collection")
        if ext.get("action") not in _RECORD_ACTIONS or collection not in self._id_fields:
            return
        id_field = self._id_fields[collection]
        kept = self.records.setdefault(collection, {})
        for record in _records_in(body, id_field):
            if len(kept) < MAX_RECORDS_PER_COLLECTION or record[id_field] in kept:
                kept[record[id_field]] = redact(record)


def _records_in(body: Any, id_field: str) -> list[dict[str, Any]]:
    """Records in an answer: the object itself, a list of them, a list under one property
    (a page envelope), or the `properties` of Siren entities."""
    if isinstance(body, dict) and "properties" in body and isinstance(body["properties"], dict):
        found = _records_in(body["properties"], id_field)
        for entity in body.get("entities", []) if isinstance(body.get("entities"), list) else []:
            found += _records_in(entity, id_field)
        return found
    if isinstance(body, dict):
        if _is_record(body.get(id_field)):
            return [body]
        lists = [v for v in body.values() if isinstance(v, list)]
        return [r for items in lists for r in _records_in(items, id_field)]
    if isinstance(body, list):
        return [r for item in body if isinstance(item, dict) for r in _records_in(item, id_field)]
    return []


def _is_record(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def _inlined(document: dict[str, Any], node: Any) -> Any:
    """A `$ref`ed response or body, copied into place so that examples added to it stay its own."""
    if isinstance(node, dict) and "$ref" in node:
        return copy.deepcopy(resolve_ref(document, node))
    return node


def _json(body: bytes, content_type: str | None) -> Any:
    if not body or "json" not in (content_type or ""):
        return None
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
