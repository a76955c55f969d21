"""XML bodies, both ways, shaped by the schema's OpenAPI `xml` hints.

Writing (`write_xml`): a JSON value becomes an XML document. Element names come from `xml.name`,
else the property name (the root: else the name of the component the schema was referenced by);
`attribute` properties become attributes of their parent; arrays repeat their items in place
unless `wrapped`; `prefix` and `namespace` are declared where they are first used.

Reading (`read_xml`): an XML document becomes the JSON value the schema describes, by the same
hints read backwards, so the request validator checks it like any JSON body and violations
carry JSON pointers (/body/tags/0). Element text is typed as the schema declares (the same
coercion as form fields and parameters); an element the schema does not name is kept as text
(or an object of its children), so `additionalProperties: false` still catches it. Names are
matched by local name: namespaces are written, but not checked on the way in.

Parsing is defusedxml's: no DTD, no entity declarations, no external references, so a billion
laughs or an XXE document is refused before anything is expanded.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import orjson
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from specmock.core.limits import MAX_JSON_MEMBERS
from specmock.engine.bodies import BodyParseError
from specmock.engine.coercion import coerce_text, shape_of
from specmock.engine.schemas_util import resolve_ref

# How deep a schema (or, where the schema says nothing, a document) is followed.
_MAX_DEPTH = 64
_DEFAULT_ROOT = "root"
_DEFAULT_ITEM = "item"
_NAME_START = re.compile(r"[A-Za-z_]")
_NAME_REST = re.compile(r"[^A-Za-z0-9_.\-]")


@dataclass(frozen=True, slots=True)
class _Node:
    """A schema with its refs followed, its `xml` hints and the component name it came by."""

    schema: dict[str, Any]
    hints: dict[str, Any]
    ref_name: str | None

    @property
    def kind(self) -> str:
        """object, array or scalar."""
        declared = self.schema.get("type")
        types = {declared} if isinstance(declared, str) else set(declared or ())
        if "array" in types or "items" in self.schema:
            return "array"
        if "object" in types or _properties_of(self.schema):
            return "object"
        if not types and any(k in self.schema for k in ("allOf", "oneOf", "anyOf")):
            return "object" if _branch_properties(self.schema) else "scalar"
        return "scalar"

    def name(self, fallback: str) -> str:
        """The element or attribute name the hints give, else `fallback`."""
        return str(self.hints.get("name") or fallback)


def _node(document: dict[str, Any], schema: Any, depth: int = 0) -> _Node:
    """Follow `$ref`s, keeping the first `xml` object met and the last component name."""
    hints: dict[str, Any] | None = None
    ref_name: str | None = None
    current = schema
    for _ in range(_MAX_DEPTH):
        if not isinstance(current, dict):
            break
        if hints is None and isinstance(current.get("xml"), dict):
            hints = current["xml"]
        ref = current.get("$ref")
        if not isinstance(ref, str):
            break
        ref_name = ref.rsplit("/", 1)[-1] or ref_name
        current = resolve_ref(document, {"$ref": ref})
    resolved = current if isinstance(current, dict) else {}
    if hints is None and isinstance(resolved.get("xml"), dict):
        hints = resolved["xml"]
    return _Node(resolved, hints or {}, ref_name)


def _properties_of(schema: dict[str, Any]) -> dict[str, Any]:
    own = schema.get("properties")
    return own if isinstance(own, dict) else {}


def _branch_properties(schema: dict[str, Any]) -> bool:
    return any(isinstance(b, dict) and (_properties_of(b) or "$ref" in b)
               for key in ("allOf", "oneOf", "anyOf") for b in schema.get(key, []) or [])


def _all_properties(document: dict[str, Any], schema: dict[str, Any],
                    depth: int = 0) -> dict[str, Any]:
    """Every property an object schema may have: its own and its allOf/oneOf/anyOf branches'
    (the first schema given for a name wins)."""
    found: dict[str, Any] = {}
    if depth > _MAX_DEPTH:
        return found
    for key in ("allOf", "oneOf", "anyOf"):
        for branch in schema.get(key, []) or []:
            inner = _node(document, branch).schema
            for name, prop in _all_properties(document, inner, depth + 1).items():
                found.setdefault(name, prop)
    merged = dict(_properties_of(schema))
    for name, prop in found.items():
        merged.setdefault(name, prop)
    return merged


def _extra_schema(schema: dict[str, Any]) -> Any:
    extra = schema.get("additionalProperties")
    return extra if isinstance(extra, dict) else {}


def _xml_name(name: str) -> str:
    """A JSON member name as an XML name (a free-form object's keys may be anything)."""
    cleaned = _NAME_REST.sub("_", name)
    if not cleaned or not _NAME_START.match(cleaned):
        cleaned = "_" + cleaned
    return cleaned


def _local(tag: str) -> str:
    """`{namespace}local` -> local."""
    return tag.rsplit("}", 1)[-1]


# --- writing -------------------------------------------------------------------------------------

def write_xml(value: Any, schema: Any, document: dict[str, Any]) -> bytes:
    """`value` as an XML document (UTF-8, with a declaration) shaped by `schema`'s hints."""
    node = _node(document, schema)
    writer = _Writer(document)
    if node.kind == "array" and isinstance(value, list):
        root = ET.Element(node.name(node.ref_name or _DEFAULT_ROOT))
        writer.namespace(root, node.hints, {})
        item = _node(document, node.schema.get("items", {}))
        for entry in value:
            root.append(writer.element(item.name(item.ref_name or _DEFAULT_ITEM), entry, item,
                                       {}, 1))
    else:
        root = writer.element(node.name(node.ref_name or _DEFAULT_ROOT), value, node, {}, 0)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


class _Writer:
    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document

    def namespace(self, element: ET.Element, hints: dict[str, Any],
                  declared: dict[str, str]) -> dict[str, str]:
        """Prefix the element's tag and declare its namespace where no ancestor has.
        Returns the declarations in force below it."""
        prefix, uri = hints.get("prefix"), hints.get("namespace")
        if prefix:
            element.tag = f"{prefix}:{element.tag}"
        if not uri:
            return declared
        key = f"xmlns:{prefix}" if prefix else "xmlns"
        if declared.get(key) == uri:
            return declared
        element.set(key, str(uri))
        return {**declared, key: str(uri)}

    def element(self, name: str, value: Any, node: _Node, declared: dict[str, str],
                depth: int) -> ET.Element:
        element = ET.Element(name)
        declared = self.namespace(element, node.hints, declared)
        if depth > _MAX_DEPTH:
            element.text = _scalar_text(value)
        elif isinstance(value, dict):
            self._members(element, value, node, declared, depth)
        elif isinstance(value, list):
            items = _node(self._document, node.schema.get("items", {}))
            for entry in value:
                element.append(self.element(items.name(items.ref_name or _DEFAULT_ITEM), entry,
                                            items, declared, depth + 1))
        else:
            element.text = _scalar_text(value)
        return element

    def _members(self, element: ET.Element, value: dict[str, Any], node: _Node,
                 declared: dict[str, str], depth: int) -> None:
        properties = _all_properties(self._document, node.schema)
        extra = _extra_schema(node.schema)
        for key, member in value.items():
            prop = _node(self._document, properties.get(key, extra))
            name = prop.name(key if key in properties else _xml_name(key))
            if prop.hints.get("attribute") and not isinstance(member, (dict, list)):
                prefix = prop.hints.get("prefix")
                element.set(f"{prefix}:{name}" if prefix else name, _scalar_text(member))
            elif isinstance(member, list) and prop.kind != "scalar":
                self._array(element, name, member, prop, declared, depth)
            else:
                element.append(self.element(name, member, prop, declared, depth + 1))

    def _array(self, parent: ET.Element, name: str, items: list[Any], prop: _Node,
               declared: dict[str, str], depth: int) -> None:
        item = _node(self._document, prop.schema.get("items", {}))
        if prop.hints.get("wrapped"):
            wrapper = ET.SubElement(parent, name)
            inner = self.namespace(wrapper, prop.hints, declared)
            for entry in items:
                wrapper.append(self.element(item.name(name), entry, item, inner, depth + 2))
            return
        # Unwrapped: the items stand in the parent, named by the items' hints, else the property.
        for entry in items:
            parent.append(self.element(item.name(name), entry, item, declared, depth + 1))


def _scalar_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return orjson.dumps(value).decode()
    return str(value)


# --- reading -------------------------------------------------------------------------------------

def read_xml(data: bytes, schema: Any, document: dict[str, Any]) -> Any:
    """An XML document as the JSON value `schema` describes. Raises `BodyParseError` for a
    document that is not well-formed XML, declares a DTD or entities, or is too large."""
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise BodyParseError("The XML body declares a DTD or entities, which are refused "
                             "(entity expansion is off); send the document without them.") from None
    except ET.ParseError as error:
        line, column = error.position
        reason = str(error).split(":", 1)[0]
        raise BodyParseError(f"Malformed XML at line {line} column {column + 1}: "
                             f"{reason}.") from None
    count = sum(1 for _ in root.iter())
    if count > MAX_JSON_MEMBERS:
        raise BodyParseError(f"The XML body holds more than {MAX_JSON_MEMBERS} elements; "
                             "send fewer.")
    return _Reader(document).value(root, _node(document, schema), 0)


class _Reader:
    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document

    def value(self, element: ET.Element, node: _Node, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            return element.text or ""
        kind = node.kind
        if kind != "scalar" and _only_text(element):
            # Text where the schema wants structure (`<tags>null</tags>`): kept as text, for
            # the schema check to report, rather than read as an empty object or list.
            return str(element.text).strip()
        if kind == "object":
            return self._object(element, node, depth)
        if kind == "array":
            item = _node(self._document, node.schema.get("items", {}))
            return [self.value(child, item, depth + 1) for child in element]
        if not node.schema and len(element):
            return self._free(element, depth)
        return coerce_text(element.text or "", shape_of(node.schema, self._document))

    def _object(self, element: ET.Element, node: _Node, depth: int) -> dict[str, Any]:
        properties = _all_properties(self._document, node.schema)
        out: dict[str, Any] = {}
        used: set[int] = set()
        for key, raw in properties.items():
            prop = _node(self._document, raw)
            name = prop.name(key)
            if prop.hints.get("attribute"):
                text = _attribute(element, name)
                if text is not None:
                    out[key] = coerce_text(text, shape_of(prop.schema, self._document))
                continue
            found = self._member(element, name, prop, used, depth)
            if found is not _ABSENT:
                out[key] = found
        extra = _node(self._document, _extra_schema(node.schema))
        for index, child in enumerate(element):
            if index in used:
                continue
            name = _local(child.tag)
            value = self.value(child, extra, depth + 1)
            if name in out:
                previous = out[name]
                out[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
            else:
                out[name] = value
        return out

    def _member(self, element: ET.Element, name: str, prop: _Node, used: set[int],
                depth: int) -> Any:
        children = list(element)
        if prop.kind == "array":
            item = _node(self._document, prop.schema.get("items", {}))
            if prop.hints.get("wrapped"):
                index = next((i for i, c in enumerate(children) if _local(c.tag) == name), None)
                if index is None:
                    return _ABSENT
                used.add(index)
                return self.value(children[index], prop, depth + 1)
            item_name = item.name(name)
            indices = [i for i, c in enumerate(children) if _local(c.tag) == item_name]
            if not indices:
                return _ABSENT
            used.update(indices)
            return [self.value(children[i], item, depth + 1) for i in indices]
        for index, child in enumerate(children):
            if index not in used and _local(child.tag) == name:
                used.add(index)
                return self.value(child, prop, depth + 1)
        return _ABSENT

    def _free(self, element: ET.Element, depth: int) -> Any:
        """An element the schema says nothing about: its children as an object."""
        return self._object(element, _Node({}, {}, None), depth)


_ABSENT: Any = object()


def _only_text(element: ET.Element) -> bool:
    """An element with text but neither children nor attributes."""
    return bool(element.text and element.text.strip()) and not len(element) and not element.attrib


def _attribute(element: ET.Element, name: str) -> str | None:
    for key, value in element.attrib.items():
        if _local(key) == name or key.split(":", 1)[-1] == name:
            return str(value)
    return None
