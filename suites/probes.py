"""Requests that reach an operation, built from the contract's examples.

Checks that are about authentication only need a request the operation would otherwise route
and accept: path and required query parameters from their examples, a JSON body from the
request example. (A protected operation must refuse a bad token whatever else is sent.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests

from specmock.suites_support import ContractModel, Operation
from specmock_suites.client import AUTO, ApiClient, Auth


@dataclass(frozen=True)
class Probe:
    """Path values, query and JSON body for one operation."""

    path: Mapping[str, Any] = field(default_factory=dict)
    query: Sequence[tuple[str, str]] = ()
    json_body: Any = None


def probe_for(operation: Operation) -> Probe:
    """A request for `operation` from its examples (`1` for a path parameter without one)."""
    path = {}
    for name in operation.path_params:
        parameter = operation.parameter(name, "path")
        example = parameter.example if parameter is not None else None
        path[name] = example if example is not None else 1
    # Each required query parameter written in its declared style (a deepObject example as
    # name[key]=value pairs, a non-exploded list as one comma list).
    query = [
        pair
        for p in operation.parameters
        if p.location == "query" and p.required
        for pair in p.pairs(p.example if p.example is not None else "x")
    ]
    media = operation.body_media_type()
    body = operation.body_examples.get(media) if media and "json" in media else None
    return Probe(path, query, body)


def send_probe(
    client: ApiClient, operation: Operation, auth: str | Auth = AUTO
) -> requests.Response:
    """Send the probe of `operation` with this authentication."""
    probe = probe_for(operation)
    return client.call(
        operation, path=probe.path, query=probe.query, json_body=probe.json_body, auth=auth
    )


def reading_operation(model: ContractModel) -> Operation | None:
    """A protected GET that needs no parameters (a list): proof that a token works."""
    for operation in model.protected_operations():
        needs = [p for p in operation.parameters if p.required]
        if operation.method == "GET" and not operation.path_params and not needs:
            return operation
    return None
