"""The contract layer: loading, bundling and checking OpenAPI contracts (no HTTP here).

`load_contract` reads a contract (its openapi.yaml and the files its `$ref`s name) into one
self-contained document; it never raises for a broken contract but returns diagnostics.
`check_contract` validates a loaded contract (OpenAPI, `x-specmock` extensions, their meaning);
`lint_contract` does both; `run_lint` is `specmock lint`. `SERVE_CHECKS` are the checks before
serving: the same, with a clean OpenAPI check remembered per document (check_cache.py).
"""

from mockserver.contract.diagnostics import Diagnostic, Severity
from mockserver.contract.extensions_check import check_extensions, extensions_schema
from mockserver.contract.lint import CHECKS, SERVE_CHECKS, check_contract, lint_contract, run_lint
from mockserver.contract.loader import find_root, load_contract
from mockserver.contract.model import LoadedContract, RefError
from mockserver.contract.openapi_check import check_openapi
from mockserver.contract.operations import OperationRef, iter_operations
from mockserver.contract.semantics import check_semantics
from mockserver.contract.yaml_loader import get_yaml_loader, load_yaml

__all__ = [
    "CHECKS",
    "SERVE_CHECKS",
    "Diagnostic",
    "LoadedContract",
    "OperationRef",
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
]
