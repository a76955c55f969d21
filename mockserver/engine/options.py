"""Settings of one mock instance (from the CLI, the pytest plugin or code)."""

from __future__ import annotations

from dataclasses import dataclass, field

from specmock.core.clock import ControllableClock
from specmock.core.limits import HttpLimits


@dataclass
class EngineOptions:
    """Everything about a mock instance that is not in the contract.

    `token_ttl`/`refresh_ttl`/`dataset_ttl` override the contract's lifetimes when set;
    `offset_unit` ("records" or "pages") the contract's reading of `offset`; `seed_scale` maps a
    collection to the number of records its seed generator makes (e.g. {"aliquots": 1_000_000}).
    `throttle` applies the contract's declared rates (`x-specmock.throttle`); off, nothing is
    throttled (the test fixtures start mocks this way, since tests log in many times).
    `check_responses` validates every answer against the contract and turns a mismatch into a
    500 that says so: on in tests, so the mock is held to its own contract.
    `stateless`: no collection is inferred from a plain document's resource paths (declared
    `x-specmock` collections are served as ever).
    `max_file_store_bytes` bounds the uploads kept at once (past it a write with files is 413).
    `allowed_hosts`: the Host names requests may name (None: any well-formed host);
    `public_url` is the base of links in answers that refuse a Host.
    `callbacks`: send the OpenAPI callbacks successful answers trigger (engine/callbacks.py).
    `cors`: answer browsers' preflights and let pages on any origin read answers (cors.py).
    `admin_token`: when set, the admin API (but its health check) needs it in X-Specmock-Token,
    and uploads are read with it or with the contract's own credentials.
    """

    seed: int = 0
    token_ttl: int | None = None
    refresh_ttl: int | None = None
    dataset_ttl: int | None = None
    offset_unit: str | None = None
    seed_scale: dict[str, int] = field(default_factory=dict)
    max_body_bytes: int = 10 * 1024 * 1024
    max_file_store_bytes: int = 256 * 1024 * 1024
    allowed_hosts: tuple[str, ...] | None = None
    http: HttpLimits = field(default_factory=HttpLimits)
    public_url: str = "http://127.0.0.1"
    admin_token: str | None = None
    check_responses: bool = False
    stateless: bool = False
    cors: bool = True
    callbacks: bool = True
    throttle: bool = True
    journal_size: int = 1000
    secret: bytes | None = None
    clock: ControllableClock | None = None
