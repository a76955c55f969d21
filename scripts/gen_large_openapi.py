"""Write a large multi-file OpenAPI 3.0 document, for start-up benchmarks and the e2e corpus.

    python scripts/gen_large_openapi.py --operations 659 --out /tmp/large

The document takes the shapes public cloud and messaging provider descriptions take (written
for this project, not copied from any): resources under `/v1/projects/{projectId}/<service>/`,
each with list, create, read, update and delete; one schema file per service plus shared
`common.yaml`, `parameters.yaml` and `responses.yaml`; path items referenced from per-service
files; schemas that reach their fields through `$ref` chains four or five deep and `allOf`;
`oneOf` with a `discriminator`; enums of a couple of hundred values; a dozen parameters on a
list (path-level, shared by reference, array and date-time queries, a header); and an example
for every answer, valid against its schema (a mock answers with it).

The output depends only on `--operations`: the same arguments write the same bytes. DIR gets
`openapi.yaml` (the root) beside the other files.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml

SERVICES = (
    "messaging", "voice", "queues", "topics", "storage", "compute", "identity", "billing",
    "monitoring", "dns", "video", "notify", "sync", "functions", "events", "keys",
)
NOUNS = (
    "message", "call", "queue", "subscription", "bucket", "instance", "user", "invoice",
    "alert", "record", "room", "binding", "document", "function", "rule", "key", "channel",
    "conference", "participant", "recording", "transcription", "snapshot", "volume", "network",
    "policy", "role", "credential", "webhook", "template", "campaign", "sender", "domain",
    "certificate", "metric", "dashboard", "zone", "stream", "workspace", "deployment", "trigger",
)
STATUSES = ("queued", "sending", "sent", "delivered", "undelivered", "failed", "receiving",
            "received", "accepted", "scheduled", "read", "partially_delivered", "canceled")
# A couple of hundred region codes, as provider documents enumerate them.
AREAS = ("us", "eu", "ap", "sa", "ca", "me", "af", "au", "in", "jp", "kr", "cn")
SIDES = ("east", "west", "north", "south", "central", "northeast", "southeast", "northwest",
         "southwest")
REGIONS = tuple(f"{area}-{side}-{n}" for area in AREAS for side in SIDES for n in (1, 2))
TARGET_KINDS = ("sms", "email", "webhook")
FILES = ("parameters.yaml", "responses.yaml", "schemas/common.yaml")


def camel(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in text.split("_"))


def resources(count: int) -> list[tuple[str, str, str]]:
    """(service, resource path segment, schema name) for `count` resources, spread evenly."""
    out = []
    for index in range(count):
        service = SERVICES[index % len(SERVICES)]
        noun = NOUNS[index % len(NOUNS)]
        lap = index // len(NOUNS)
        segment = f"{noun}s" if lap == 0 else f"{noun}s{lap + 1}"
        name = camel(noun) + ("" if lap == 0 else str(lap + 1))
        out.append((service, segment, name))
    return out


def common_schemas() -> dict[str, Any]:
    """Shared building blocks; resources reach `Id` through Resource -> Identified -> Id."""
    target_refs = {kind: f"#/{camel(kind)}Target" for kind in TARGET_KINDS}
    schemas: dict[str, Any] = {
        "Id": {"type": "string", "pattern": "^[A-Z]{2}[0-9a-f]{32}$", "minLength": 34,
               "maxLength": 34, "description": "A resource id: two letters and 32 hex digits."},
        "Identified": {"type": "object", "required": ["id"],
                       "properties": {"id": {"allOf": [{"$ref": "#/Id"}], "readOnly": True}}},
        "Timestamps": {"type": "object", "required": ["createdAt"], "properties": {
            "createdAt": {"type": "string", "format": "date-time", "readOnly": True},
            "updatedAt": {"type": "string", "format": "date-time", "nullable": True,
                          "readOnly": True}}},
        "Resource": {"allOf": [{"$ref": "#/Identified"}, {"$ref": "#/Timestamps"}]},
        "Status": {"type": "string", "enum": list(STATUSES)},
        "Region": {"type": "string", "enum": list(REGIONS), "default": REGIONS[0]},
        "Tags": {"type": "object", "maxProperties": 50,
                 "additionalProperties": {"type": "string", "maxLength": 256}},
        "Page": {"type": "object", "required": ["nextPageToken", "totalSize"], "properties": {
            "nextPageToken": {"type": "string", "nullable": True},
            "totalSize": {"type": "integer", "format": "int32", "minimum": 0}}},
        "Error": {"type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "integer", "format": "int32"},
            "message": {"type": "string"},
            "moreInfo": {"type": "string", "format": "uri"}}},
        "TargetBase": {"type": "object", "required": ["kind"], "properties": {
            "kind": {"type": "string", "enum": list(TARGET_KINDS)}}},
        "Target": {"oneOf": [{"$ref": ref} for ref in target_refs.values()],
                   "discriminator": {"propertyName": "kind", "mapping": target_refs}},
    }
    fields = {"sms": ("to", {"type": "string", "pattern": r"^\+[1-9][0-9]{6,14}$"}),
              "email": ("address", {"type": "string", "format": "email"}),
              "webhook": ("url", {"type": "string", "format": "uri"})}
    for kind, (field, schema) in fields.items():
        schemas[f"{camel(kind)}Target"] = {"allOf": [{"$ref": "#/TargetBase"}, {
            "type": "object", "required": [field],
            "properties": {"kind": {"type": "string", "enum": [kind]}, field: schema}}]}
    return schemas


def parameters() -> dict[str, Any]:
    def query(name: str, schema: dict[str, Any], text: str) -> dict[str, Any]:
        return {"name": name, "in": "query", "required": False, "description": text,
                "schema": schema}
    return {
        "ProjectId": {"name": "projectId", "in": "path", "required": True,
                      "schema": {"$ref": "schemas/common.yaml#/Id"}},
        "PageSize": query("pageSize", {"type": "integer", "format": "int32", "minimum": 1,
                                       "maximum": 1000, "default": 50}, "Records per page."),
        "PageToken": query("pageToken", {"type": "string", "maxLength": 512},
                           "The nextPageToken of the previous page."),
        "Filter": query("filter", {"type": "string", "maxLength": 2048},
                        "A filter expression."),
        "OrderBy": query("orderBy", {"type": "string", "enum": ["createdAt", "-createdAt",
                                                                 "name", "-name"]},
                         "Sort order."),
        "Status": query("status", {"$ref": "schemas/common.yaml#/Status"}, "Only this status."),
        "Region": query("region", {"$ref": "schemas/common.yaml#/Region"}, "Only this region."),
        "CreatedAfter": query("createdAfter", {"type": "string", "format": "date-time"},
                              "Only records created after this instant."),
        "Label": {"name": "label", "in": "query", "style": "form", "explode": True,
                  "schema": {"type": "array", "maxItems": 20,
                             "items": {"type": "string", "maxLength": 63}}},
        "RequestId": {"name": "X-Request-Id", "in": "header", "required": False,
                      "schema": {"type": "string", "format": "uuid"}},
    }


def error_example(code: int, message: str) -> dict[str, Any]:
    return {"code": code, "message": message,
            "moreInfo": f"https://docs.example.com/errors/{code}"}


def responses() -> dict[str, Any]:
    def error(text: str, code: int) -> dict[str, Any]:
        return {"description": text, "content": {"application/json": {
            "schema": {"$ref": "schemas/common.yaml#/Error"},
            "example": error_example(code, text)}}}
    return {"BadRequest": error("The request is invalid.", 400),
            "NotFound": error("No such resource.", 404),
            "Error": error("An unexpected error.", 500)}


def resource_schemas(name: str, index: int) -> dict[str, Any]:
    """A resource's schemas; every third one carries a polymorphic `target`."""
    common = "common.yaml#/"
    props: dict[str, Any] = {
        "name": {"type": "string", "minLength": 1, "maxLength": 128},
        "status": {"$ref": common + "Status"},
        "region": {"$ref": common + "Region"},
        "tags": {"$ref": common + "Tags"},
        "note": {"type": "string", "nullable": True, "maxLength": 1600},
        "config": {"$ref": f"#/{name}Config"},
    }
    if index % 3 == 0:
        props["target"] = {"$ref": common + "Target"}
    return {
        name: {"allOf": [{"$ref": common + "Resource"}, {"$ref": f"#/{name}Properties"}]},
        f"{name}Properties": {"type": "object", "required": ["name", "status", "region"],
                              "properties": props},
        f"{name}Config": {"type": "object", "properties": {
            "retries": {"type": "integer", "format": "int32", "minimum": 0, "maximum": 10},
            "timeoutSeconds": {"type": "number", "minimum": 0, "exclusiveMinimum": True,
                               "maximum": 3600},
            "priority": {"type": "string", "enum": ["low", "normal", "high"]}}},
        f"{name}Create": {"type": "object", "required": ["name"], "additionalProperties": False,
                          "properties": {key: props[key] for key in props if key != "status"}},
        f"{name}Update": {"type": "object", "additionalProperties": False, "minProperties": 1,
                          "properties": {key: props[key] for key in ("name", "status", "tags",
                                                                      "note")}},
        f"{name}List": {"allOf": [{"$ref": common + "Page"}, {
            "type": "object", "required": ["items"],
            "properties": {"items": {"type": "array", "items": {"$ref": f"#/{name}"}}}}]},
    }


def hex_id(prefix: str, seed: int) -> str:
    return prefix + f"{(seed * 2654435761) % (1 << 128):032x}"


def example_record(name: str, index: int, n: int = 0) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": hex_id(name[:2].upper().ljust(2, "X"), index * 7 + n + 1),
        "createdAt": "2024-03-01T12:00:00Z", "updatedAt": None,
        "name": f"{name.lower()}-{n + 1}", "status": STATUSES[(index + n) % len(STATUSES)],
        "region": REGIONS[(index * 5 + n) % len(REGIONS)], "tags": {"team": "platform"},
        "note": None, "config": {"retries": 3, "timeoutSeconds": 30, "priority": "normal"},
    }
    if index % 3 == 0:
        record["target"] = {"kind": "sms", "to": "+15005550006"}
    return record


def json_content(ref: str, example: Any) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": ref}, "example": example}}


def path_items(service: str, segment: str, name: str, index: int) -> dict[str, Any]:
    """The collection and item path items of one resource (five operations)."""
    schemas = f"../schemas/{service}.yaml#/"
    params = "../parameters.yaml#/"
    errors = {"400": {"$ref": "../responses.yaml#/BadRequest"},
              "default": {"$ref": "../responses.yaml#/Error"}}
    missing = {**errors, "404": {"$ref": "../responses.yaml#/NotFound"}}
    record = example_record(name, index)
    listing = {"nextPageToken": None, "totalSize": 2,
               "items": [record, example_record(name, index, 1)]}
    create_example = {key: record[key] for key in ("name", "region", "tags")}
    op = f"{service}{camel(segment)}"
    collection = {
        "parameters": [{"$ref": params + "ProjectId"}],
        "get": {"operationId": f"list{camel(op)}", "tags": [service],
                "summary": f"List {segment}",
                "parameters": [{"$ref": params + key} for key in (
                    "PageSize", "PageToken", "Filter", "OrderBy", "Status", "Region",
                    "CreatedAfter", "Label", "RequestId")],
                "responses": {"200": {"description": "A page.", "content": json_content(
                    schemas + f"{name}List", listing)}, **errors}},
        "post": {"operationId": f"create{camel(op)}", "tags": [service],
                 "parameters": [{"$ref": params + "RequestId"}],
                 "requestBody": {"required": True, "content": {"application/json": {
                     "schema": {"$ref": schemas + f"{name}Create"},
                     "example": create_example}}},
                 "responses": {"201": {"description": "Created.",
                                       "content": json_content(schemas + name, record)},
                               **errors}},
    }
    item_id = {"name": f"{name[0].lower()}{name[1:]}Id", "in": "path", "required": True,
               "schema": {"$ref": "../schemas/common.yaml#/Id"}}
    item = {
        "parameters": [{"$ref": params + "ProjectId"}, item_id],
        "get": {"operationId": f"get{camel(op)}", "tags": [service],
                "responses": {"200": {"description": "The record.",
                                      "content": json_content(schemas + name, record)},
                              **missing}},
        "patch": {"operationId": f"update{camel(op)}", "tags": [service],
                  "requestBody": {"required": True, "content": {"application/json": {
                      "schema": {"$ref": schemas + f"{name}Update"}}}},
                  "responses": {"200": {"description": "Updated.",
                                        "content": json_content(schemas + name, record)},
                                **missing}},
        "delete": {"operationId": f"delete{camel(op)}", "tags": [service],
                   "responses": {"204": {"description": "Deleted."}, **missing}},
    }
    return {f"{name}Collection": collection, f"{name}Item": item}


OPERATIONS_PER_RESOURCE = ("get", "post", "get", "patch", "delete")


def build(operations: int) -> dict[str, dict[str, Any]]:
    """Every file of the document by its relative path, as data."""
    count = -(-operations // len(OPERATIONS_PER_RESOURCE))
    files: dict[str, dict[str, Any]] = {
        "parameters.yaml": parameters(), "responses.yaml": responses(),
        "schemas/common.yaml": common_schemas()}
    paths: dict[str, Any] = {}
    left = operations
    for index, (service, segment, name) in enumerate(resources(count)):
        files.setdefault(f"schemas/{service}.yaml", {}).update(resource_schemas(name, index))
        items = path_items(service, segment, name, index)
        _trim(items, left)
        left -= sum(len(_methods(item)) for item in items.values())
        paths_file = f"paths/{service}.yaml"
        files.setdefault(paths_file, {}).update(items)
        base = f"/v1/projects/{{projectId}}/{service}/{segment}"
        paths[base] = {"$ref": f"{paths_file}#/{name}Collection"}
        if _methods(items[f"{name}Item"]):
            param = items[f"{name}Item"]["parameters"][1]["name"]
            paths[f"{base}/{{{param}}}"] = {"$ref": f"{paths_file}#/{name}Item"}
    files["openapi.yaml"] = {
        "openapi": "3.0.3",
        "info": {"title": "Cloud Communications Platform (generated)", "version": "2024-03-01",
                 "description": f"{operations} operations over {count} resources in "
                                f"{len({s for s, _, _ in resources(count)})} services; written "
                                "by scripts/gen_large_openapi.py."},
        "servers": [{"url": "https://api.example.com"}],
        "tags": [{"name": service} for service in SERVICES],
        "paths": paths,
    }
    return files


def _methods(item: dict[str, Any]) -> list[str]:
    return [key for key in ("get", "post", "patch", "delete") if key in item]


def _trim(items: dict[str, Any], left: int) -> None:
    """Drop the last resource's operations beyond the count asked for (delete first)."""
    order = [(key, method) for key in items for method in _methods(items[key])]
    for key, method in reversed(order[left:] if left < len(order) else []):
        del items[key][method]


class _PlainDumper(yaml.SafeDumper):
    """Writes shared Python objects out in full each time: no YAML anchors or aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def write(files: dict[str, dict[str, Any]], out: Path) -> None:
    for relative, content in sorted(files.items()):
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml.dump(content, Dumper=_PlainDumper, sort_keys=False, width=100))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operations", type=int, default=659, help="operations to write")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    args = parser.parse_args()
    if args.operations < 1:
        parser.error("--operations must be at least 1")
    write(build(args.operations), args.out)
    print(f"wrote {args.out / 'openapi.yaml'} ({args.operations} operations)")


if __name__ == "__main__":
    main()
