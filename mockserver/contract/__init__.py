"""The contract layer: loading, bundling and checking OpenAPI contracts (no HTTP here).

`load_contract` reads a contract (its openapi.yaml and the files its `$ref`s name) into one
self-contained document; it never raises for a broken contract but returns diagnostics.
`check_contract` validates a loaded contract (OpenAPI, `x-specmock` extensions, their meaning);
`lint_contract` does both; `run_lint` is `specmock lint`. `SERVE_CHECKS` are the checks before
serving: the same, with a clean OpenAPI check remembered per document (check_cache.py).
"""

from specmock.contract.check_cache import passed_before
from specmock.contract.diagnostics import Diagnostic, Severity
from specmock.contract.extensions_check import check_extensions, extensions_schema
from specmock.contract.lint import (
    CHECKS,
    SERVE_CHECKS,
    check_contract,
    lint_contract,
    run_lint,
    serve_checks,
)
from specmock.contract.loader import find_root, load_contract
from specmock.contract.model import LoadedContract, RefError
from specmock.contract.openapi_check import check_openapi
from specmock.contract.operations import OperationRef, iter_operations
from specmock.contract.parallel import PendingChecks
from specmock.contract.semantics import check_semantics
from specmock.contract.yaml_loader import get_yaml_loader, load_yaml
from specmock.core.prewarmed import PrewarmedChild


def start_checks(
    contract: LoadedContract, remember: bool = True, prewarmed: PrewarmedChild | None = None
) -> PendingChecks:
    """The checks before serving (`SERVE_CHECKS`, or every check afresh without `remember`),
    started in a child process where that helps (parallel.py); `.result()` waits for them.

    `prewarmed`, a child forked before the contract was loaded (core/prewarmed.py), runs them
    if they are needed and is dismissed if not. A document whose OpenAPI check is remembered
    leaves only the cheap checks: no child then.
    """
    if remember and contract.loaded and passed_before(contract.document):
        if prewarmed is not None:
            prewarmed.dismiss()
        return PendingChecks(contract, SERVE_CHECKS, fork=False)
    if prewarmed is not None and contract.loaded:
        return PendingChecks.handed_to(prewarmed, contract, remember=remember)
    if prewarmed is not None:
        prewarmed.dismiss()
    return PendingChecks(contract, serve_checks(remember))


__all__ = [
    "CHECKS",
    "SERVE_CHECKS",
    "Diagnostic",
    "LoadedContract",
    "OperationRef",
    "PendingChecks",
    "RefError",
    "Severity",
    "check_contract",
    "check_extensions",
    "check_openapi",
    "check_semantics",
    "extensions_schema",
    "find_root",
    "get_yaml_loader",
    "iter_operations",
    "lint_contract",
    "load_contract",
    "load_yaml",
    "run_lint",
    "start_checks",
]
