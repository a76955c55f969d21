"""The Freezerworks document's "A Full Sample Request", step by step, against `specmock serve`.

The code is the document's (shared/seeds/004_7d759447735599c4.txt) with the URL pointed at the
mock and the final print turned into assertions.
"""

from __future__ import annotations

import base64

import requests

from tests.e2e.conftest import ServedMock


def test_the_full_sample_request_runs_end_to_end(freezerworks: ServedMock) -> None:
    base = freezerworks.base_url
    username = "demoUser"
    password = "demoPassword"

    # Request 1: Authentication
    jwt_url = base + "api/v1/users/authenticate"
    encodedUserPass = base64.b64encode(f"{username}:{password}".encode())  # noqa: N806
    assert encodedUserPass == b"ZGVtb1VzZXI6ZGVtb1Bhc3N3b3Jk"
    headers = {
        "Content-Type": "application/json",
        "Authorization": "Basic " + encodedUserPass.decode(),
    }
    response = requests.request("GET", jwt_url, headers=headers)
    assert response.status_code == 200, response.text
    jwt = response.json()["properties"]["token"]

    # Request 2: Aliquots for a Sample
    sample_url = base + "api/v1/samples/100001"
    headers = {"Content-Type": "application/json", "Authorization": "Bearer " + jwt}
    sample_detail_response = requests.request("GET", sample_url, headers=headers)
    assert sample_detail_response.status_code == 200, sample_detail_response.text
    aliquots_to_check = []
    for aliquot in sample_detail_response.json()["properties"]["aliquots"]:
        aliquots_to_check.append(aliquot["PK_AliquotUID"])
    assert {102992, 102993, 100088} <= set(aliquots_to_check)

    # Request 3: Verify the Aliquots
    verify_url = base + "api/v1/aliquots/verifyAction"
    payload = {"values": aliquots_to_check, "fieldName": "PK_AliquotUID", "action": "requisition"}
    verify_response = requests.request("POST", verify_url, json=payload, headers=headers)
    assert verify_response.status_code == 200, verify_response.text
    verified = verify_response.json()["properties"]["aliquots"]["verified"]
    not_verified = verify_response.json()["properties"]["aliquots"]["notVerified"]
    assert sorted(verified + not_verified) == sorted(aliquots_to_check)


def test_the_documented_verify_action_request_partitions_its_values(
    freezerworks: ServedMock,
) -> None:
    token = _token(freezerworks)
    body = {
        "values": [102992, 102993, 202100, 100088],
        "fieldName": "PK_AliquotUID",
        "action": "checkIn",
    }
    response = requests.post(
        freezerworks.base_url + "api/v1/aliquots/verifyAction",
        json=body,
        headers={"Authorization": "Bearer " + token},
    )
    assert response.status_code == 200
    lists = response.json()["properties"]["aliquots"]
    assert 202100 in lists["notVerified"]  # no such aliquot
    assert sorted(lists["verified"] + lists["notVerified"]) == sorted(body["values"])


def test_wrong_basic_credentials_get_a_siren_401(freezerworks: ServedMock) -> None:
    response = requests.get(
        freezerworks.base_url + "api/v1/users/authenticate", auth=("demoUser", "wrong")
    )
    assert response.status_code == 401
    assert response.json()["class"] == ["error"]


def test_sample_detail_links_point_at_the_mock_itself(freezerworks: ServedMock) -> None:
    token = _token(freezerworks)
    response = requests.get(
        freezerworks.base_url + "api/v1/samples/100001",
        headers={"Authorization": "Bearer " + token},
    )
    self_link = next(link for link in response.json()["links"] if "self" in link["rel"])
    assert self_link["href"] == freezerworks.base_url + "api/v1/samples/100001"


def test_the_documented_searches_example_pages(freezerworks: ServedMock) -> None:
    token = _token(freezerworks)
    headers = {"Authorization": "Bearer " + token}
    first = requests.get(freezerworks.base_url + "api/v1/searches?limit=5", headers=headers)
    second = requests.get(
        freezerworks.base_url + "api/v1/searches?limit=5&offset=5", headers=headers
    )
    assert first.status_code == second.status_code == 200
    first_ids = [e["properties"] for e in first.json()["entities"]]
    second_ids = [e["properties"] for e in second.json()["entities"]]
    assert len(first_ids) == 5
    assert first_ids != second_ids


def _token(mock: ServedMock) -> str:
    response = requests.get(
        mock.base_url + "api/v1/users/authenticate", auth=("demoUser", "demoPassword")
    )
    return str(response.json()["properties"]["token"])
