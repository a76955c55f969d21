"""Uploaded files read as JSON (DMLF's sample_info) cannot crash the mock, however deep."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from urllib3 import encode_multipart_formdata

from specmock.core.exchange import Request
from specmock.engine.app import MockEngine
from specmock.engine.options import EngineOptions

DMLF = Path(__file__).resolve().parents[2] / "contracts" / "dmlf"


@pytest.fixture(scope="module")
def engine() -> MockEngine:
    return MockEngine.from_path(DMLF, EngineOptions(throttle=False))


def test_a_sample_info_nested_past_the_parsers_reach_is_400_not_500(engine: MockEngine) -> None:
    # Given a client with a token, and a sample_info file of arrays nested 5000 levels
    tokens = engine.handle(Request("POST", "/api/token/", headers={
        "content-type": "application/json"}, body=b'{"username": "demo", '
        b'"password": "demo-pass-123"}'))
    access = json.loads(tokens.body)["access"]
    body, content_type = encode_multipart_formdata({
        "sample_id": "240616_125138_010102", "name": "deep", "institute": "1",
        "project": "1", "method": "1", "sample_type": "1", "date_created": "2024-06-16",
        "sample_info": ("sample_info.json", b"[" * 5000 + b"]" * 5000, "application/json")})

    # When the sample is created
    answer = engine.handle(Request("POST", "/samples/", headers={
        "authorization": f"Bearer {access}", "content-type": content_type}, body=body))

    # Then the file is refused in DRF's shape, on its field
    assert answer.status == 400, answer.body
    assert "sample_info" in json.loads(answer.body)
