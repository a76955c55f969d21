"""Fixtures and parametrization shared by the suites.

Every suite test takes `contract` (one per selected contract, ids `dmlf`, `freezerworks`, ...);
tests that take `paginated_list` or `collection_name` run once per paginated list operation or
writable collection of each contract. `target` is the deployment, reset to its seed when it is a
specmock.
"""

from __future__ import annotations

import pytest

from specmock_suites.context import ContractRef
from specmock_suites.plugin import current_session
from specmock_suites.target import Target


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize by contract, and by paginated list or writable collection where asked."""
    if "contract" not in metafunc.fixturenames:
        return
    contracts = current_session().contracts
    if "paginated_list" in metafunc.fixturenames:
        pairs = [(c, op.operation_id) for c in contracts for op in c.model.paginated_lists()]
        _parametrize_pairs(metafunc, "paginated_list", contracts, pairs)
    elif "collection_name" in metafunc.fixturenames:
        pairs = [(c, name) for c in contracts for name in c.model.writable_collections()]
        _parametrize_pairs(metafunc, "collection_name", contracts, pairs)
    else:
        metafunc.parametrize("contract", contracts, ids=[c.name for c in contracts])


def _parametrize_pairs(
    metafunc: pytest.Metafunc,
    second: str,
    contracts: list[ContractRef],
    pairs: list[tuple[ContractRef, str]],
) -> None:
    """One case per pair; a contract without any gets one case that skips (so it is reported)."""
    covered = {c.name for c, _ in pairs}
    cases: list[tuple[ContractRef, str | None]] = [*pairs]
    cases += [(c, None) for c in contracts if c.name not in covered]
    metafunc.parametrize(
        ("contract", second), cases, ids=[f"{c.name}-{n or 'none'}" for c, n in cases]
    )


@pytest.fixture
def target(contract: ContractRef) -> Target:
    """The deployment of `contract`, reset to its seed if it is a specmock."""
    session = current_session()
    found = Target(contract, session.endpoint(contract), session.options.token_ttl)
    found.reset()
    return found
