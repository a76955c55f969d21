"""limit/offset pagination as the contract declares it (offset in records or in pages)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from specmock.core.problems import ApiError


@dataclass(frozen=True)
class PaginationSpec:
    """Root `x-specmock.pagination`, with defaults filled."""

    limit_param: str = "limit"
    limit_default: int = 100
    limit_minimum: int = 1
    limit_maximum: int | None = None
    limit_all: int | None = None
    """A limit value that asks for the whole list (e.g. 0), served up to `limit_all_maximum`
    records per answer (the rest through the `next` link), so it stays bounded."""
    limit_all_maximum: int = 10000
    offset_param: str = "offset"
    offset_unit: str = "records"
    dataset_param: str = "datasetid"
    dataset_ttl: int = 300
    dataset_max_sets: int = 1000
    dataset_max_bytes: int = 64 * 1024 * 1024
    dataset_property: str = "datasetid"
    datasets: bool = False

    @classmethod
    def from_contract(cls, spec: dict[str, Any] | None) -> PaginationSpec:
        """Read the root pagination object (absent keys take the documented defaults)."""
        spec = spec or {}
        limit, offset, dataset = (
            spec.get("limit", {}),
            spec.get("offset", {}),
            spec.get("dataset", {}),
        )
        return cls(
            limit_param=limit.get("param", "limit"),
            limit_default=limit.get("default", 100),
            limit_minimum=limit.get("minimum", 1),
            limit_maximum=limit.get("maximum"),
            limit_all=limit.get("all"),
            limit_all_maximum=limit.get("allMaximum", 10000),
            offset_param=offset.get("param", "offset"),
            offset_unit=offset.get("unit", "records"),
            dataset_param=dataset.get("param", "datasetid"),
            dataset_ttl=dataset.get("ttl", 300),
            dataset_max_sets=dataset.get("maxSets", 1000),
            dataset_max_bytes=dataset.get("maxBytes", 64 * 1024 * 1024),
            dataset_property=dataset.get("property", "datasetid"),
            datasets="dataset" in spec,
        )


@dataclass(frozen=True)
class Window:
    """The slice of a list one request asks for."""

    start: int
    limit: int
    offset: int


def window(spec: PaginationSpec, query: dict[str, Any]) -> Window:
    """Read limit and offset from the validated query; bounds violations answer 400."""
    limit = _integer(query, spec.limit_param, spec.limit_default)
    offset = _integer(query, spec.offset_param, 0)
    if spec.limit_all is not None and limit == spec.limit_all:
        limit = spec.limit_all_maximum
    elif limit < spec.limit_minimum or (
        spec.limit_maximum is not None and limit > spec.limit_maximum
    ):
        bound = (
            f"between {spec.limit_minimum} and {spec.limit_maximum}"
            if spec.limit_maximum
            else f"at least {spec.limit_minimum}"
        )
        raise _bad(spec.limit_param, f"{spec.limit_param} must be {bound}, got {limit}")
    if offset < 0:
        raise _bad(spec.offset_param, f"{spec.offset_param} must not be negative, got {offset}")
    start = offset * limit if spec.offset_unit == "pages" else offset
    return Window(start=start, limit=limit, offset=offset)


def _integer(query: dict[str, Any], name: str, default: int) -> int:
    value = query.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _bad(name, f"{name} must be an integer, got {value!r}") from None


def _bad(name: str, detail: str) -> ApiError:
    return ApiError("badRequest", detail, field=name, pointer=f"/query/{name}")
