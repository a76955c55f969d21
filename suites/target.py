"""The deployment under test, for one test: its contract, URL, credentials and (on a specmock,
bundled or not) its admin API for resetting state and moving the clock.

Time-dependent checks ask `expire_access_tokens()` / `expire_datasets()`: a mock's clock is
advanced; a real target is waited for when `--token-ttl` says its tokens live briefly; otherwise
the check is skipped with the reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property

import pytest
import requests

from specmock_suites.client import ApiClient
from specmock_suites.context import ContractRef, Endpoint

MAX_WAIT = 120.0
ADMIN = "/__specmock/"


@dataclass
class Target:
    """One contract's deployment as a test sees it."""

    contract: ContractRef
    endpoint: Endpoint
    token_ttl: float | None = None

    @property
    def base_url(self) -> str:
        """scheme://host[:port][/prefix] without a trailing slash."""
        return self.endpoint.base_url.rstrip("/")

    @cached_property
    def has_admin(self) -> bool:
        """Whether the target is a specmock (its admin API answers)."""
        if self.endpoint.bundled:
            return True
        try:
            health = requests.get(self.base_url + ADMIN + "health", timeout=5)
            return health.status_code == 200 and health.json().get("status") == "ok"
        except (requests.RequestException, ValueError):
            return False

    def client(self) -> ApiClient:
        """A fresh client (own session, own tokens)."""
        return ApiClient(
            self.base_url, self.contract.model, self.endpoint.credentials, self.endpoint.ledger
        )

    def reset(self) -> None:
        """Seed state, empty journal, real time (a no-op on a real deployment)."""
        if self.has_admin:
            requests.post(self.base_url + ADMIN + "reset", timeout=10).raise_for_status()

    def advance(self, seconds: float) -> None:
        """Move the mock's clock forward (only on a specmock)."""
        response = requests.post(
            self.base_url + ADMIN + "clock", json={"advance": seconds}, timeout=10
        )
        response.raise_for_status()

    @property
    def bounded(self) -> bool:
        """Whether token requests are limited (a budget, or a target that may lock accounts):
        then negative credential checks are few, and never lock the real account out."""
        return self.endpoint.ledger.budget is not None or not self.has_admin

    @property
    def access_ttl(self) -> float | None:
        """How long access tokens live: `--token-ttl`, else the contract's `accessTtl`."""
        return self.token_ttl or self.contract.model.access_ttl

    def expire_access_tokens(self) -> None:
        """Make every access token issued so far expire, or skip the test saying why."""
        ttl = self.access_ttl
        if ttl is None:
            pytest.skip("how long tokens live is unknown: pass --token-ttl (no accessTtl either)")
        self._pass_time(ttl + 1, "access tokens", "--token-ttl")
        self.endpoint.ledger.stale = True  # the run's shared access token is now expired

    def expire_refresh_tokens(self) -> None:
        """Make every refresh token issued so far expire (only on a specmock), or skip."""
        ttl = self.contract.model.refresh_ttl
        if ttl is None:
            pytest.skip("the contract does not say how long refresh tokens live (refreshTtl)")
        self._pass_time(ttl + 1, "refresh tokens", None)
        self.endpoint.ledger.stale = True

    def expire_datasets(self) -> None:
        """Make every data set made so far expire, or skip the test saying why."""
        pagination = self.contract.model.pagination
        dataset = pagination.dataset if pagination else None
        assert dataset is not None, "the contract declares no data sets"
        self._pass_time(dataset.ttl + 1, "data sets", None)

    def _pass_time(self, seconds: float, what: str, option: str | None) -> None:
        if self.has_admin:
            self.advance(seconds)
        elif option and self.token_ttl is not None and seconds <= MAX_WAIT:
            time.sleep(seconds)
        else:
            hint = f"; pass a short {option} of the target" if option else ""
            pytest.skip(
                f"{what} live {seconds - 1:g} s on this target, whose clock cannot be advanced "
                f"(no /__specmock/ admin API) and which is too long to wait for{hint}"
            )
