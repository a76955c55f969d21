"""What a client sends cannot make the mock keep memory: hosts and paths of any length."""

from __future__ import annotations

import base64
import itertools
import json
import tracemalloc
from collections.abc import Iterable
from pathlib import Path

import pytest

from specmock.core.exchange import Request
from specmock.engine.app import MockEngine
from specmock.engine.options import EngineOptions

FREEZERWORKS = Path(__file__).resolve().parents[2] / "contracts" / "freezerworks"


@pytest.fixture(scope="module")
def engine() -> MockEngine:
    return MockEngine.from_path(FREEZERWORKS, EngineOptions())


def _bearer(engine: MockEngine) -> dict[str, str]:
    basic = base64.b64encode(b"demoUser:demoPassword").decode()
    answer = engine.handle(Request("GET", "/api/v1/users/authenticate",
                                   headers={"authorization": f"Basic {basic}"}))
    return {"authorization": "Bearer " + json.loads(answer.body)["properties"]["token"]}


def _traced_growth(send: Iterable[Request], engine: MockEngine) -> int:
    """Memory still held after answering `send` (made one by one: the test keeps none)."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for request in send:
            assert engine.handle(request).status in (200, 404)
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_long_host_names_are_not_remembered(engine: MockEngine) -> None:
    # Given fifty reads of one record, each through a different 64 KiB host name
    headers = _bearer(engine)
    requests = (Request("GET", "/api/v1/aliquots/102992", headers=headers,
                        base_url=f"http://{chr(97 + n % 26) * 65536}{n}.test")
                for n in range(50))

    # When they are answered (each answer holds its host in every href)
    growth = _traced_growth(requests, engine)

    # Then the mock keeps none of them: far less than one answer per request
    assert growth < 2 * 1024 * 1024


def test_long_paths_and_queries_are_not_remembered(engine: MockEngine) -> None:
    # Given fifty reads of ids of 64 KiB (each routed, then refused) and fifty long queries
    headers = _bearer(engine)
    long_ids = (Request("GET", f"/api/v1/aliquots/{n}{'7' * 65536}", headers=headers)
                for n in range(50))
    long_queries = (Request("GET", "/api/v1/aliquots/102992", headers=headers,
                            query_string=f"x{n}={'y' * 65536}") for n in range(50))
    requests = itertools.chain(long_ids, long_queries)

    # When they are answered
    growth = _traced_growth(requests, engine)

    # Then neither the route memo nor the journal keeps them whole
    assert growth < 2 * 1024 * 1024


def test_reset_forgets_the_remembered_bodies(engine: MockEngine) -> None:
    # Given a read whose encoded body is remembered
    headers = _bearer(engine)
    engine.handle(Request("GET", "/api/v1/aliquots/102992", headers=headers))
    assert len(engine.pipeline._record_bodies) > 0

    # When the mock is reset
    engine.reset()

    # Then no remembered body keeps a record of the old state alive
    assert len(engine.pipeline._record_bodies) == 0
