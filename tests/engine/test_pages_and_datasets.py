"""Pagination and data-set ids on the Freezerworks contract, in process, clock advanced.

Pages must stay within the limit, be disjoint, and together equal the collection in order, in
both readings of `offset` (records and pages); a data set serves consistent pages across a
concurrent create, then expires and is replaced by a new id, never an error.
"""

from __future__ import annotations

import base64
import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from specmock.core.exchange import Request
from specmock.engine.app import MockEngine
from specmock.engine.options import EngineOptions

CONTRACT = Path(__file__).resolve().parents[2] / "contracts" / "freezerworks"
BASE = "http://mock.test"


@cache
def _engine(unit: str) -> MockEngine:
    return MockEngine.from_path(CONTRACT, EngineOptions(check_responses=True, offset_unit=unit))


@cache
def _token(unit: str) -> str:
    basic = base64.b64encode(b"demoUser:demoPassword").decode()
    response = _engine(unit).handle(
        Request(
            "GET", "/api/v1/users/authenticate", "", {"authorization": f"Basic {basic}"}, b"", BASE
        )
    )
    return str(json.loads(response.body)["properties"]["token"])


def _get(unit: str, path: str, query: str = "") -> dict[str, Any]:
    headers = {"authorization": f"Bearer {_token(unit)}"}
    response = _engine(unit).handle(Request("GET", path, query, headers, b"", BASE))
    assert response.status == 200, response.body
    return json.loads(response.body)  # type: ignore[no-any-return]


def _ids(entity: dict[str, Any], field: str) -> list[int]:
    return [e["properties"][field] for e in entity["entities"]]


def _all_samples(unit: str) -> list[int]:
    return _ids(_get(unit, "/api/v1/samples", "limit=1000"), "PK_SampleUID")


@settings(max_examples=40, deadline=None)
@given(limit=st.integers(1, 60), unit=st.sampled_from(["records", "pages"]))
def test_walking_the_pages_yields_the_collection_in_order(limit: int, unit: str) -> None:
    # Given the seed's 50 samples, when every page of `limit` is read by offset
    _engine(unit).reset()
    pages, offset = [], 0
    while True:
        page = _ids(_get(unit, "/api/v1/samples", f"limit={limit}&offset={offset}"), "PK_SampleUID")
        if not page:
            break
        pages.append(page)
        offset += 1 if unit == "pages" else limit
    # Then every page is within the limit, pages are disjoint, and together they are the list
    assert all(len(p) <= limit for p in pages)
    flat = [i for p in pages for i in p]
    assert len(flat) == len(set(flat))
    assert flat == _all_samples(unit)


@settings(max_examples=40, deadline=None)
@given(
    limit=st.integers(1, 20), offset=st.integers(0, 60), unit=st.sampled_from(["records", "pages"])
)
def test_any_page_is_the_matching_slice(limit: int, offset: int, unit: str) -> None:
    _engine(unit).reset()
    start = offset * limit if unit == "pages" else offset
    page = _get(unit, "/api/v1/samples", f"limit={limit}&offset={offset}")
    assert _ids(page, "PK_SampleUID") == _all_samples(unit)[start : start + limit]
    assert page["properties"]["total"] == 50


def test_following_next_links_reads_every_record_once() -> None:
    _engine("pages").reset()
    seen: list[int] = []
    page = _get("pages", "/api/v1/aliquots", "limit=500")
    while True:
        seen += _ids(page, "PK_AliquotUID")
        nxt = next((link["href"] for link in page["links"] if "next" in link["rel"]), None)
        if nxt is None:
            break
        url = urlsplit(nxt)
        page = _get("pages", url.path, url.query)
    assert len(seen) == len(set(seen)) == page["properties"]["total"]


def test_the_first_page_returns_a_data_set_id_that_links_carry() -> None:
    _engine("pages").reset()
    page = _get("pages", "/api/v1/aliquots", "limit=10")
    dataset = page["properties"]["datasetid"]
    nxt = next(link["href"] for link in page["links"] if "next" in link["rel"])
    assert f"datasetid={dataset}" in nxt


def test_a_data_set_keeps_its_pages_across_a_concurrent_create() -> None:
    # Given the last page of a data set's snapshot
    engine, unit = _engine("records"), "records"
    engine.reset()
    first = _get(unit, "/api/v1/aliquots", "limit=10")
    dataset, total = first["properties"]["datasetid"], first["properties"]["total"]
    # When an aliquot is created meanwhile
    body = {
        "FK_SampleUID": 100001,
        "AliquotBarcode": "FW-NEW-1",
        "Aliquot_Type": "Plasma",
        "Volume": 1.5,
        "Units": "mL",
    }
    created = engine.handle(
        Request(
            "POST",
            "/api/v1/aliquots",
            "",
            {"authorization": f"Bearer {_token(unit)}", "content-type": "application/json"},
            json.dumps(body).encode(),
            BASE,
        )
    )
    assert created.status == 201, created.body
    # Then pages of the data set neither grow nor shift; a fresh query sees the new record
    last = _get(unit, "/api/v1/aliquots", f"limit=10&offset={total - 1}&datasetid={dataset}")
    assert (last["properties"]["total"], last["properties"]["datasetid"]) == (total, dataset)
    assert len(last["entities"]) == 1
    assert _get(unit, "/api/v1/aliquots", "limit=10")["properties"]["total"] == total + 1


def test_an_expired_data_set_is_replaced_by_a_new_id() -> None:
    engine = _engine("records")
    engine.reset()
    dataset = _get("records", "/api/v1/aliquots", "limit=10")["properties"]["datasetid"]
    engine.clock.advance(300)
    again = _get("records", "/api/v1/aliquots", f"limit=10&offset=10&datasetid={dataset}")
    assert again["properties"]["datasetid"] != dataset
    assert len(again["entities"]) == 10


def test_an_unknown_data_set_id_is_not_an_error() -> None:
    _engine("records").reset()
    page = _get("records", "/api/v1/aliquots", "limit=10&datasetid=d3320a")
    assert page["properties"]["datasetid"] != "d3320a"


def test_a_data_set_is_bound_to_its_query() -> None:
    _engine("records").reset()
    dataset = _get("records", "/api/v1/aliquots", "limit=10")["properties"]["datasetid"]
    scoped = _get("records", "/api/v1/samples/100001/aliquots", f"limit=10&datasetid={dataset}")
    assert scoped["properties"]["datasetid"] != dataset
    assert {e["properties"]["FK_SampleUID"] for e in scoped["entities"]} == {100001}


def test_a_limit_outside_its_bounds_is_a_siren_400() -> None:
    engine = _engine("records")
    headers = {"authorization": f"Bearer {_token('records')}"}
    response = engine.handle(Request("GET", "/api/v1/aliquots", "limit=1001", headers, b"", BASE))
    assert response.status == 400
    assert json.loads(response.body)["class"] == ["error"]
