"""The suites' session: which contracts, which target, which credentials.

Options come from the command line or, for CI secrets, from environment variables
(`SPECMOCK_CONTRACT`, `SPECMOCK_TARGET`, `SPECMOCK_USERNAME`, `SPECMOCK_PASSWORD`,
`SPECMOCK_TOKEN_TTL`, `SPECMOCK_HEADERS`). Without a target, the bundled mock of each contract
is started in-process (once per session) and its seed credentials are used.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from specmock.contract.bundled import bundled_root, siren_schema
from specmock.engine.options import EngineOptions
from specmock.suites_support import ContractModel
from specmock.testing import MockPool
from specmock_suites.ledger import TokenLedger

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = bundled_root()
"""The bundled contracts: the checkout's contracts/, or the copy inside an installed wheel."""
SIREN_SCHEMA = siren_schema()
ENV = {
    "contract": "SPECMOCK_CONTRACT",
    "target": "SPECMOCK_TARGET",
    "username": "SPECMOCK_USERNAME",
    "password": "SPECMOCK_PASSWORD",
    "token_ttl": "SPECMOCK_TOKEN_TTL",
    "token_budget": "SPECMOCK_TOKEN_BUDGET",
    "headers": "SPECMOCK_HEADERS",
}


class SuiteUsageError(ValueError):
    """The suites were started with options that do not fit together.

    Seen by: whoever runs `pytest suites` or `specmock test` (turned into pytest's usage error).
    """


@dataclass(frozen=True)
class SuiteOptions:
    """The suites' options after command line and environment are merged."""

    contracts: tuple[Path, ...]
    target: str | None = None
    username: str | None = None
    password: str | None = None
    token_ttl: float | None = None
    token_budget: int | None = None
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # may hold secrets
    """`--header 'Name: value'` (env SPECMOCK_HEADERS, one per line): credentials for
    operations of a document without a token endpoint (API keys, bearer tokens)."""

    @classmethod
    def from_values(
        cls,
        contracts: list[str] | None,
        target: str | None,
        username: str | None,
        password: str | None,
        token_ttl: str | None,
        cwd: Path,
        token_budget: str | None = None,
        headers: list[str] | None = None,
    ) -> SuiteOptions:
        """Merge option values (None: not given) with the environment and check them."""
        env = os.environ
        contract_values = contracts or _split(env.get(ENV["contract"], ""))
        target = target or env.get(ENV["target"]) or None
        if target and not contract_values:
            raise SuiteUsageError("--target needs --contract: which contract should it meet?")
        ttl = token_ttl or env.get(ENV["token_ttl"]) or None
        budget = token_budget or env.get(ENV["token_budget"]) or None
        header_lines = headers or [h for h in env.get(ENV["headers"], "").splitlines() if h.strip()]
        return cls(
            contracts=tuple(_contract_path(v, cwd) for v in contract_values) or bundled_contracts(),
            target=target.rstrip("/") if target else None,
            username=username or env.get(ENV["username"]) or None,
            password=password or env.get(ENV["password"]) or None,
            token_ttl=float(ttl) if ttl else None,
            token_budget=int(budget) if budget else None,
            headers=tuple(parse_header(line) for line in header_lines),
        )


@dataclass(frozen=True)
class Credentials:
    """A username and password for the contract's token endpoint."""

    username: str
    password: str = field(repr=False)  # never shown in a failure's locals


@dataclass
class ContractRef:
    """One contract the suites run for: a short name (test ids), its path and its model."""

    name: str
    path: Path

    @cached_property
    def model(self) -> ContractModel:
        """The contract read for the suites."""
        return ContractModel.load(self.path)

    def __repr__(self) -> str:
        return self.name


@dataclass
class Endpoint:
    """Where a contract is served and how to log in: the target, or a bundled mock."""

    base_url: str
    credentials: Credentials | None = field(repr=False)  # never in a failure's locals
    bundled: bool
    ledger: TokenLedger = field(default_factory=TokenLedger)


@dataclass
class SuiteSession:
    """The contracts and endpoints of one pytest session; bundled mocks start on first use."""

    options: SuiteOptions
    pool: MockPool = field(default_factory=MockPool)
    ledgers: dict[str, TokenLedger] = field(default_factory=dict)

    @cached_property
    def contracts(self) -> list[ContractRef]:
        """The contracts to check, with unique short names."""
        refs: list[ContractRef] = []
        for path in self.options.contracts:
            name = _slug(path.name if path.is_dir() else path.parent.name)
            while any(r.name == name for r in refs):
                name += "_"
            refs.append(ContractRef(name, path))
        return refs

    def endpoint(self, contract: ContractRef) -> Endpoint:
        """The target, or the contract's bundled mock (started now if needed)."""
        credentials = self._credentials(contract)
        ledger = self.ledger(contract)
        if self.options.target:
            return Endpoint(self.options.target, credentials, bundled=False, ledger=ledger)
        # Throttling off: a suite logs in far more often than a declared anonymous rate allows.
        mock = self.pool.get(contract.path, EngineOptions(check_responses=True, throttle=False))
        return Endpoint(mock.url, credentials, bundled=True, ledger=ledger)

    def ledger(self, contract: ContractRef) -> TokenLedger:
        """The token requests of this run for `contract`: `--token-budget`, else the contract's
        throttle on a deployment; the bundled mock serves without throttling (unlimited)."""
        if contract.name not in self.ledgers:
            declared = contract.model.token_budget if self.options.target else None
            if self.options.token_budget is not None:
                ledger = TokenLedger(self.options.token_budget, "--token-budget")
            elif declared is not None:
                ledger = TokenLedger(declared.requests, declared.source)
            else:
                ledger = TokenLedger()
            self.ledgers[contract.name] = ledger
        return self.ledgers[contract.name]

    def close(self) -> None:
        """Stop the bundled mocks."""
        self.pool.close()

    def _credentials(self, contract: ContractRef) -> Credentials | None:
        if self.options.username is not None and self.options.password is not None:
            return Credentials(self.options.username, self.options.password)
        users = contract.model.users
        return Credentials(users[0].username, users[0].password) if users else None


def parse_header(text: str) -> tuple[str, str]:
    """`Name: value` as a pair; a `SuiteUsageError` naming the expected form otherwise."""
    name, colon, value = text.partition(":")
    if not colon or not name.strip() or any(c.isspace() for c in name.strip()):
        raise SuiteUsageError(f"--header {text!r}: expected 'Name: value'")
    return name.strip(), value.strip()


def bundled_contracts() -> tuple[Path, ...]:
    """Every contract shipped in contracts/ (a directory with an openapi.yaml)."""
    return tuple(sorted(p.parent for p in BUNDLED.glob("*/openapi.yaml")))


def _contract_path(value: str, cwd: Path) -> Path:
    for candidate in (cwd / value, ROOT / value, BUNDLED / value):
        if candidate.exists():
            return candidate.resolve()
    raise SuiteUsageError(f"--contract {value}: no such file or directory (looked in {cwd})")


def _split(value: str) -> list[str]:
    return [part for part in re.split(r"[,\s]+", value) if part]


def _slug(name: str) -> str:
    return re.sub(r"\W+", "_", name).strip("_") or "contract"
