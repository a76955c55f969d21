"""Fetching a Siren API's resources: entry points from the contract, then links.

Entry points are every GET the contract declares (path parameters from their examples), plus
requests that must fail (no token, an unknown id, a limit out of bounds), since errors are
entities too. Every response body is checked against the Siren schema as it arrives.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from specmock.suites_support import ContractModel, Exchange, Operation
from specmock.suites_support.siren import siren_problems
from specmock_suites.client import ApiClient, Auth
from specmock_suites.context import SIREN_SCHEMA
from specmock_suites.expect import expect, fail
from specmock_suites.probes import probe_for


@dataclass(frozen=True)
class Fetched:
    """A response body (parsed) with its exchange and the URL it came from."""

    url: str
    body: Any
    exchange: Exchange

    @property
    def status(self) -> int:
        """The response status."""
        return self.exchange.received.status if self.exchange.received else 0


class SirenCrawler:
    """Requests Siren resources of a target and holds each answer to the Siren schema."""

    def __init__(self, client: ApiClient, model: ContractModel) -> None:
        self.client = client
        self.model = model

    def entry_points(self) -> list[Fetched]:
        """Every GET of the contract, answered."""
        found = []
        for operation in self.model.operations:
            if operation.method == "GET" and operation.action != "issueToken":
                probe = probe_for(operation)
                self.client.call(operation, path=probe.path, query=probe.query)
                found.append(self.checked(self.client.last))
        return found

    def error_points(self) -> list[Fetched]:
        """Answers that must be errors: no token, an unknown record, a bad limit."""
        found = []
        for operation in self._one_per_kind():
            probe = probe_for(operation)
            if operation.protected:
                self.client.call(
                    operation, path=probe.path, query=probe.query, auth=Auth(None, "(none)")
                )
                found.append(self.checked(self.client.last))
            if operation.action == "read" and operation.path_params:
                missing = {operation.path_params[-1]: 999_999_999}
                self.client.call(operation, path=missing, query=probe.query)
                found.append(self.checked(self.client.last))
            if operation.paginated and self.model.pagination is not None:
                query = {self.model.pagination.limit_param: self.model.pagination.limit_max + 1}
                self.client.call(operation, path=probe.path, query=query)
                found.append(self.checked(self.client.last))
        return found

    def refusals(self) -> list[Fetched]:
        """Answers to a method a path does not have and to a body of the wrong media type."""
        found = []
        for operation in self.model.operations:
            declared = {op.method for op in self.model.operations_at(operation.path)}
            missing = [m for m in ("PUT", "DELETE", "PATCH", "POST") if m not in declared]
            if missing and not operation.path_params:
                self.client.send(missing[0], self.client.url(operation), auth=self.client.bearer())
                found.append(self.checked(self.client.last))
                break
        for operation in self.model.operations:
            if operation.protected and operation.body_media_type() not in (None, "text/plain"):
                probe = probe_for(operation)
                self.client.send(
                    operation.method,
                    self.client.url(operation, probe.path),
                    auth=self.client.bearer(),
                    headers={"Content-Type": "text/plain"},
                    data=b"not the media type the operation reads",
                )
                found.append(self.checked(self.client.last))
                break
        return found

    def follow(self, href: str, base: str) -> Fetched:
        """GET a link (relative hrefs resolved against the page they are on)."""
        self.client.get(urljoin(base, href))
        return self.checked(self.client.last)

    def checked(self, exchange: Exchange) -> Fetched:
        """The exchange's body, which must be a valid Siren entity."""
        received = exchange.received
        assert received is not None
        try:
            body = json.loads(received.body) if received.body else None
        except ValueError:
            fail(
                "every response of a Siren API (x-specmock representation: siren) is a Siren "
                "entity (JSON)",
                [exchange],
                found="a body that is not JSON",
            )
        problems = siren_problems(body, SIREN_SCHEMA)
        expect(
            not problems,
            "every response of a Siren API (x-specmock representation: siren) is a valid Siren "
            "entity (contracts/siren/entity.schema.json)",
            [exchange],
            found="; ".join(problems[:5]),
        )
        return Fetched(exchange.sent.url, body, exchange)

    def same_host(self, url: str) -> bool:
        """Whether an absolute URL points at the target's own scheme, host and port."""
        mine, theirs = urlsplit(self.client.base_url), urlsplit(url)
        return (mine.scheme, mine.netloc) == (theirs.scheme, theirs.netloc)

    def _one_per_kind(self) -> list[Operation]:
        chosen: dict[str, Operation] = {}
        for operation in self.model.operations:
            if operation.method == "GET" and operation.action in ("read", "list"):
                chosen.setdefault(f"{operation.action}-{operation.paginated}", operation)
        return list(chosen.values())
