"""Swagger 2.0 documents converted on load into the OpenAPI 3.0 document they describe.

Written here rather than taken from PyPI: the converter packages there either send the
document to an online conversion service (prance's `convert`) or are young one-maintainer
projects; the conversion is a bounded mapping, specified by the two versions' texts:

- `host`, `basePath`, `schemes` become `servers` (paths are served as written either way);
- `definitions`, `parameters`, `responses`, `securityDefinitions` move under `components`
  (and every `$ref` with them); a `body` parameter becomes the `requestBody`, with one media
  type per `consumes`; `formData` parameters become an urlencoded (or, with a `file`,
  multipart) body's properties;
- a response `schema`, `examples` and `headers` become `content` per `produces`, `example`s
  and header `schema`s; `collectionFormat` becomes `style`/`explode`;
- schema dialect: `type: file` is a binary string, `x-nullable` is `nullable`, a string
  `discriminator` is `{propertyName: ...}`.

`convert` also returns where each moved part was (`Moves`), so diagnostics about the converted
document are placed in the file as written.
"""

from __future__ import annotations

from typing import Any

from specmock.contract.pointers import Tokens

Moves = dict[Tokens, Tokens]
"""Tokens in the converted document -> tokens of the same part in the Swagger document."""

VERSION = "3.0.3"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
_SECTIONS = {"definitions": "schemas", "parameters": "parameters", "responses": "responses",
             "securityDefinitions": "securitySchemes"}
_REF_PREFIXES = {f"#/{old}/": f"#/components/{new}/" for old, new in _SECTIONS.items()}
_PARAMETER_SCHEMA_KEYS = ("type", "format", "items", "enum", "default", "minimum", "maximum",
                          "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
                          "pattern", "minItems", "maxItems", "uniqueItems", "multipleOf")
_STYLES = {"csv": ("form", False), "ssv": ("spaceDelimited", False),
           "pipes": ("pipeDelimited", False), "multi": ("form", True), "tsv": ("form", False)}
_FLOWS = {"implicit": "implicit", "password": "password", "application": "clientCredentials",
          "accessCode": "authorizationCode"}


def is_swagger(document: Any) -> bool:
    """Whether a parsed document is a Swagger 2.0 one."""
    return isinstance(document, dict) and str(document.get("swagger", "")).startswith("2.")


def convert(swagger: dict[str, Any]) -> tuple[dict[str, Any], Moves]:
    """The OpenAPI 3.0 document a Swagger 2.0 document describes, and where its parts were."""
    return _Converter(swagger).run()


class _Converter:
    def __init__(self, swagger: dict[str, Any]) -> None:
        self.doc = swagger
        self.moves: Moves = {}
        self.consumes = _media_list(swagger.get("consumes"), "application/json")
        self.produces = _media_list(swagger.get("produces"), "application/json")
        self.shared_parameters = _dict(swagger.get("parameters"))

    def run(self) -> tuple[dict[str, Any], Moves]:
        out: dict[str, Any] = {"openapi": VERSION}
        for key, value in self.doc.items():
            if key in ("swagger", "host", "basePath", "schemes", "consumes", "produces", "paths",
                       *_SECTIONS):
                continue
            out[key] = value
        out["servers"] = self.servers()
        out["paths"] = {template: self.path_item(template, _dict(item))
                        for template, item in _dict(self.doc.get("paths")).items()}
        components = self.components()
        if components:
            out["components"] = components
        return _rewrite_refs(out), self.moves

    def servers(self) -> list[dict[str, str]]:
        base = str(self.doc.get("basePath") or "")
        host = self.doc.get("host")
        if not host:
            return [{"url": base or "/"}]
        schemes = self.doc.get("schemes") or ["https"]
        return [{"url": f"{scheme}://{host}{base}"} for scheme in schemes]

    def components(self) -> dict[str, Any]:
        components: dict[str, Any] = {}
        for old, new in _SECTIONS.items():
            section = _dict(self.doc.get(old))
            if not section:
                continue
            self.moves[("components", new)] = (old,)
            if old == "definitions":
                components[new] = {k: _schema(v) for k, v in section.items()}
            elif old == "parameters":
                kept = {k: self.parameter(v) for k, v in section.items()
                        if v.get("in") not in ("body", "formData")}
                if kept:
                    components[new] = kept
            elif old == "responses":
                components[new] = {k: self.response(v, self.produces) for k, v in section.items()}
            else:
                components[new] = {k: _security_scheme(v) for k, v in section.items()}
        return components

    def path_item(self, template: str, item: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        shared = [self.resolved(p) for p in item.get("parameters") or []]
        for key, value in item.items():
            if key == "parameters":
                kept = [self.parameter(p) for p, r in zip(item[key], shared, strict=True)
                        if r.get("in") not in ("body", "formData")]
                if kept:
                    out[key] = kept
            elif key in METHODS and isinstance(value, dict):
                out[key] = self.operation(("paths", template, key), value, shared)
            else:
                out[key] = value
        return out

    def operation(self, where: Tokens, operation: dict[str, Any],
                  shared: list[dict[str, Any]]) -> dict[str, Any]:
        consumes = _media_list(operation.get("consumes"), *self.consumes)
        produces = _media_list(operation.get("produces"), *self.produces)
        out: dict[str, Any] = {}
        raw = list(operation.get("parameters") or [])
        own = [self.resolved(p) for p in raw]
        body = [(i, p) for i, p in enumerate(own) if p.get("in") in ("body", "formData")]
        body += [(-1, p) for p in shared if p.get("in") in ("body", "formData")
                 and not any(q.get("name") == p.get("name") for q in own)]
        for key, value in operation.items():
            if key in ("consumes", "produces", "schemes"):
                continue
            if key == "parameters":
                kept: list[dict[str, Any]] = []
                for index, (written, resolved) in enumerate(zip(raw, own, strict=True)):
                    if resolved.get("in") in ("body", "formData"):
                        continue
                    self.moves[(*where, "parameters", str(len(kept)))] = (
                        *where, "parameters", str(index))
                    kept.append(self.parameter(written))
                if kept:
                    out[key] = kept
            elif key == "responses":
                out[key] = {status: self.response(r, produces)
                            for status, r in _dict(value).items()}
                for status, response in _dict(value).items():
                    for media in produces if isinstance(response, dict) else ():
                        self.moves[(*where, "responses", status, "content", media, "schema")] = (
                            *where, "responses", status, "schema")
            else:
                out[key] = value
        if body:
            out["requestBody"] = self.request_body(body, consumes)
            first = body[0][0]
            if first >= 0:
                self.moves[(*where, "requestBody")] = (*where, "parameters", str(first))
        return out

    def resolved(self, parameter: Any) -> dict[str, Any]:
        """A parameter, or the shared one its `#/parameters/...` reference names."""
        if isinstance(parameter, dict) and isinstance(parameter.get("$ref"), str):
            name = parameter["$ref"].rpartition("/")[2]
            if parameter["$ref"].startswith("#/parameters/"):
                return _dict(self.shared_parameters.get(name))
        return _dict(parameter)

    def parameter(self, parameter: Any) -> dict[str, Any]:
        if not isinstance(parameter, dict) or "$ref" in parameter:
            return _dict(parameter) if isinstance(parameter, dict) else {}
        out = {k: v for k, v in parameter.items()
               if k not in _PARAMETER_SCHEMA_KEYS and k not in ("collectionFormat",
                                                                "allowEmptyValue")}
        out["schema"] = _parameter_schema(parameter)
        if parameter.get("in") == "path":
            out["required"] = True
        fmt = parameter.get("collectionFormat")
        if parameter.get("type") == "array":
            style, explode = _STYLES.get(str(fmt or "csv"), ("form", False))
            if parameter.get("in") in ("path", "header"):
                style = "simple"
            out["style"], out["explode"] = style, explode
        return out

    def request_body(self, body: list[tuple[int, dict[str, Any]]],
                     consumes: list[str]) -> dict[str, Any]:
        params = [p for _, p in body]
        payload = next((p for p in params if p.get("in") == "body"), None)
        if payload is not None:
            out: dict[str, Any] = {"content": {m: {"schema": _schema(payload.get("schema", {}))}
                                               for m in consumes}}
            if payload.get("description"):
                out["description"] = payload["description"]
            if payload.get("required"):
                out["required"] = True
            return out
        files = any(p.get("type") == "file" for p in params)
        media = ("multipart/form-data" if files or "multipart/form-data" in consumes
                 else "application/x-www-form-urlencoded")
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {str(p.get("name")): _parameter_schema(p) for p in params},
        }
        required = [str(p.get("name")) for p in params if p.get("required")]
        if required:
            schema["required"] = required
        return {"content": {media: {"schema": schema}}, "required": bool(required)}

    def response(self, response: Any, produces: list[str]) -> dict[str, Any]:
        if not isinstance(response, dict) or "$ref" in response:
            return _dict(response)
        out = {k: v for k, v in response.items() if k not in ("schema", "examples", "headers")}
        out.setdefault("description", "")
        examples = _dict(response.get("examples"))
        if "schema" in response:
            schema = _schema(response["schema"])
            content: dict[str, Any] = {}
            for media in produces:
                content[media] = {"schema": schema}
                if media in examples:
                    content[media]["example"] = examples[media]
            out["content"] = content
        if "headers" in response:
            out["headers"] = {name: _header(h) for name, h in _dict(response["headers"]).items()}
        return out


def finish(document: dict[str, Any]) -> dict[str, Any]:
    """The bundled conversion with the Swagger-shaped parameters other files held (a `$ref` to
    `parameters.yaml#/limit` is bundled as written: `type` and all, no `schema`) converted too."""
    converter = _Converter({})
    components = _dict(document.get("components"))
    for name, parameter in _dict(components.get("parameters")).items():
        if _swagger_shaped(parameter):
            components["parameters"][name] = converter.parameter(parameter)
    for item in _dict(document.get("paths")).values():
        for node in [item, *(op for m, op in _dict(item).items() if m in METHODS)]:
            parameters = node.get("parameters") if isinstance(node, dict) else None
            if isinstance(parameters, list):
                node["parameters"] = [converter.parameter(p) if _swagger_shaped(p) else p
                                      for p in parameters]
    return document


def _swagger_shaped(parameter: Any) -> bool:
    return (isinstance(parameter, dict) and "in" in parameter and "schema" not in parameter
            and "content" not in parameter and "$ref" not in parameter)


def _header(header: Any) -> dict[str, Any]:
    header = _dict(header)
    out = {k: v for k, v in header.items() if k not in _PARAMETER_SCHEMA_KEYS
           and k != "collectionFormat"}
    out["schema"] = _parameter_schema(header)
    return out


def _parameter_schema(parameter: dict[str, Any]) -> dict[str, Any]:
    return _dict(_schema({k: v for k, v in parameter.items() if k in _PARAMETER_SCHEMA_KEYS}))


def _schema(schema: Any) -> Any:
    """A Swagger schema in OpenAPI 3.0's dialect (recursively; data such as `example`, `enum`
    and `default` kept as written)."""
    if isinstance(schema, list):
        return [_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("example", "enum", "default", "x-example"):
            out[key] = value
        elif key == "x-nullable":
            out["nullable"] = bool(value)
        elif key == "type" and value == "file":
            out["type"], out["format"] = "string", "binary"
        elif key == "discriminator" and isinstance(value, str):
            out[key] = {"propertyName": value}
        elif key == "properties" and isinstance(value, dict):
            out[key] = {name: _schema(sub) for name, sub in value.items()}
        else:
            out[key] = _schema(value)
    return out


def _security_scheme(scheme: Any) -> dict[str, Any]:
    scheme = _dict(scheme)
    kind = scheme.get("type")
    extras = {k: v for k, v in scheme.items() if k == "description" or k.startswith("x-")}
    if kind == "basic":
        return {"type": "http", "scheme": "basic", **extras}
    if kind == "oauth2":
        flow: dict[str, Any] = {"scopes": _dict(scheme.get("scopes"))}
        for key in ("authorizationUrl", "tokenUrl"):
            if key in scheme:
                flow[key] = scheme[key]
        name = _FLOWS.get(str(scheme.get("flow")), "implicit")
        return {"type": "oauth2", "flows": {name: flow}, **extras}
    return dict(scheme)


def _rewrite_refs(node: Any) -> Any:
    """Every `$ref` to a moved section pointed at its new place."""
    if isinstance(node, list):
        return [_rewrite_refs(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            for old, new in _REF_PREFIXES.items():
                if value.startswith(old):
                    value = new + value[len(old):]
                    break
        out[key] = _rewrite_refs(value)
    return out


def _media_list(given: Any, *default: str) -> list[str]:
    if isinstance(given, list) and given:
        return [str(m) for m in given]
    return list(default) or ["application/json"]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
