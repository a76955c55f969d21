"""What the contract suites (`suites/`) share with the package: no HTTP client, no pytest.

- `model`: what a contract says that the suites need (token endpoints, protected operations,
  collections and their CRUD operations, pagination, Siren), read generically from the OpenAPI
  document and its `x-specmock` extensions.
- `schemas`: local `$ref` resolution and `allOf` flattening for request and response schemas.
- `evidence`: exchanges as data, rendered as curl commands, and contract-violation messages.
- `views`: records, items, page properties, links and actions of plain and Siren bodies.
- `security`: an operation's security requirements, each scheme with where its credential goes.
- `siren`: validation of Siren entities against `contracts/siren/entity.schema.json`.
"""

from specmock.suites_support.evidence import (
    ContractViolationError,
    Exchange,
    FilePart,
    Received,
    Sent,
    curl,
    violation,
)
from specmock.suites_support.model import (
    CollectionSpec,
    ContractModel,
    DatasetSpec,
    JsonFileRule,
    Operation,
    PaginationSpec,
    Parameter,
    RefreshEndpoint,
    Security,
    TokenBudget,
    TokenEndpoint,
    User,
)
from specmock.suites_support.security import SchemeRef

__all__ = [
    "CollectionSpec",
    "ContractModel",
    "ContractViolationError",
    "DatasetSpec",
    "Exchange",
    "FilePart",
    "JsonFileRule",
    "Operation",
    "PaginationSpec",
    "Parameter",
    "Received",
    "RefreshEndpoint",
    "SchemeRef",
    "Security",
    "Sent",
    "TokenBudget",
    "TokenEndpoint",
    "User",
    "curl",
    "violation",
]
