"""Walking the operations of an OpenAPI document."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from specmock.contract.kinds import HTTP_METHODS
from specmock.contract.pointers import to_pointer

_PARAMETER = re.compile(r"\{([^{}/]+)\}")


@dataclass(frozen=True)
class OperationRef:
    """One operation: its path template, method (lower case), object and pointer."""

    template: str
    method: str
    operation: dict[str, Any]

    @property
    def pointer(self) -> str:
        """The JSON pointer of the operation object."""
        return to_pointer(("paths", self.template, self.method))

    @property
    def path_parameters(self) -> list[str]:
        """The names of the template's `{parameters}`, in order."""
        return _PARAMETER.findall(self.template)


def iter_operations(document: dict[str, Any]) -> Iterator[OperationRef]:
    """Every operation of the document's `paths` (malformed entries are skipped)."""
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return
    for template, item in paths.items():
        if not isinstance(item, dict):
            continue
        for method, operation in item.items():
            if method in HTTP_METHODS and isinstance(operation, dict):
                yield OperationRef(template, method, operation)
