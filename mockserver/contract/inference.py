"""Collections inferred from the usual resource shape of a plain OpenAPI document.

A document without `x-specmock` still says where its state is: a collection path with POST
(create) and usually GET (list), an item path one templated segment below it with GET (read)
and some of PUT (replace), PATCH (update) and DELETE. From the item schema and the path
parameter comes the id field (`petId` -> `petId` if the schema has it, else `id`), its type,
and whether the client sends it (the create body requires it), may send it (declares it) or
the mock makes it; from the examples, seed records; from the list response schema, whether a
list is the array itself or an object wrapping it. Every shape that comes close but does not
qualify is kept with the reason, so lint and the banner can say why nothing was inferred there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from specmock.contract.declarations import CollectionSpec, Inferred, Key, NearMiss
from specmock.core import documents
from specmock.core.formats import format_range

_TEMPLATED_SEGMENT = re.compile(r"^\{([^{}/]+)\}$")
_ITEM_ACTIONS = {"PUT": "replace", "PATCH": "update", "DELETE": "delete"}
_JSON = re.compile(r"^application/(?:[\w.+-]*\+)?json$|^\*/\*$")
_MAX_DEPTH = 16


@dataclass
class Inference:
    """What inference found: the collections, each operation's declaration, and near misses."""

    collections: list[CollectionSpec] = field(default_factory=list)
    operations: dict[Key, dict[str, Any]] = field(default_factory=dict)
    inferred: list[Inferred] = field(default_factory=list)
    near_misses: list[NearMiss] = field(default_factory=list)


class NotInferred(Exception):  # noqa: N818 -- a reason, not a failure
    """Why one resource shape yields no collection. Seen by: `infer_collections` only."""


def infer_collections(document: Mapping[str, Any]) -> Inference:
    """Every collection the document's resource shapes imply (none where an operation of the
    shape declares `x-specmock` itself)."""
    doc = dict(document)
    paths = doc.get("paths")
    found = Inference()
    if not isinstance(paths, dict):
        return found
    names: set[str] = set()
    for list_path, item_path, param in _candidates(paths, found):
        try:
            spec, inferred = _infer(doc, paths, list_path, item_path, param, names)
        except NotInferred as why:
            found.near_misses.append(NearMiss(list_path, str(why)))
            continue
        names.add(spec.name)
        found.collections.append(spec)
        found.inferred.append(inferred)
        found.operations.update(_declarations(spec.name, list_path, item_path, paths))
        if inferred.filters:
            found.operations[(list_path, "GET")]["filters"] = {
                name: {"field": name, "match": "exact"} for name in inferred.filters}
    return found


def _candidates(
    paths: dict[str, Any], found: Inference
) -> Iterator[tuple[str, str, str]]:
    """(collection path, item path, id parameter) of each shape, near misses recorded."""
    index = _item_index(paths)
    for list_path, item in paths.items():
        if not isinstance(item, dict) or not (_has(item, "get") or _has(item, "post")):
            continue
        items = index.get(list_path, [])
        if not _has(item, "post"):
            if items and "{" not in list_path:
                found.near_misses.append(NearMiss(list_path, "it has no POST to create records"))
            continue
        if not items:
            if _has(item, "get") and "{" not in list_path:  # a POST alone is an action
                found.near_misses.append(NearMiss(
                    list_path, f"no item path {list_path.rstrip('/')}/{{id}} with GET below it"))
            continue
        if "{" in list_path:
            found.near_misses.append(NearMiss(
                list_path, "it lies below a path parameter (a nested collection: declare it "
                "with x-specmock and `scope`)"))
            continue
        item_path, param = items[0]
        yield list_path, item_path, param


def _item_index(paths: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Collection path -> (item template, parameter) of every template with GET whose last
    segment is one `{parameter}` (`/pets/{petId}` under `/pets`, `/pets/{petId}/` under
    `/pets/`): one pass, so a document of many paths costs no more than its size."""
    index: dict[str, list[tuple[str, str]]] = {}
    for template, item in paths.items():
        if not isinstance(item, dict) or not _has(item, "get"):
            continue
        slash = "/" if template.endswith("/") and template != "/" else ""
        parent, _, last = template[: len(template) - len(slash)].rpartition("/")
        match = _TEMPLATED_SEGMENT.match(last)
        if match and parent:
            index.setdefault(parent + slash, []).append((template, match.group(1)))
    return index


def _has(item: dict[str, Any], method: str) -> bool:
    return isinstance(item.get(method), dict)


def _infer(
    doc: dict[str, Any], paths: dict[str, Any], list_path: str, item_path: str, param: str,
    taken: set[str],
) -> tuple[CollectionSpec, Inferred]:
    listing, item = paths[list_path], paths[item_path]
    lists = _has(listing, "get")
    methods = [("get", listing), ("post", listing), *((m, item) for m in ("get", "put",
                                                                         "patch", "delete"))]
    if any(_has(holder, m) and "x-specmock" in holder[m] for m, holder in methods):
        raise NotInferred("an operation of it declares x-specmock (declarations win)")
    changes = [m for m in _ITEM_ACTIONS if _has(item, m.lower())]
    if not changes:
        raise NotInferred(f"{item_path} has none of PUT, PATCH, DELETE: read-only, not state")
    record_schema = _success_schema(doc, item["get"])
    properties = _properties(doc, record_schema)
    if not properties:
        raise NotInferred(f"GET {item_path} answers no JSON object schema with properties")
    id_field = _id_field(param, properties)
    if id_field is None:
        raise NotInferred(
            f"the record schema of GET {item_path} has neither {param!r} nor 'id' to hold "
            f"the path parameter {param!r}")
    envelope = _envelope(doc, _success_schema(doc, listing["get"])) if lists else None
    id_schema = _resolved(doc, properties[id_field])
    id_type = "integer" if _type_of(id_schema) == "integer" else "string"
    create_body = _body_schema(doc, listing["post"])
    id_source = _id_source(doc, create_body, id_field)
    name = _name(list_path, taken)
    seeds = _seeds(doc, listing["get"] if lists else {}, item["get"], envelope, id_field)
    spec = CollectionSpec(
        name=name, id_field=id_field, id_type=id_type, id_source=id_source, klass=(name,),
        seed={"records": seeds} if seeds else None, envelope=envelope,
        id_format="uuid" if id_type == "string" and id_schema.get("format") == "uuid" else None,
        inferred=True, conflict_status=_conflict_status(listing["post"]),
        id_maximum=_id_maximum(id_schema) if id_type == "integer" else None,
    )
    actions = (*(("list",) if lists else ()), "create", "read",
               *(_ITEM_ACTIONS[m] for m in changes))
    filters = _filters(doc, listing, properties) if lists else ()
    return spec, Inferred(name, list_path, item_path, param, id_field, id_type, id_source,
                          len(seeds), envelope, actions, filters)


def _id_maximum(id_schema: dict[str, Any]) -> int | None:
    """The largest id the schema allows: its `maximum`, its numeric format's top, the lower."""
    bounds = format_range(id_schema)
    tops = [v for v in (id_schema.get("maximum"), bounds[1] if bounds else None)
            if isinstance(v, int | float) and not isinstance(v, bool)]
    return int(min(tops)) if tops else None


def _conflict_status(create: dict[str, Any]) -> int:
    """The status a create refuses a taken id with: the document's 409 where it declares one,
    else the client error it declares (400, then 422), else 409 as servers answer."""
    declared = {str(code) for code in create.get("responses") or {}}
    return next((int(code) for code in ("409", "400", "422") if code in declared), 409)


def _declarations(
    name: str, list_path: str, item_path: str, paths: dict[str, Any]
) -> dict[Key, dict[str, Any]]:
    out: dict[Key, dict[str, Any]] = {
        (list_path, "POST"): {"action": "create", "collection": name},
        (item_path, "GET"): {"action": "read", "collection": name},
    }
    if _has(paths[list_path], "get"):
        out[(list_path, "GET")] = {"action": "list", "collection": name}
    for method, action in _ITEM_ACTIONS.items():
        if _has(paths[item_path], method.lower()):
            out[(item_path, method)] = {"action": action, "collection": name}
    return out


def _filters(
    doc: dict[str, Any], listing: dict[str, Any], properties: dict[str, Any]
) -> tuple[str, ...]:
    """Query parameters of the list named like a scalar record field filter by it exactly
    (`GET /pets?status=sold`), as such a parameter reads."""
    declared = [*_list(listing.get("parameters")), *_list(listing["get"].get("parameters"))]
    out: list[str] = []
    for node in declared:
        parameter = _resolved(doc, node)
        name = parameter.get("name")
        if parameter.get("in") != "query" or not isinstance(name, str) or name not in properties:
            continue
        kind = _type_of(_resolved(doc, properties[name]))
        if kind in ("string", "integer", "number", "boolean") and name not in out:
            out.append(name)
    return tuple(out)


def _id_source(doc: dict[str, Any], create_body: Any, id_field: str) -> str:
    """`client` when the create body requires the id, `either` when it may carry it (the
    client's if sent, else the mock's), `server` when it cannot (absent or read-only)."""
    if id_field in _required(doc, create_body):
        return "client"
    sent = _properties(doc, create_body).get(id_field)
    if sent is None or _resolved(doc, sent).get("readOnly"):
        return "server"
    return "either"


def _name(list_path: str, taken: set[str]) -> str:
    """The collection path's last segment (`/v1/pets` -> `pets`), made unique."""
    literal = [s for s in list_path.split("/") if s and "{" not in s]
    base = re.sub(r"[^A-Za-z0-9_-]", "_", literal[-1]) if literal else "records"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


def _id_field(param: str, properties: dict[str, Any]) -> str | None:
    for candidate in (param, "id"):
        if candidate in properties:
            return candidate
    return None


def _resolved(doc: dict[str, Any], node: Any) -> dict[str, Any]:
    try:
        found = documents.resolve_ref(doc, node)
    except documents.RefError:
        return {}
    return found if isinstance(found, dict) else {}


def _properties(doc: dict[str, Any], schema: Any, depth: int = 0) -> dict[str, Any]:
    """An object schema's properties, allOf branches merged."""
    schema = _resolved(doc, schema)
    if depth > _MAX_DEPTH:
        return {}
    merged: dict[str, Any] = {}
    for branch in _list(schema.get("allOf")):
        merged.update(_properties(doc, branch, depth + 1))
    own = schema.get("properties")
    merged.update(own if isinstance(own, dict) else {})
    return merged


def _required(doc: dict[str, Any], schema: Any, depth: int = 0) -> set[str]:
    schema = _resolved(doc, schema)
    if depth > _MAX_DEPTH:
        return set()
    names = {str(n) for n in _list(schema.get("required")) if isinstance(n, str)}
    for branch in _list(schema.get("allOf")):
        names |= _required(doc, branch, depth + 1)
    return names


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _type_of(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    return str(kind) if kind else None


def _json_media(doc: dict[str, Any], holder: Any) -> dict[str, Any]:
    content = _resolved(doc, holder).get("content")
    if not isinstance(content, dict):
        return {}
    return next((_resolved(doc, m) for k, m in content.items() if _JSON.match(str(k))), {})


def _success(doc: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    responses = operation.get("responses")
    if not isinstance(responses, dict):
        return {}
    codes = sorted(str(c) for c in responses if str(c).isdigit() and str(c).startswith("2"))
    return _resolved(doc, responses.get(codes[0], responses.get(int(codes[0])))) if codes else {}


def _success_schema(doc: dict[str, Any], operation: dict[str, Any]) -> Any:
    return _json_media(doc, _success(doc, operation)).get("schema", {})


def _body_schema(doc: dict[str, Any], operation: dict[str, Any]) -> Any:
    return _json_media(doc, operation.get("requestBody")).get("schema", {})


def _envelope(doc: dict[str, Any], schema: Any) -> str | None:
    """None for a list answered as an array; the member holding it for an object wrapping
    one; NotInferred for anything else."""
    resolved = _resolved(doc, schema)
    if _type_of(resolved) == "array" or "items" in resolved:
        return None
    arrays = [name for name, prop in _properties(doc, resolved).items()
              if _type_of(_resolved(doc, prop)) == "array"]
    if len(arrays) == 1:
        return arrays[0]
    why = "several array members" if arrays else "no array"
    raise NotInferred(f"its GET answers neither an array nor an object wrapping one ({why})")


def _examples(doc: dict[str, Any], operation: dict[str, Any]) -> Iterator[Any]:
    media = _json_media(doc, _success(doc, operation))
    if "example" in media:
        yield media["example"]
    examples = media.get("examples")
    for example in (examples if isinstance(examples, dict) else {}).values():
        example = _resolved(doc, example)
        if "value" in example:
            yield example["value"]
    schema = _resolved(doc, media.get("schema", {}))
    if "example" in schema:
        yield schema["example"]


def _seeds(
    doc: dict[str, Any], listing: dict[str, Any], item: dict[str, Any], envelope: str | None,
    id_field: str,
) -> list[dict[str, Any]]:
    """Records of the list and item examples that carry an id, each id once, in order."""
    records: list[Any] = []
    for example in _examples(doc, listing):
        holder = example.get(envelope) if envelope and isinstance(example, dict) else example
        records.extend(holder if isinstance(holder, list) else [])
    records.extend(_examples(doc, item))
    seen: set[str] = set()
    out = []
    for record in records:
        if not isinstance(record, dict) or record.get(id_field) is None:
            continue
        key = str(record[id_field])
        if key not in seen:
            seen.add(key)
            out.append(dict(record))
    return out
