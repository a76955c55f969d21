"""Where each collection's records and lists live, found from the contract's operations."""

from __future__ import annotations

from urllib.parse import quote

from specmock.behaviours.store import RecordId


class ResourcePaths:
    """Builds the path of a record or a list of a collection (for Location, self links, hrefs)."""

    def __init__(self) -> None:
        self._detail: dict[str, tuple[str, str]] = {}
        self._list: dict[str, str] = {}

    def add_detail(self, collection: str, template: str, param: str) -> None:
        """Declare `template` (with `{param}`) as the path of one record; the first one wins."""
        self._detail.setdefault(collection, (template, param))

    def add_list(self, collection: str, template: str) -> None:
        """Declare `template` (without parameters) as the path of the collection's list."""
        if "{" not in template:
            self._list.setdefault(collection, template)

    def detail_template(self, collection: str) -> str | None:
        """The record path template of a collection, if it has one."""
        found = self._detail.get(collection)
        return found[0] if found else None

    def record(self, collection: str, record_id: RecordId) -> str | None:
        """The path of one record, or None when the contract has no detail operation."""
        found = self._detail.get(collection)
        if found is None:
            return None
        template, param = found
        # An integer id needs no quoting (the usual case, and a page builds ten of these).
        text = str(record_id) if type(record_id) is int else quote(str(record_id), safe="")
        return template.replace("{" + param + "}", text)

    def listing(self, collection: str) -> str | None:
        """The path of the collection's list, or None."""
        return self._list.get(collection)
