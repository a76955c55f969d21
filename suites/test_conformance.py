"""Conformance: schemathesis over every operation of each contract, with all its checks.

Examples, coverage cases (boundaries and negative data) and fuzzed data for every operation,
then stateful sequences along the links schemathesis infers. Authentication goes through the
contract's token endpoint (suites/conformance.py).

schemathesis's pytest integration needs each schema when the module is collected (its lazy
`from_fixture` loader does not work with pytest 9.2: it sets `request.node._nodeid`), so one
test function per selected contract is made here: `test_conformance_<contract>[METHOD /path]`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import settings
from schemathesis.core.errors import NoLinksFound

from specmock_suites import budget
from specmock_suites.conformance import (
    FILE_AWARE_CHECKS,
    budgeted_operations,
    build_schema,
    file_aware,
    lacking_credentials,
)
from specmock_suites.context import ContractRef
from specmock_suites.plugin import current_session
from specmock_suites.target import Target

SCHEMAS: dict[str, Any] = {}


def conformance_test(contract: ContractRef) -> Callable[..., None]:
    """The schemathesis test of every operation of one contract."""
    schema = SCHEMAS[contract.name] = build_schema(contract, current_session())

    @schema.parametrize()  # type: ignore[untyped-decorator]
    @settings(suppress_health_check=budget.SUPPRESSED, phases=budget.phases())
    @pytest.mark.specmock_contract(contract.name)
    def test(case: Any, marked_target: Target) -> None:
        """Given any generated request for the operation (examples, boundaries, negative and
        fuzzed data), when it is sent, then every schemathesis check passes. An operation whose
        credentials the run was not given is skipped, saying which to give."""
        why = lacking_credentials(case)
        if why is not None:
            pytest.skip(why)
        case.call_and_validate(base_url=marked_target.base_url, **FILE_AWARE_CHECKS)

    test.__name__ = f"test_conformance_{contract.name}"
    made: Callable[..., None] = test
    return made


for _contract in current_session().contracts:
    globals()[f"test_conformance_{_contract.name}"] = conformance_test(_contract)


@pytest.fixture
def marked_target(request: pytest.FixtureRequest) -> Target:
    """The target of the contract the test is marked with, reset to its seed."""
    marker = request.node.get_closest_marker("specmock_contract")
    assert marker is not None
    session = current_session()
    contract = next(c for c in session.contracts if c.name == marker.args[0])
    found = Target(contract, session.endpoint(contract), session.options.token_ttl)
    found.reset()
    return found


@pytest.mark.slow
def test_stateful_sequences_along_links(contract: ContractRef, target: Target) -> None:
    """Given the links schemathesis infers between operations (ids in responses, Location
    headers), when random sequences of linked calls are made, then every check passes."""
    machine = SCHEMAS[contract.name].as_state_machine()

    class OnTarget(machine):  # type: ignore[misc, valid-type]
        def setup(self) -> None:
            target.reset()  # every scenario from the seed (on a specmock), so replays agree

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": target.base_url}

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            # The base class's call, with the file-aware checks (specmock_suites.conformance).
            __tracebackhide__ = True
            case.validate_response(
                response,
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
                **file_aware(additional_checks),
            )

    try:
        OnTarget.run(settings=budget.machine(0.4))
    except NoLinksFound:
        # Nothing to sequence: no operation's answer feeds another (no links declared, none
        # inferred from collections). Every operation is still fuzzed on its own above.
        pytest.skip(f"{contract.name}: no links between operations, so no stateful sequences")


def test_operations_counted_by_the_token_budget(contract: ContractRef) -> None:
    """Given a target whose throttle counts anonymous requests against the token budget, then
    exactly its anonymous operations are left out of conformance (this test says which);
    without a budget every operation of the contract is fuzzed."""
    ledger = current_session().ledger(contract)
    left_out = budgeted_operations(contract.model) if ledger.budget else []
    fuzzed = {
        result.ok().definition.raw.get("operationId")
        for result in SCHEMAS[contract.name].get_all_operations()
    }
    every = {op.operation_id for op in contract.model.operations}
    assert fuzzed == every - set(left_out), f"fuzzed {sorted(fuzzed)}, left out {left_out}"
    if left_out:
        pytest.skip(
            f"not fuzzed, they would spend the token budget ({ledger.budget}, {ledger.source}): "
            + ", ".join(left_out)
        )
