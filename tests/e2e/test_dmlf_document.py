"""The DMLF document's own Python client code, step by step, against `specmock serve`.

The code below is the document's (shared/seeds/000_0382d4a47fe9c57f.txt) with only BASE_URL
changed and prints turned into assertions on the documented statuses.
"""

from __future__ import annotations

import io
import json
import zipfile

import requests

from tests.e2e.conftest import ServedMock, start_serve, stop_serve

USERNAME, PASSWORD = "demo", "demo-pass-123"


def _endpoints(base: str) -> dict[str, str]:
    return {
        "TOKEN": base + "api/token/",
        "REFRESH": base + "api/token/refresh/",
        "INSTITUTES": base + "institutes/",
        "METHODS": base + "methods/",
        "FUNDINGBODIES": base + "fundingbodies/",
        "PROJECTS": base + "projects/",
        "SAMPLETYPES": base + "sampletypes/",
        "SAMPLES": base + "samples/",
        "EXPERIMENTS": base + "experiments/",
    }


def _tokens(base: str) -> tuple[str, str]:
    credentials = {"username": USERNAME, "password": PASSWORD}
    headers = {"Content-Type": "application/json"}
    response = requests.post(base + "api/token/", data=json.dumps(credentials), headers=headers)
    assert response.status_code == 200, response.text
    response_data = response.json()
    return response_data.get("access"), response_data.get("refresh")


def _session(access_token: str) -> requests.Session:
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {access_token}"})
    return session


def _zip_bytes(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, "measurement,value\n1,2\n")
    return buffer.getvalue()


def test_getting_a_token_returns_access_and_refresh(dmlf: ServedMock) -> None:
    access_token, refresh_token = _tokens(dmlf.base_url)
    assert access_token
    assert refresh_token
    assert access_token != refresh_token


def test_wrong_credentials_get_401_with_drf_detail(dmlf: ServedMock) -> None:
    response = requests.post(
        dmlf.base_url + "api/token/", json={"username": USERNAME, "password": "nope"}
    )
    assert response.status_code == 401
    assert response.json() == {"detail": "No active account found with the given credentials"}


def test_refreshing_gives_an_access_token_that_works(dmlf: ServedMock) -> None:
    _, refresh_token = _tokens(dmlf.base_url)
    headers = {"Content-Type": "application/json"}
    response = requests.post(
        dmlf.base_url + "api/token/refresh/", json={"refresh": refresh_token}, headers=headers
    )
    access_token = response.json().get("access")
    session = _session(access_token)
    assert session.get(dmlf.base_url + "institutes/").status_code == 200


def test_make_api_request_refreshes_after_the_token_expires(dmlf: ServedMock) -> None:
    # Given the document's make_api_request helper, verbatim but for BASE_URL
    endpoints = _endpoints(dmlf.base_url)
    access_token, refresh_token = _tokens(dmlf.base_url)
    session = _session(access_token)
    statuses: list[int] = []

    def refresh_access_token(refresh_token: str) -> str | None:
        response = requests.post(
            endpoints["REFRESH"],
            json={"refresh": refresh_token},
            headers={"Content-Type": "application/json"},
        )
        return response.json().get("access")

    def make_api_request(
        url: str, tokens: dict[str, str], method: str = "GET", data: object = None
    ) -> requests.Response:
        access_token = tokens["access"]
        headers = {"Authorization": f"Bearer {access_token}", "Content-Type": "application/json"}
        response = requests.request(method, url, json=data, headers=headers)
        statuses.append(response.status_code)
        if response.status_code == 401:
            new_access_token = refresh_access_token(tokens["refresh"])
            if new_access_token:
                access_token = new_access_token
                headers["Authorization"] = f"Bearer {new_access_token}"
                response = requests.request(method, url, json=data, headers=headers)
                statuses.append(response.status_code)
            session.headers.update({"Authorization": f"Bearer {access_token}"})
        return response

    tokens = {"access": access_token, "refresh": refresh_token}
    # When the access token's hour has passed (the mock's clock, advanced: no sleeping)
    assert dmlf.admin("POST", "clock", json={"advance": 3601}).ok
    response = make_api_request(endpoints["INSTITUTES"], tokens)
    # Then the first try got 401, the retry after refresh 200
    assert statuses == [401, 200]
    assert response.status_code == 200


def test_expired_access_token_gets_simplejwt_token_not_valid(dmlf: ServedMock) -> None:
    access_token, _ = _tokens(dmlf.base_url)
    dmlf.admin("POST", "clock", json={"advance": 3600})
    response = _session(access_token).get(dmlf.base_url + "institutes/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_list_detail_and_filter_institutes(dmlf: ServedMock) -> None:
    endpoints = _endpoints(dmlf.base_url)
    session = _session(_tokens(dmlf.base_url)[0])
    response = session.get(endpoints["INSTITUTES"])
    assert response.status_code == 200
    assert len(response.json()) >= 2
    id = "1"
    response = session.get(endpoints["INSTITUTES"] + id)  # no trailing slash, as in the document
    assert response.status_code == 200
    assert response.json()["id"] == 1
    params = {"city": "Freiberg"}
    response = session.get(endpoints["INSTITUTES"], params=params)
    cities = {institute["city"] for institute in json.loads(response.text)}
    assert response.status_code == 200
    assert cities == {"Freiberg"}


def test_other_read_only_lists_answer(dmlf: ServedMock) -> None:
    endpoints = _endpoints(dmlf.base_url)
    session = _session(_tokens(dmlf.base_url)[0])
    for name in ("METHODS", "FUNDINGBODIES", "PROJECTS", "SAMPLETYPES"):
        response = session.get(endpoints[name])
        assert response.status_code == 200, name
        assert response.json(), name


def test_writes_to_a_read_only_collection_answer_405(dmlf: ServedMock) -> None:
    session = _session(_tokens(dmlf.base_url)[0])
    response = session.post(dmlf.base_url + "institutes/", json={"name": "x"})
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "POST" not allowed.'}


def test_sample_type_info_gives_the_battery_structure(dmlf: ServedMock) -> None:
    session = _session(_tokens(dmlf.base_url)[0])
    sample_type_name = "Battery"
    sample_type_info_url = (
        f"{dmlf.base_url}api/sample-type-info/?sample_type_name={sample_type_name}"
    )
    response = session.get(sample_type_info_url)
    assert response.status_code == 200
    assert set(response.json()) == {"name", "composition", "manufacturer", "produced", "comment"}
    assert response.json()["manufacturer"] == {
        "type": "CharField", "help_text": "", "required": True, "allow_null": False,
    }


def _sample_data(sample_id: str) -> dict[str, object]:
    return {
        "sample_id": sample_id,
        "name": "mock sample",
        "institute": 1,
        "project": 1,
        "method": 1,
        "parent": "",
        "sample_type": 1,
        "date_created": "2024-06-16",
    }


def _sample_info_file() -> bytes:
    sample_info = {
        "name": "mock battery",
        "composition": "NMC111",
        "manufacturer": "car manufacturer",
        "produced": "",
        "comment": "here be dragons",
    }
    return json.dumps(sample_info).encode()


def test_creating_a_sample_with_its_info_file_is_201_created(dmlf: ServedMock) -> None:
    session = _session(_tokens(dmlf.base_url)[0])
    files = {"sample_info": ("sample_info.json", _sample_info_file(), "application/json")}
    response = session.post(
        dmlf.base_url + "samples/", data=_sample_data("240616_125138_010102"), files=files
    )
    assert (response.status_code, response.reason) == (201, "Created"), response.text
    created = response.json()
    # The uploaded file reads back byte for byte through the URL in the resource
    assert requests.get(created["sample_info"]).content == _sample_info_file()
    assert (
        session.get(dmlf.base_url + "samples/240616_125138_010102/").json()["name"] == "mock sample"
    )


def test_creating_a_sample_with_existing_files_is_201_created(dmlf: ServedMock) -> None:
    session = _session(_tokens(dmlf.base_url)[0])
    zip_content = _zip_bytes("sample.csv")
    files = {
        "sample_info": ("sample_info.json", io.BytesIO(_sample_info_file()), "application/json"),
        "supplementary_file": ("sample.zip", io.BytesIO(zip_content), "application/zip"),
    }
    response = session.post(
        dmlf.base_url + "samples/", data=_sample_data("240616_125138_010002"), files=files
    )
    assert response.status_code == 201, response.text
    assert requests.get(response.json()["supplementary_file"]).content == zip_content


def test_a_sample_info_file_off_the_structure_is_400_on_that_field(dmlf: ServedMock) -> None:
    session = _session(_tokens(dmlf.base_url)[0])
    files = {"sample_info": ("sample_info.json", b'{"name": "only a name"}', "application/json")}
    response = session.post(
        dmlf.base_url + "samples/", data=_sample_data("240616_125138_010003"), files=files
    )
    assert response.status_code == 400
    assert "sample_info" in response.json()


def test_creating_an_experiment_is_201_created(dmlf: ServedMock) -> None:
    session = _session(_tokens(dmlf.base_url)[0])
    files = {"sample_info": ("sample_info.json", _sample_info_file(), "application/json")}
    assert session.post(
        dmlf.base_url + "samples/", data=_sample_data("240616_125138_010102"), files=files
    ).ok
    experiment_data = {
        "name": "mock experiment",
        "method": "1",
        "date_created": "2023-04-01",
        "sample": "240616_125138_010102",
        "staff": "1",
        "project": "1",
    }
    files = {
        "experiment_file": ("experiment.zip", io.BytesIO(_zip_bytes("run.csv")), "application/zip")
    }
    response = session.post(dmlf.base_url + "experiments/", data=experiment_data, files=files)
    assert response.status_code == 201, response.text
    assert response.json()["sample"] == "240616_125138_010102"


def test_an_empty_filter_value_is_ignored_as_django_filter_does(dmlf: ServedMock) -> None:
    session = _session(_tokens(dmlf.base_url)[0])
    unfiltered = session.get(dmlf.base_url + "samples/").json()
    response = session.get(dmlf.base_url + "samples/", params={"institute": "", "parent": ""})
    assert response.status_code == 200
    assert response.json() == unfiltered


# ------------------------------------------------------------------ the whole document, in order


def test_the_documents_code_runs_step_by_step(dmlf: ServedMock) -> None:
    """The document's steps one after the other in one session, with the statuses and body
    shapes the reference deployment gives (scripts/compare_dmlf.py shows them side by side)."""
    base = dmlf.base_url
    endpoints = _endpoints(base)
    access_token, refresh_token = _tokens(base)
    session = _session(access_token)
    refreshed = requests.post(
        endpoints["REFRESH"], json={"refresh": refresh_token},
        headers={"Content-Type": "application/json"},
    )
    assert refreshed.status_code == 200
    assert set(refreshed.json()) == {"access"}
    session = _session(refreshed.json()["access"])
    institutes = session.get(endpoints["INSTITUTES"])
    assert institutes.status_code == 200
    assert set(institutes.json()[0]) == {
        "id", "name", "affiliation", "street", "postcode", "city", "telephone", "email",
        "date_registered",
    }
    assert session.get(endpoints["INSTITUTES"] + "1").json()["id"] == 1
    assert session.get(endpoints["INSTITUTES"], params={"city": "Freiberg"}).status_code == 200
    sample_types = session.get(endpoints["SAMPLETYPES"]).json()
    assert [t["name"] for t in sample_types] == ["Battery", "Solids", "Liquid", "Suspension"]
    info = session.get(f"{base}api/sample-type-info/?sample_type_name=Battery")
    assert info.status_code == 200
    files = {"sample_info": ("sample_info.json", _sample_info_file(), "application/json")}
    sample_data = _sample_data("240616_125138_010102")
    response = session.post(endpoints["SAMPLES"], data=sample_data, files=files)
    assert (response.status_code, response.reason) == (201, "Created"), response.text
    sample = response.json()
    assert "location" not in response.headers
    assert (sample["parent"], sample["user"], sample["method"]) == (None, 1, 1)
    assert sample["date_registered"].endswith("Z")
    experiment_data = {
        "name": "mock experiment", "method": "1", "date_created": "2023-04-01",
        "sample": "240616_125138_010102", "staff": "1", "project": "1",
    }
    files = {"experiment_file": ("experiment.zip", _zip_bytes("run.csv"), "application/zip")}
    response = session.post(endpoints["EXPERIMENTS"], data=experiment_data, files=files)
    assert response.status_code == 201, response.text
    assert set(response.json()) == {
        "id", "name", "date_created", "experiment_file", "date_registered", "sample", "method",
        "staff", "project", "user",
    }


# ------------------------------------------------------------------ what the service does


def test_a_form_encoded_patch_answers_200(dmlf: ServedMock) -> None:
    session = _session(_tokens(dmlf.base_url)[0])
    response = session.patch(
        dmlf.base_url + "samples/240101_090000_010007/", data={"name": "renamed"}
    )
    assert response.status_code == 200, response.text
    assert response.request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert response.json()["name"] == "renamed"


def test_a_slash_less_post_is_redirected_and_creates_nothing(dmlf: ServedMock) -> None:
    session = _session(_tokens(dmlf.base_url)[0])
    files = {"sample_info": ("sample_info.json", _sample_info_file(), "application/json")}
    first = session.post(
        dmlf.base_url + "samples", data=_sample_data("240616_125138_010102"), files=files,
        allow_redirects=False,
    )
    assert (first.status_code, first.headers["location"]) == (301, "/samples/")
    followed = session.post(
        dmlf.base_url + "samples", data=_sample_data("240616_125138_010102"), files=files
    )
    assert (followed.status_code, followed.request.method) == (200, "GET")
    assert session.get(dmlf.base_url + "samples/240616_125138_010102/").status_code == 404


def test_a_supplementary_file_that_is_no_zip_is_refused(dmlf: ServedMock) -> None:
    session = _session(_tokens(dmlf.base_url)[0])
    files = {
        "sample_info": ("sample_info.json", _sample_info_file(), "application/json"),
        "supplementary_file": ("sample.zip", b"plain text", "application/zip"),
    }
    response = session.post(
        dmlf.base_url + "samples/", data=_sample_data("240616_125138_010004"), files=files
    )
    assert response.status_code == 400
    assert response.json() == {"supplementary_file": ["Only zip files are allowed."]}


def test_a_method_code_above_the_highest_method_id_is_refused(dmlf: ServedMock) -> None:
    session = _session(_tokens(dmlf.base_url)[0])
    files = {"sample_info": ("sample_info.json", _sample_info_file(), "application/json")}
    response = session.post(
        dmlf.base_url + "samples/", data=_sample_data("240616_125138_010103"), files=files
    )
    assert response.status_code == 400
    assert response.json() == {
        "sample_id": ["The method code 103 exceeds the highest method id 102."]
    }


def test_a_referenced_sample_is_not_deleted(dmlf: ServedMock) -> None:
    session = _session(_tokens(dmlf.base_url)[0])
    response = session.delete(dmlf.base_url + "samples/240101_090000_010007/")
    assert response.status_code == 409
    assert set(response.json()) == {"detail"}
    assert session.get(dmlf.base_url + "samples/240101_090000_010007/").status_code == 200


def test_the_eleventh_anonymous_request_of_a_day_is_throttled(dmlf: ServedMock) -> None:
    credentials = {"username": USERNAME, "password": PASSWORD}
    for _ in range(10):
        assert requests.post(dmlf.base_url + "api/token/", json=credentials).status_code == 200
    refused = requests.post(dmlf.base_url + "api/token/", json=credentials)
    assert refused.status_code == 429
    wait = int(refused.headers["retry-after"])
    assert refused.json() == {
        "detail": f"Request was throttled. Expected available in {wait} seconds."
    }
    dmlf.admin("POST", "clock", json={"advance": wait + 1})
    assert requests.post(dmlf.base_url + "api/token/", json=credentials).status_code == 200


def test_serve_without_throttling_lets_every_login_through() -> None:
    mock = start_serve("dmlf", "--no-throttle")
    try:
        credentials = {"username": USERNAME, "password": PASSWORD}
        statuses = {
            requests.post(mock.base_url + "api/token/", json=credentials).status_code
            for _ in range(12)
        }
    finally:
        stop_serve(mock)
    assert statuses == {200}


def test_an_empty_required_reference_may_not_be_null(dmlf: ServedMock) -> None:
    # DRF reads '' of a relation as null; an experiment's sample may not be null
    session = _session(_tokens(dmlf.base_url)[0])
    experiment_data = {
        "name": "x", "method": "1", "date_created": "2023-04-01", "sample": "", "staff": "1",
        "project": "1",
    }
    files = {"experiment_file": ("experiment.zip", _zip_bytes("run.csv"), "application/zip")}
    response = session.post(dmlf.base_url + "experiments/", data=experiment_data, files=files)
    assert response.status_code == 400
    assert response.json() == {"sample": ["This field may not be null."]}
