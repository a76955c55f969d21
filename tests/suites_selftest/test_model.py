"""The suites' contract model reads everything from the document and its `x-specmock`."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from specmock.core.pointers import resolve
from specmock.suites_support import ContractModel, Security
from specmock.suites_support.schemas import find_placeholder, object_shape
from tests.suites_selftest.harness import CONTRACTS


@pytest.fixture(scope="module")
def dmlf() -> ContractModel:
    return ContractModel.load(CONTRACTS / "dmlf")


@pytest.fixture(scope="module")
def freezerworks() -> ContractModel:
    return ContractModel.load(CONTRACTS / "freezerworks")


def test_a_json_token_endpoint_names_where_credentials_and_tokens_go(dmlf: ContractModel) -> None:
    """Given an issueToken operation with body pointers, then the model knows them and where the
    respond template puts access and refresh tokens."""
    assert dmlf.token is not None
    assert dmlf.token.credentials == {"username": "/username", "password": "/password"}
    assert (dmlf.token.access_pointer, dmlf.token.refresh_pointer) == ("/access", "/refresh")
    assert dmlf.refresh is not None
    assert dmlf.refresh.refresh_from == "/refresh"


def test_a_basic_token_endpoint_gives_the_token_inside_a_siren_entity(
    freezerworks: ContractModel,
) -> None:
    """Given a Basic-to-JWT endpoint answering a Siren entity, then the access token pointer is
    inside its properties and there is no refresh."""
    token = freezerworks.token
    assert token is not None
    assert token.basic
    assert token.access_pointer == "/properties/token"
    assert token.refresh_pointer is None
    assert freezerworks.refresh is None


def test_protected_operations_are_those_secured_by_a_bearer_scheme(
    freezerworks: ContractModel,
) -> None:
    """Given the document's default bearer security and a Basic login, then every operation but
    the login is protected."""
    login = freezerworks.by_action("issueToken")[0]
    assert login.security is Security.BASIC
    assert {op.operation_id for op in freezerworks.operations if not op.protected} == {
        login.operation_id
    }


def test_crud_operations_are_found_by_action_and_collection(freezerworks: ContractModel) -> None:
    """Given a collection's operations, then each CRUD action maps to the plain operation (the
    scoped list of a sample's aliquots is not the collection's list; of the two partial updates,
    POST and PATCH, the first in method order is taken)."""
    labels = {
        a: op.label
        for a in ("list", "create", "read", "update", "replace", "delete")
        if (op := freezerworks.crud("aliquots", a))
    }
    assert labels == {
        "list": "GET /api/v1/aliquots",
        "create": "POST /api/v1/aliquots",
        "read": "GET /api/v1/aliquots/{aliquotId}",
        "update": "POST /api/v1/aliquots/{aliquotId}",
        "replace": "PUT /api/v1/aliquots/{aliquotId}",
        "delete": "DELETE /api/v1/aliquots/{aliquotId}",
    }


def test_a_literal_path_wins_over_a_templated_one(freezerworks: ContractModel) -> None:
    """Given /aliquots/verifyAction and /aliquots/{aliquotId}, then a POST to the literal path is
    verifyAction and a GET with an id is the read."""
    verify = freezerworks.operation_for("POST", "/api/v1/aliquots/verifyAction")
    read = freezerworks.operation_for("GET", "/api/v1/aliquots/7")
    assert verify is not None
    assert verify.action == "partition"
    assert read is not None
    assert read.action == "read"


def test_pagination_and_collections_come_from_the_root_extension(
    dmlf: ContractModel, freezerworks: ContractModel
) -> None:
    """Given the root x-specmock, then pagination, data sets and collections are read from it."""
    spec = freezerworks.pagination
    assert spec is not None
    assert spec.dataset is not None
    assert (spec.offset_unit, spec.limit_max, spec.dataset.ttl) == ("pages", 1000, 300)
    assert len(freezerworks.paginated_lists()) == 11
    assert dmlf.paginated_lists() == []
    samples = dmlf.collections["samples"]
    assert samples.id_source == "client"
    assert samples.json_files["sample_info"].via == "sample_type"
    assert dmlf.writable_collections() == ["samples", "experiments"]


def test_write_schemas_are_flattened_through_all_of(freezerworks: ContractModel) -> None:
    """Given a body schema built with allOf, then its merged shape has every property and the
    required names of all parts."""
    create = freezerworks.crud("aliquots", "create")
    assert create is not None
    shape = object_shape(create.bodies["application/json"])
    assert shape.closed
    assert {"FK_SampleUID", "AliquotBarcode", "Sample_Notes"} <= set(shape.writable())
    assert {"FK_SampleUID", "Aliquot_Type"} == shape.required


JSON = st.recursive(
    st.none() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(template=JSON, where=st.data())
def test_the_pointer_found_for_a_placeholder_leads_to_it(
    template: Any, where: st.DataObject
) -> None:
    """Given any response template with the placeholder put somewhere, then the pointer found
    resolves to the placeholder."""
    wrapped = {"outer": [template, "{access}"]} if where.draw(st.booleans()) else {"x": "{access}"}
    pointer = find_placeholder(wrapped, "{access}")
    assert pointer is not None
    assert resolve(wrapped, pointer) == "{access}"
