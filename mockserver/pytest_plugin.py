"""pytest plugin (entry point `pytest11`): running mocks as fixtures.

Fixtures (override any of them in your conftest.py):

- `specmock_contract`: the contract to serve, a bundled one by name (`"dmlf"`) or a path;
  override it (default: none, with a message).
- `specmock_options`: `EngineOptions` for the served mock (default: responses checked against the
  contract, throttling off since tests log in many times; `pytest --specmock-throttle` turns the
  contract's declared rates on).
- `specmock_pool`: session-scoped; starts each (contract, options) once per session.
- `specmock`: function-scoped `RunningMock`, reset to its seed before each test, with `.url`,
  `.advance(seconds)`, `.journal()`, and `.fault(...)`: a context manager putting one fault rule
  in force for its block (`with specmock.fault("reset", operations=["createBook"]): ...`).
- `specmock_httpserver`: pytest-httpserver's `httpserver` with the contract mounted as fallback,
  so `httpserver.expect_request(...)` expectations and contract behaviour mix in one test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from specmock.contract.bundled import resolve_contract
from specmock.engine.app import MockEngine
from specmock.engine.options import EngineOptions
from specmock.testing import MockPool, RunningMock, mounted_contract


@pytest.fixture(scope="session")
def specmock_contract() -> str:
    """The contract to serve: a bundled contract's name or a path. Override it in your
    conftest.py, e.g. `return "dmlf"`."""
    raise pytest.UsageError(
        "specmock: override the `specmock_contract` fixture with your contract (a path, or a "
        "bundled contract's name), e.g.\n"
        "    @pytest.fixture(scope='session')\n"
        "    def specmock_contract(): return 'dmlf'"
    )


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--specmock-throttle`: serve with the contract's throttle rates (off by default)."""
    parser.getgroup("specmock").addoption(
        "--specmock-throttle",
        action="store_true",
        default=False,
        help="apply the contract's declared throttle rates in the specmock fixtures",
    )


@pytest.fixture(scope="session")
def specmock_options(pytestconfig: pytest.Config) -> EngineOptions:
    """Options of the served mock; responses are checked against the contract; throttling only
    with `--specmock-throttle`."""
    return EngineOptions(
        check_responses=True, throttle=bool(pytestconfig.getoption("--specmock-throttle"))
    )


@pytest.fixture(scope="session")
def specmock_pool() -> Iterator[MockPool]:
    """Every mock started in this session, stopped at its end."""
    pool = MockPool()
    yield pool
    pool.close()


@pytest.fixture
def specmock(
    specmock_pool: MockPool, specmock_contract: str, specmock_options: EngineOptions
) -> RunningMock:
    """A running mock of `specmock_contract`, reset to its seed for this test."""
    mock = specmock_pool.get(specmock_contract, specmock_options)
    mock.reset()
    return mock


@pytest.fixture
def specmock_httpserver(
    httpserver: Any, specmock_contract: str, specmock_options: EngineOptions
) -> Iterator[Any]:
    """pytest-httpserver's server answering from the contract where no expectation matches."""
    engine = MockEngine.from_path(resolve_contract(specmock_contract), specmock_options)
    with mounted_contract(httpserver, engine):
        yield httpserver
