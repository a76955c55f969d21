"""The calls a real Freezerworks client makes, in its order, against `specmock serve`.

Penn State's `Freezerworks-Processor` (thussenthan/Freezerworks-Processor, MIT) was driven
against the mock; these tests are our own and make the same calls, in the same order, reading
the same keys from the answers: a token check on `freezers/`, a field's `allowableEntries`, a
`search/` for a sample's FreezerworksID, aliquots created under the sample (one, or several read
as `entities[i]["PK_AliquotUID"]`), partial updates with POST, locations written as
`fwLocation`, and labels printed as a PDF. Other real-client calls the reality notes list
(`aliquots?limit=0`, `requisitions/`) and the guide's user example close the file.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
import requests
from pypdf import PdfReader

from tests.e2e.conftest import ServedMock

SITE_FIELD, TIMEPOINT_FIELD, MASTER_ID_FIELD = 10182, 10191, 10166


class Client:
    """A bearer session on the mock's /api/v1, as the real client builds its headers."""

    def __init__(self, mock: ServedMock) -> None:
        self.base = mock.base_url + "api/v1"
        login = requests.get(self.base + "/users/authenticate", auth=("demoUser", "demoPassword"))
        assert login.status_code == 200, login.text
        self.headers = {
            "Content-Type": "application/json",
            "Authorization": "Bearer " + login.json()["properties"]["token"],
        }

    def get(self, path: str) -> requests.Response:
        return requests.get(self.base + path, headers=self.headers, timeout=10)

    def post(self, path: str, body: Any) -> requests.Response:
        return requests.post(self.base + path, json=body, headers=self.headers, timeout=10)

    def ok(self, response: requests.Response, status: int = 200) -> Any:
        assert response.status_code == status, response.text
        return response.json()

    def token_works(self) -> bool:
        """The client's check: `GET freezers/` answering 200 means the token is good."""
        return self.get("/freezers/").status_code == 200

    def site(self, number: int) -> str | None:
        """The collection site whose entry starts with `number` (its pick list's keys)."""
        entries = self.ok(self.get(f"/fields/{SITE_FIELD}"))["properties"]["allowableEntries"]
        table = {int(e.split(" ", 1)[0]): e for e in entries if len(e.split(" ", 1)) == 2}
        return table.get(number)

    def sample_aliquots_url(self, master_id: str) -> str:
        """The client's search for a sample by its Master_ID, then its aliquots' URL."""
        search = {
            "table": "Samples",
            "listViewId": -9,
            "limit": 1,
            "searchLines": [
                {
                    "lineNumber": 1,
                    "fieldId": MASTER_ID_FIELD,
                    "comparison": "in",
                    "compareValue": master_id,
                    "openParensCount": 0,
                    "closeParensCount": 0,
                }
            ],
        }
        found = self.ok(self.post("/search/", search))
        return f"/samples/{found['properties']['results'][0]['FreezerworksID']}/aliquots"

    def timepoint(self, aliquot_id: int, value: str) -> None:
        """The client's study-timepoint update: a pick-list entry, or Other with the text."""
        entries = self.ok(self.get(f"/fields/{TIMEPOINT_FIELD}"))["properties"]["allowableEntries"]
        normalized = {"".join(e.lower().split()): e for e in entries}
        if "".join(value.lower().split()) in normalized:
            body = {"pk_time_point": value}
        else:
            body = {"Study_timepoint_other": value, "pk_time_point": "Other"}
        self.ok(self.post(f"/aliquots/{aliquot_id}", body))

    def labels(self, layout: int, aliquot_ids: list[int]) -> PdfReader:
        response = self.post(
            f"/labels/{layout}/print", {"aliquots": aliquot_ids, "numberOfLabelsPerAliquot": 1}
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        return PdfReader(io.BytesIO(response.content))


@pytest.fixture
def client(freezerworks: ServedMock) -> Client:
    return Client(freezerworks)


def _page_text(pdf: PdfReader) -> list[str]:
    return [page.extract_text() for page in pdf.pages]


def test_pk_aliquots_are_created_together_timed_and_labelled(client: Client) -> None:
    # Given the client's checks and lookups for sample 0012
    assert client.token_works()
    site = client.site(1)
    assert site is not None
    assert site.startswith("01 ")
    url = client.sample_aliquots_url("0012")
    assert url == "/samples/100012/aliquots"
    # When three PK aliquots are created in one call
    body = {
        "numberOfAliquots": 3,
        "WorkflowStatus": "Available",
        "Date_of_Collection": "2024-05-02",
        "Sample_Collection_Site": site,
        "Sample_Notes": "",
        "Sample_Study_ID": "BCC18-004",
        "Aliquot_Type": "Plasma for PK analysis",
        "Freezing_Date": "2024-05-02",
        "PK_Time_Point_W_R_To_Dose": "2 h",
    }
    created = client.ok(client.post(url, body), 201)
    ids = [entity["PK_AliquotUID"] for entity in created["entities"]]
    # Then three distinct aliquots of the sample exist, each takes its timepoint, and the
    # labels are a PDF with one page per aliquot
    assert len(set(ids)) == 3
    for aliquot_id in ids:
        client.timepoint(aliquot_id, "Baseline")
        aliquot = client.ok(client.get(f"/aliquots/{aliquot_id}"))["properties"]
        assert (aliquot["FK_SampleUID"], aliquot["pk_time_point"]) == (100012, "Baseline")
        assert aliquot["WorkflowStatus"] == "Available"
    pages = _page_text(client.labels(4, ids))
    assert len(pages) == 3
    assert all(f"Freezerworks ID {i}" in text for i, text in zip(ids, pages, strict=True))


def test_a_parent_aliquot_and_its_child_are_linked_and_updated_by_post(client: Client) -> None:
    # Given the sample of Master_ID 0013 (a bone marrow aspirate)
    assert client.token_works()
    url = client.sample_aliquots_url("013".rjust(4, "0"))
    body: dict[str, Any] = {
        "numberOfAliquots": 1,
        "WorkflowStatus": "Available",
        "Date_of_Collection": "2024-05-02",
        "Sample_Collection_Site": client.site(2),
        "Sample_Notes": "",
        "Sample_Study_ID": "NMTT-373-03",
        "Aliquot_Type": "Bone Marrow Aspirate",
    }
    # When the parent is created, then a child naming it, then the parent updated with POST
    parent = client.ok(client.post(url, body), 201)["properties"]["PK_AliquotUID"]
    body.update({"Subaliquot_Type": "MNC", "Freezing_Date": "2024-05-02",
                 "PK_ParentAliquotID": parent})
    child = client.ok(client.post(url, body), 201)["properties"]["PK_AliquotUID"]
    update = {"Passage_number": 0, "Cell_Line_Name_": f"SL00013-{parent}",
              "Subaliquot_Type": "Cultured"}
    client.ok(client.post(f"/aliquots/{parent}", update))
    client.timepoint(parent, "Day 181")
    # Then the child names its parent, the parent holds the update and an Other timepoint,
    # and the child's label prints
    assert client.ok(client.get(f"/aliquots/{child}"))["properties"]["PK_ParentAliquotID"] == parent
    read = client.ok(client.get(f"/aliquots/{parent}"))["properties"]
    assert {k: read[k] for k in update} == update
    assert (read["pk_time_point"], read["Study_timepoint_other"]) == ("Other", "Day 181")
    assert len(client.labels(9, [child]).pages) == 1


def test_passaged_cells_are_created_one_by_one_and_labelled_by_layout(client: Client) -> None:
    # Given a passage-3 culture of sample 0020: four frozen cultures, the last also for IDEXX
    assert client.token_works()
    url = client.sample_aliquots_url("020".rjust(4, "0"))
    body = {
        "numberOfAliquots": 1,
        "WorkflowStatus": "Available",
        "Subaliquot_Type": "Cultured",
        "Cell_Line_Name_": "CL-20",
        "Sample_Study_ID": "NMTT-373-03",
        "Aliquot_Type": "Cultured cells",
        "Date_of_Collection": "2024-05-02",
        "Sample_Collection_Site": client.site(2),
        "Date_of_Culture_Initiation": "2024-05-03",
        "Passage_number": 3,
        "Freezing_Date": "2024-05-10",
        "Media": "DMEM",
        "Serum_Supplement": "20%  FBS",
        "Sample_Notes": "note",
    }
    # When each is created, the IDEXX one's notes updated by POST, and both label sets printed
    ids = [client.ok(client.post(url, body), 201)["properties"]["PK_AliquotUID"] for _ in range(5)]
    frozen, idexx = ids[:4], ids[4:]
    client.ok(client.post(f"/aliquots/{idexx[0]}", {"Sample_Notes": "IDEXX note"}))
    # Then the labels are PDFs of four and one pages, and the notes changed only on IDEXX
    assert len(client.labels(3, frozen).pages) == 4
    assert len(client.labels(7, idexx).pages) == 1
    notes = [client.ok(client.get(f"/aliquots/{i}"))["properties"]["Sample_Notes"] for i in ids]
    assert notes == ["note"] * 4 + ["IDEXX note"]


@pytest.mark.parametrize(
    ("aliquot_id", "location"),
    [
        (100089, {"FK_FreezerSectID": 10016, "position1": "3", "position2": "12",
                  "position3": "40"}),
        (110003, {"FK_FreezerSectID": 10014, "position1": "1", "position2": "2",
                  "position3": "3", "position4": "4", "position5": "5"}),
    ],
)
def test_an_aliquot_without_a_location_is_put_away_with_fw_location(
    client: Client, aliquot_id: int, location: dict[str, Any]
) -> None:
    # Given an aliquot whose position1 is empty (the client's condition for assigning one)
    assert client.token_works()
    before = client.ok(client.get(f"/aliquots/{aliquot_id}"))["properties"]
    assert not before.get("position1")
    # When its location is written as fwLocation with POST
    client.ok(client.post(f"/aliquots/{aliquot_id}", {"fwLocation": location}))
    # Then it reads back as the section and positions, and nothing else changed
    after = client.ok(client.get(f"/aliquots/{aliquot_id}"))["properties"]
    assert {k: after[k] for k in location} == location
    unchanged = set(before) - set(location) - {f"position{i}" for i in range(1, 6)}
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}


def test_an_aliquot_with_a_location_shows_position1(client: Client) -> None:
    # Given an aliquot stored in section 10016 (the client then refuses to move it)
    # When it is read
    aliquot = client.ok(client.get("/aliquots/100088"))["properties"]
    # Then position1 is set
    assert aliquot["position1"] == "2"


def test_fw_location_naming_no_section_lists_the_error(client: Client) -> None:
    # Given a location in a section that does not exist, and a wrong user field besides
    body = {"fwLocation": {"FK_FreezerSectID": 99999, "position1": "1"}, "Passage_number": -1}
    # When it is posted
    response = client.post("/aliquots/100089", body)
    # Then one error per wrong input comes back in the guide's envelope, with a self link
    assert response.status_code == 400
    entity = response.json()
    pointers = sorted(e["meta"]["pointer"] for e in entity["properties"]["errors"])
    assert pointers == ["/body/Passage_number", "/body/fwLocation/FK_FreezerSectID"]
    assert {e["error_code"] for e in entity["properties"]["errors"]} == {"bad_request"}
    assert entity["links"] == [{"rel": ["self"], "href": client.base + "/aliquots/100089"}]


def test_a_bad_token_fails_the_client_check(client: Client) -> None:
    # Given a tampered token
    client.headers["Authorization"] += "x"
    # When the client checks it
    response = client.get("/freezers/")
    # Then it is refused with 401 and an invalid_token error
    assert response.status_code == 401
    assert response.json()["properties"]["errors"][0]["error_code"] == "invalid_token"


def test_limit_zero_lists_every_aliquot(client: Client) -> None:
    # Given the aliquot list's total
    total = client.ok(client.get("/aliquots?limit=1"))["properties"]["total"]
    # When the whole list is asked for with limit=0
    listed = client.ok(client.get("/aliquots/?limit=0"))
    # Then every aliquot is in `entities`, once
    ids = [e["properties"]["PK_AliquotUID"] for e in listed["entities"]]
    assert len(ids) == len(set(ids)) == total
    assert not [link for link in listed["links"] if link["rel"] == ["next"]]


def test_a_requisition_is_created_and_read_back(client: Client) -> None:
    # Given the requisition body a real client sends
    body = {
        "aliquots": {"fieldName": "PK_AliquotUID", "aliquotsRequested": [100088, 102993]},
        "purpose": "",
        "shipToContactId": 0,
        "customShipToAddress": {"name": "Assay Lab", "city": "Hershey"},
    }
    # When it is posted (with the trailing slash) and read back by its Location
    created = client.post("/requisitions/", body)
    assert created.status_code == 201, created.text
    read = requests.get(created.headers["location"], headers=client.headers, timeout=10)
    # Then it holds what was sent and is pending
    properties = read.json()["properties"]
    assert {k: properties[k] for k in body} == body
    assert properties["Status"] == "Pending"


def test_the_guides_user_links_its_group_and_role(client: Client) -> None:
    # Given the guide's example user -8
    user = client.ok(client.get("/users/-8"))
    # When its sub-entities are followed
    linked = {tuple(e["rel"]): e for e in user["entities"]}
    group = requests.get(linked[("user",)]["links"][0]["href"], headers=client.headers)
    role = requests.get(linked[("user-role",)]["links"][0]["href"], headers=client.headers)
    # Then they are group 6 and built-in role -8, as in the guide
    assert user["properties"]["id"] == -8
    assert (group.json()["properties"]["id"], role.json()["properties"]["id"]) == (6, -8)
    assert user["properties"]["webPreferences"]["dateFormat"]
