"""Routing compiled from the contract's path templates.

Paths are split into segments and matched segment by segment: a literal segment beats a
templated one at the same position (OpenAPI: "concrete paths are matched before their templated
counterparts"), with backtracking, so `/aliquots/verifyAction` wins over `/aliquots/{id}`.
No regex per route and no rewriting into a web framework's syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote

_PARAM = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True, slots=True)
class RouteMatch:
    """A request path matched to a contract path template, with decoded path parameters."""

    template: str
    params: dict[str, str]


@dataclass(frozen=True, slots=True)
class Redirect:
    """The request path differs from a contract path only by its trailing slash."""

    location: str
    template: str


@dataclass(slots=True)
class _Node:
    literal: dict[str, _Node] = field(default_factory=dict)
    templated: list[tuple[re.Pattern[str], tuple[str, ...], _Node]] = field(default_factory=list)
    template: str | None = None


def _segment_pattern(segment: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """`{id}` -> one whole segment; `{id}.json` -> a partial template."""
    names = tuple(_PARAM.findall(segment))
    parts = _PARAM.split(segment)
    regex = "".join(
        f"(?P<p{index // 2}>[^/]+?)" if index % 2 else re.escape(part)
        for index, part in enumerate(parts)
    )
    return re.compile(f"^{regex}$"), names


class Router:
    """Finds the contract path template for a request path.

    `trailing_slash` is the contract's policy for a path that differs from a template only by a
    trailing slash: `strict` (no match), `redirect` (a `Redirect` to the template's spelling) or
    `lenient` (matched as if spelled like the template).
    """

    def __init__(self, templates: Iterable[str], trailing_slash: str = "strict") -> None:
        self._root = _Node()
        self._trailing_slash = trailing_slash
        for template in templates:
            self._add(template)

    def _add(self, template: str) -> None:
        node = self._root
        for segment in template.split("/")[1:]:
            if "{" in segment:
                pattern, names = _segment_pattern(segment)
                # Keyed by the names too: `/apps/{id}` and `/apps/{app_id}/logs` (as public
                # descriptions write them) each get their own parameter's name.
                child = next((n for p, known, n in node.templated
                              if p.pattern == pattern.pattern and known == names), None)
                if child is None:
                    child = _Node()
                    node.templated.append((pattern, names, child))
                node = child
            else:
                node = node.literal.setdefault(segment, _Node())
        node.template = template

    def match(self, path: str) -> RouteMatch | Redirect | None:
        """The route for `path` (raw, percent-encoded), a redirect, or None."""
        found = self._find(path)
        if found is not None or self._trailing_slash == "strict" or path == "/":
            return found
        alternative = path[:-1] if path.endswith("/") else path + "/"
        other = self._find(alternative)
        if other is None:
            return None
        if self._trailing_slash == "redirect":
            return Redirect(location=alternative, template=other.template)
        return other

    def _find(self, path: str) -> RouteMatch | None:
        segments = path.split("/")[1:]
        params: dict[str, str] = {}
        template = self._walk(self._root, segments, 0, params)
        return None if template is None else RouteMatch(template, params)

    def _walk(
        self, node: _Node, segments: list[str], index: int, params: dict[str, str]
    ) -> str | None:
        if index == len(segments):
            return node.template
        segment = segments[index]
        child = node.literal.get(unquote(segment))
        if child is not None:
            found = self._walk(child, segments, index + 1, params)
            if found is not None:
                return found
        for pattern, names, templated_child in node.templated:
            matched = pattern.match(segment)
            if matched is None or segment == "":
                continue
            values = {name: unquote(matched.group(f"p{i}")) for i, name in enumerate(names)}
            found = self._walk(templated_child, segments, index + 1, params)
            if found is not None:
                params.update(values)
                return found
        return None
