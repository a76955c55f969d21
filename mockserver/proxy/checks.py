"""What the proxy holds a real server's traffic to: the contract, through the engine's own checks.

Requests are routed and validated by the compiled contract (engine/routing.py, the operation's
`RequestValidator`), answers by `ResponseChecker.problems` (engine/response_check.py): the same
code that holds the mock to the contract holds the real server to it. Only the mock's own
security (verifying the JWTs it issued) is not reused: a real server's credentials are its own,
so the proxy checks only that a protected operation was sent some credentials.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from specmock.core.exchange import Request, Response
from specmock.core.problems import ApiError
from specmock.engine.app import MockEngine
from specmock.engine.compile import Operation
from specmock.engine.response_check import ResponseChecker
from specmock.engine.routing import Redirect, RouteMatch
from specmock.engine.validation import ValidationFailed
from specmock.engine.violations import violation_item

_CREDENTIAL_HEADERS = ("authorization", "cookie", "x-api-key")


@dataclass(frozen=True, slots=True)
class Finding:
    """One violation of the contract seen by the proxy.

    `rule`: `request.path`, `request.method`, `request.security`, `request.<location>` (a
    parameter or body check: query, header, path, cookie, body), `request.mediaType`,
    `response.status`, `response.mediaType`, `response.body`, `response.incomplete` (the
    upstream broke off its answer after its head); `pointer` locates it in the
    request (/query/limit, /body/name) or in the response body (/results/0/id).
    """

    rule: str
    pointer: str
    message: str

    def as_header_item(self) -> dict[str, Any]:
        """The finding as an item of the `sl-violations` header (Prism's fields, plus rule)."""
        side = self.rule.split(".", 1)[0]
        return violation_item(side, self.pointer, self.rule, self.message, rule=self.rule)


class ContractChecks:
    """Routing and checks of one compiled contract (an engine that never answers itself)."""

    def __init__(self, engine: MockEngine) -> None:
        self.engine = engine
        self.contract = engine.contract
        self.responses = ResponseChecker(engine.document)

    def request(
        self, request: Request, *, body_checked: bool = True
    ) -> tuple[Operation | None, list[Finding]]:
        """The operation the request is for (None if none) and how the request breaks it;
        without `body_checked` (a body streamed past, unread) its body is not judged."""
        match = self.contract.router.match(request.path)
        if match is None:
            why = f"no path of the contract matches {request.path}"
            return None, [Finding("request.path", "", why)]
        if isinstance(match, Redirect):
            why = f"{request.path} differs from the contract's {match.template} by a trailing slash"
            return None, [Finding("request.path", "", why)]
        operation = self._operation(match, request.method)
        if operation is None:
            allowed = ", ".join(sorted(self.contract.routes[match.template]))
            why = f"{request.method} is not an operation of {match.template} (allowed: {allowed})"
            return None, [Finding("request.method", "", why)]
        findings = self._credentials(operation, request)
        try:
            operation.validator.validate(dict(match.params), request)
        except ValidationFailed as failure:
            findings += [
                Finding(f"request.{v.location}", v.pointer, v.message)
                for v in failure.violations
                if body_checked or v.location != "body"
            ]
        except ApiError as error:  # e.g. a media type the operation does not take
            if not body_checked:
                return operation, findings
            rule = "request.mediaType" if error.kind == "unsupportedMediaType" else "request.body"
            findings.append(Finding(rule, error.pointer, error.detail))
        return operation, findings

    def response(
        self, operation: Operation | None, response: Response, *, head_only: bool = False
    ) -> list[Finding]:
        """How the answer breaks the operation's contract (nothing to say without one);
        `head_only` for an answer whose body streams past unread."""
        if operation is None:
            return []
        found = self.responses.problems(operation, response, head_only=head_only)
        return [Finding(p.rule, p.pointer, p.message) for p in found]

    def _operation(self, match: RouteMatch, method: str) -> Operation | None:
        methods = self.contract.routes[match.template]
        if method in methods:
            return methods[method]
        return methods.get("GET") if method == "HEAD" else None

    @staticmethod
    def _credentials(operation: Operation, request: Request) -> list[Finding]:
        """A protected operation (no alternative without schemes) called with no credentials."""
        requirements = operation.requirements
        if not requirements or any(not r.kinds for r in requirements):
            return []
        if any(name in request.headers for name in _CREDENTIAL_HEADERS):
            return []
        why = "the operation requires credentials and the request sends none"
        return [Finding("request.security", "/header/Authorization", why)]
