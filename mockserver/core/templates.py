"""Rendering the contract's body templates (error shapes, token responses, partitions)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_WHOLE = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_]*)\}$")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def render_template(template: Any, values: Mapping[str, Any]) -> Any:
    """Fill a template: `"{name}"` alone keeps the value's type; other strings are formatted.

    Unknown placeholders render as empty strings rather than failing: a template is contract
    data, and a missing value must not turn an error answer into a crash.
    """
    if isinstance(template, str):
        whole = _WHOLE.match(template)
        if whole:
            return values.get(whole.group(1), "")
        return _format(template, values)
    if isinstance(template, Mapping):
        return {_format(str(k), values): render_template(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [render_template(item, values) for item in template]
    return template


def _format(text: str, values: Mapping[str, Any]) -> str:
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), text)
