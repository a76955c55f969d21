"""Time on a real `specmock serve`: lifetimes from flags, the clock driven through the admin API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.e2e.conftest import ServedMock, start_serve, stop_serve


@pytest.fixture(scope="module")
def short_lived() -> Iterator[ServedMock]:
    mock = start_serve("dmlf", "--token-ttl", "5", "--refresh-ttl", "30")
    yield mock
    stop_serve(mock)


def _tokens(mock: ServedMock) -> dict[str, str]:
    body = {"username": "demo", "password": "demo-pass-123"}
    return requests.post(mock.base_url + "api/token/", json=body, timeout=5).json()  # type: ignore[no-any-return]


def _institutes(mock: ServedMock, access: str) -> requests.Response:
    return requests.get(
        mock.base_url + "institutes/", headers={"Authorization": f"Bearer {access}"}, timeout=5
    )


@pytest.mark.slow
def test_token_ttl_flag_sets_the_access_lifetime(short_lived: ServedMock) -> None:
    short_lived.admin("POST", "reset")
    access = _tokens(short_lived)["access"]
    short_lived.admin("POST", "clock", json={"advance": 4})
    assert _institutes(short_lived, access).status_code == 200
    short_lived.admin("POST", "clock", json={"advance": 1})
    assert _institutes(short_lived, access).status_code == 401


@pytest.mark.slow
def test_an_expired_refresh_token_gets_simplejwts_body(short_lived: ServedMock) -> None:
    short_lived.admin("POST", "reset")
    refresh = _tokens(short_lived)["refresh"]
    short_lived.admin("POST", "clock", json={"advance": 30})
    response = requests.post(
        short_lived.base_url + "api/token/refresh/", json={"refresh": refresh}, timeout=5
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "Token is invalid or expired", "code": "token_not_valid"}


@pytest.mark.slow
def test_a_frozen_clock_does_not_expire_tokens(short_lived: ServedMock) -> None:
    short_lived.admin("POST", "reset")
    access = _tokens(short_lived)["access"]
    frozen = short_lived.admin("POST", "clock", json={"freeze": True}).json()
    assert frozen["frozen"] is True
    assert _institutes(short_lived, access).status_code == 200
    short_lived.admin("POST", "clock", json={"freeze": False})


@pytest.mark.slow
def test_dataset_ttl_flag_sets_the_data_set_lifetime() -> None:
    mock = start_serve("freezerworks", "--dataset-ttl", "10", "--offset-unit", "records")
    try:
        token = requests.get(
            mock.base_url + "api/v1/users/authenticate",
            auth=("demoUser", "demoPassword"),
            timeout=5,
        ).json()["properties"]["token"]
        headers = {"Authorization": f"Bearer {token}"}
        first = requests.get(
            mock.base_url + "api/v1/aliquots?limit=5", headers=headers, timeout=5
        ).json()
        dataset = first["properties"]["datasetid"]
        mock.admin("POST", "clock", json={"advance": 10})
        again = requests.get(
            mock.base_url + f"api/v1/aliquots?limit=5&offset=5&datasetid={dataset}",
            headers=headers,
            timeout=5,
        ).json()
        assert again["properties"]["datasetid"] != dataset
        assert again["properties"]["offset"] == 5
        assert mock.admin("GET", "datasets").json()["ttl"] == 10
    finally:
        stop_serve(mock)
