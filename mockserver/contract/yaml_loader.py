"""YAML loading without YAML 1.1 surprises.

PyYAML implements YAML 1.1, where `on`, `off`, `yes` and `no` are booleans, `2024-06-16` is a
date, `200:` is an integer key, `010` is eight and `10:30` is 630. Contracts are YAML 1.2 and
JSON-shaped, so this loader resolves plain scalars with the YAML 1.2 core schema: only
`true`/`false` (any case) are booleans, timestamps stay strings, integers are decimal (`0o17` and
`0x1F` for octal and hex), `1e5` is a float, and every mapping key is a string (its source text).
This follows schemathesis's `get_yaml_loader` (src/schemathesis/core/deserialization.py) and adds
the detection of duplicate keys, which PyYAML silently resolves to the last one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_VALUE_TAG = "tag:yaml.org,2002:value"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_REPLACED_TAGS = (_BOOL_TAG, _INT_TAG, _FLOAT_TAG, _TIMESTAMP_TAG, _VALUE_TAG)

# The YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
BOOL_12 = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
INT_12 = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
FLOAT_12 = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


# How many nodes aliases may add to a document beyond those written in it. A real contract uses
# a few aliases, if any; ten lines of nested aliases (a "billion laughs") would otherwise expand
# to hundreds of millions of nodes when the document is walked.
ALIAS_EXPANSION_BUDGET = 100_000
# An alias is `*name` after a blank, a flow indicator or the start of a line; anything else with
# a `*` (media ranges, Markdown) costs one extra walk of the node graph, never a wrong answer.
_MAY_HOLD_ALIAS = re.compile(rb"(?:^|[\s\[{,:-])\*[^\s,\]}]")


@dataclass(frozen=True)
class DuplicateKey:
    """A key written twice in one mapping (1-based line and column of the second one)."""

    key: str
    line: int
    column: int


class ContractLoader(_BaseLoader):
    """A safe loader for JSON-shaped YAML 1.2 documents (see the module docstring)."""

    def __init__(self, stream: str | bytes) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[DuplicateKey] = []
        raw = stream.encode() if isinstance(stream, str) else stream
        self._may_hold_alias = _MAY_HOLD_ALIAS.search(raw) is not None

    def get_single_data(self) -> Any:
        """The document's data, once its aliases are known to expand within budget."""
        node = self.get_single_node()
        if node is None:
            return None
        if self._may_hold_alias:
            _check_alias_expansion(node)
        return self.construct_document(node)

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        """A dict whose keys are the keys' source text: `200:` and `on:` give "200" and "on"."""
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"expected a mapping node, but found {type(node).__name__}",
                node.start_mark,
            )
        self._note_duplicates(node)
        self.flatten_mapping(node)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            mapping[_key(node, key_node)] = self.construct_object(value_node, deep=deep)
        return mapping

    def _note_duplicates(self, node: yaml.MappingNode) -> None:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue  # keys merged in with `<<` may legitimately be overridden
            key = _key(node, key_node)
            if key in seen:
                mark = key_node.start_mark
                self.duplicate_keys.append(DuplicateKey(key, mark.line + 1, mark.column + 1))
            seen.add(key)


def _check_alias_expansion(root: yaml.Node) -> None:
    """Raise a marked YAML error when aliases make the document much larger than written.

    Each node's expanded size is computed once (aliases share their node), so this walk is
    linear in the nodes written, however far they would expand.
    """
    written = _children_first(root)
    limit = len(written) + ALIAS_EXPANSION_BUDGET
    sizes: dict[int, int] = {}
    for node in written:
        size = 1
        for child in _children(node):
            if id(child) not in sizes:  # still being walked: an alias inside its own anchor
                raise _alias_error(node, "an alias refers to the node that contains it")
            size += sizes[id(child)]
        if size > limit:
            raise _alias_error(node, f"aliases expand this document beyond {limit} nodes (it "
                                     f"has {len(written)}); write the repeated part once and "
                                     "$ref it instead")
        sizes[id(node)] = size


def _alias_error(node: yaml.Node, problem: str) -> yaml.MarkedYAMLError:
    return yaml.constructor.ConstructorError(None, None, problem, node.start_mark)


def _children_first(root: yaml.Node) -> list[yaml.Node]:
    """Every node reachable from `root` once, each after all of its children (post-order)."""
    seen: set[int] = set()
    order: list[yaml.Node] = []
    pending: list[tuple[yaml.Node, bool]] = [(root, False)]
    while pending:
        node, children_done = pending.pop()
        if children_done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        pending.append((node, True))
        pending.extend((child, False) for child in _children(node) if id(child) not in seen)
    return order


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _key(mapping: yaml.MappingNode, key_node: yaml.Node) -> str:
    if not isinstance(key_node, yaml.ScalarNode):
        raise yaml.constructor.ConstructorError(
            "while constructing a mapping",
            mapping.start_mark,
            "found a non-scalar key (every key must be a string)",
            key_node.start_mark,
        )
    return str(key_node.value)


def _construct_int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    """YAML 1.2 integers: decimal (leading zeros allowed), `0o` octal, `0x` hexadecimal."""
    assert isinstance(node, yaml.ScalarNode)
    text = str(loader.construct_scalar(node))
    try:
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text, 10)
    except ValueError:
        raise yaml.constructor.ConstructorError(
            None, None, f"{text!r} is not a YAML 1.2 integer", node.start_mark
        ) from None


def _construct_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    """`!!binary` and `!!timestamp` values stay the text written in the document."""
    assert isinstance(node, yaml.ScalarNode)
    return str(loader.construct_scalar(node))


def _configure(cls: type[ContractLoader]) -> None:
    cls.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in _REPLACED_TAGS]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }
    cls.add_implicit_resolver(_BOOL_TAG, BOOL_12, list("tTfF"))
    cls.add_implicit_resolver(_INT_TAG, INT_12, list("-+0123456789"))
    cls.add_implicit_resolver(_FLOAT_TAG, FLOAT_12, list("-+0123456789."))
    cls.add_constructor(_INT_TAG, _construct_int)
    cls.add_constructor("tag:yaml.org,2002:binary", _construct_text)
    cls.add_constructor(_TIMESTAMP_TAG, _construct_text)


@lru_cache(maxsize=1)
def get_yaml_loader() -> type[ContractLoader]:
    """The loader class: a SafeLoader (libyaml-backed when available) tuned for contracts."""
    _configure(ContractLoader)
    return ContractLoader


def parse_yaml(text: str | bytes) -> tuple[Any, list[DuplicateKey]]:
    """The single document in `text` and the keys it repeats.

    Raises `yaml.YAMLError` on a syntax error (callers turn it into a diagnostic).
    """
    loader = get_yaml_loader()(text)
    try:
        return loader.get_single_data(), loader.duplicate_keys
    finally:
        loader.dispose()


def load_yaml(text: str | bytes) -> Any:
    """The single document in `text`, read the contract way. Raises `yaml.YAMLError`."""
    return parse_yaml(text)[0]
