"""Running mocks from tests: `RunningMock`, a pool of them, and pytest-httpserver mounting.

The pytest plugin (pytest_plugin.py) is a thin layer of fixtures over this module, so the same
helpers work without pytest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from specmock.behaviours.faults import FaultRule
from specmock.contract.bundled import resolve_contract
from specmock.core.clock import ControllableClock
from specmock.core.exchange import Request
from specmock.engine.app import MockEngine
from specmock.engine.options import EngineOptions
from specmock.http.server import ServerThread


@dataclass
class RunningMock:
    """A mock served on a loopback port: its URL, engine and controls."""

    engine: MockEngine
    server: ServerThread

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. http://127.0.0.1:43817."""
        return self.server.url

    @property
    def clock(self) -> ControllableClock:
        """The mock's clock."""
        return self.engine.clock

    def advance(self, seconds: float) -> float:
        """Move the mock's clock forward; tokens and data sets age without sleeping."""
        return self.clock.advance(seconds)

    def reset(self) -> None:
        """Seed state, empty journal, real time."""
        self.engine.reset()

    def journal(self) -> list[dict[str, Any]]:
        """The requests the mock has answered since the last reset."""
        return self.engine.journal.entries()

    def fault(self, fault: str | None = None, **rule: Any) -> AbstractContextManager[FaultRule]:
        """A fault rule in force for a `with` block (see `injected_fault`), e.g.
        `with specmock.fault("reset", operations=["createBook"]): ...`."""
        return injected_fault(self.engine, fault, **rule)


@contextmanager
def injected_fault(
    engine: MockEngine, fault: str | None = None, **rule: Any
) -> Iterator[FaultRule]:
    """Put one fault rule in force until the block ends, as `POST /__specmock/faults` would.

    Keys are those of `x-specmock.faults` (docs/extensions.md); snake_case spellings are taken
    too (`retry_after=2`, `bytes_per_second=100`). Raises FaultSpecError for a rule that means
    nothing. The rule comes before every other, and is taken out on exit.
    """
    spec = {_camel(name): value for name, value in rule.items()}
    if fault is not None:
        spec["fault"] = fault
    (added,) = engine.faults.add([spec])
    try:
        yield added
    finally:
        engine.faults.remove(added.id)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@dataclass
class MockPool:
    """Running mocks keyed by contract and options; started on first use, stopped at close."""

    running: dict[tuple[str, str], RunningMock] = field(default_factory=dict)

    def get(self, contract: str | Path, options: EngineOptions | None = None) -> RunningMock:
        """The running mock for this contract and these options (started if needed); without
        options, responses are checked and throttling is off (tests log in many times)."""
        options = options or EngineOptions(check_responses=True, throttle=False)
        contract = resolve_contract(contract)
        key = (str(Path(contract).resolve()), repr(replace(options, clock=None)))
        if key not in self.running:
            engine = MockEngine.from_path(contract, replace(options, clock=ControllableClock()))
            self.running[key] = RunningMock(engine, ServerThread(engine).start())
        return self.running[key]

    def close(self) -> None:
        """Stop every server."""
        for mock in self.running.values():
            mock.server.stop()
        self.running.clear()


@contextmanager
def mounted_contract(httpserver: Any, engine: MockEngine) -> Iterator[MockEngine]:
    """Let `engine` answer every request the pytest-httpserver `httpserver` has no expectation
    for: ad-hoc expectations win, the contract is the fallback. Restored on exit."""
    original: Callable[[Any], Any] = httpserver.respond_nohandler

    def respond(request: Any) -> Any:
        if getattr(httpserver, "permanently_failed", False):
            return original(request)  # an ordered expectation failed: keep its semantics
        return _werkzeug_response(engine.handle(_from_werkzeug(request)))

    httpserver.respond_nohandler = respond
    try:
        yield engine
    finally:
        httpserver.respond_nohandler = original


def _from_werkzeug(request: Any) -> Request:
    path = request.environ.get("RAW_URI", request.path).split("?", 1)[0]
    return Request(
        method=request.method,
        path=path,
        query_string=request.query_string.decode("latin-1"),
        headers={k.lower(): v for k, v in request.headers.items()},
        body=request.get_data(),
        base_url=request.host_url.rstrip("/"),
    )


def _werkzeug_response(response: Any) -> Any:
    from werkzeug import Response as WerkzeugResponse

    out = WerkzeugResponse(response.body, status=response.status)
    for name, value in response.headers:
        if name.lower() == "content-type":
            out.headers["Content-Type"] = value
        else:
            out.headers.add(name, value)
    return out
