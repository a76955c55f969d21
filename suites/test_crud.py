"""Stateful CRUD of every writable collection (a create and a read operation in the contract).

Focused properties first (create then read back, PATCH changes only what was sent, PUT needs
every field, DELETE then 404), then a state machine that mixes creates, reads, lists, filters,
PATCHes, PUTs and DELETEs and checks every answer against a model of the collection. Bodies
are valid for the target (suites/bodies.py): references name existing records, unique values
are unused, files are real files, JSON files fit their structure.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    precondition,
    rule,
)

from specmock_suites import budget
from specmock_suites.bodies import Pools, discover
from specmock_suites.context import ContractRef
from specmock_suites.crud import Collection
from specmock_suites.target import Target


def collection_of(target: Target, collection_name: str | None, *needs: str) -> Collection:
    """The collection under test, or a skip when the contract lacks what the test needs."""
    if collection_name is None:
        pytest.skip("the contract has no collection with create and read operations")
    collection = Collection(target, collection_name)
    missing = [a for a in needs if not collection.has(a)]
    if missing:
        pytest.skip(f"collection {collection_name} has no {', '.join(missing)} operation")
    return collection


def run_check(check: Callable[[], None], collection: Collection) -> None:
    """Run a property; when the target refused every body on its business rules (a documented
    400 on references or ids, see Collection.business_refusal), skip saying so."""
    __tracebackhide__ = True
    try:
        check()
    except Unsatisfiable:
        pytest.skip(
            "the target refused every generated body on its own data with a documented 400: "
            + "; ".join(collection.refused[:3])
        )


def test_created_records_read_back_as_sent(
    contract: ContractRef, target: Target, collection_name: str | None
) -> None:
    """Given any valid body, when it is created, then the answer has the documented status and
    the record (and its Location, and its files) read back as sent."""
    collection = collection_of(target, collection_name)
    create = collection.op("create")

    @budget.examples(0.2)
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        collection.create(data.draw(collection.factory.full(create), label="body"))

    run_check(check, collection)


def test_patch_changes_only_the_fields_it_sends(
    contract: ContractRef, target: Target, collection_name: str | None
) -> None:
    """Given a created record, when some of its fields are PATCHed, then those change and every
    other writable field stays as it was."""
    collection = collection_of(target, collection_name, "update")

    @budget.examples(0.2)
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        record_id = collection.create(data.draw(collection.factory.full(collection.op("create"))))
        current = collection.known[record_id]
        patch = data.draw(collection.factory.partial(collection.op("update"), current))
        collection.patch(record_id, patch)

    run_check(check, collection)


def test_put_needs_every_required_field(
    contract: ContractRef, target: Target, collection_name: str | None
) -> None:
    """Given a created record, when a PUT leaves out a required field, then it is refused with
    400 and the record is unchanged."""
    collection = collection_of(target, collection_name, "replace")
    required = sorted(collection.factory.required(collection.op("replace")))
    if not required:
        pytest.skip("the replace operation's body requires no field")

    @budget.examples(0.1)
    @given(data=st.data(), left_out=st.sampled_from(required))
    def check(data: st.DataObject, left_out: str) -> None:
        record_id = collection.create(data.draw(collection.factory.full(collection.op("create"))))
        body = data.draw(collection.factory.full(collection.op("replace")), label="replacement")
        collection.put_without(record_id, body, left_out)

    run_check(check, collection)


def test_put_replaces_the_record(
    contract: ContractRef, target: Target, collection_name: str | None
) -> None:
    """Given a created record, when a PUT sends a whole valid body, then it is accepted and the
    record reads back as sent."""
    collection = collection_of(target, collection_name, "replace")

    @budget.examples(0.1)
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        record_id = collection.create(data.draw(collection.factory.full(collection.op("create"))))
        body = data.draw(collection.factory.full(collection.op("replace")), label="replacement")
        collection.put(record_id, body)

    run_check(check, collection)


def test_filters_give_exactly_the_records_with_their_value(
    contract: ContractRef, target: Target, collection_name: str | None
) -> None:
    """Given a created record, when the list is filtered by each declared exact filter with
    that record's value, then exactly the records with that value come back, it among them."""
    collection = collection_of(target, collection_name, "list")
    if not collection.filters():
        pytest.skip(f"the list of {collection_name} declares no exact filters")

    @budget.examples(0.1)
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        record_id = collection.create(data.draw(collection.factory.full(collection.op("create"))))
        for param, field in sorted(collection.filters().items()):
            collection.filter_matches(record_id, param, field)

    run_check(check, collection)


def test_a_record_still_referenced_is_not_deleted(
    contract: ContractRef, target: Target, collection_name: str | None
) -> None:
    """Given a created record and a second one of the same collection referring to it (the
    collection's x-specmock `protect` rule), when the first is deleted, then the delete is
    refused with the documented status and the record is still there."""
    collection = collection_of(target, collection_name, "delete")
    field = collection.self_protecting_field()
    if field is None:
        pytest.skip(f"collection {collection_name} protects no record referenced by its own")
    create = collection.op("create")

    @budget.examples(0.05, minimum=1)
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        referenced = collection.create(data.draw(collection.factory.full(create), label="first"))
        child = data.draw(collection.factory.full(create, {field: referenced}), label="second")
        collection.create(child)
        collection.delete_refused(referenced, field)

    run_check(check, collection)


def test_deleted_records_are_gone(
    contract: ContractRef, target: Target, collection_name: str | None
) -> None:
    """Given a created record, when it is deleted, then reading it answers 404 and the list no
    longer holds it."""
    collection = collection_of(target, collection_name, "delete")

    @budget.examples(0.1)
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        record_id = collection.create(data.draw(collection.factory.full(collection.op("create"))))
        collection.delete(record_id)

    run_check(check, collection)
    if collection.has("list"):
        collection.list_holds_what_was_created()


def test_json_files_must_fit_their_structure(
    contract: ContractRef, target: Target, collection_name: str | None
) -> None:
    """Given a valid body whose JSON file (x-specmock jsonFiles) also holds a field its
    structure does not have, when it is created, then it is refused with the documented 400."""
    collection = collection_of(target, collection_name)
    if not collection.spec.json_files:
        pytest.skip(f"collection {collection_name} declares no jsonFiles")
    create = collection.op("create")

    @budget.examples(0.1)
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        body = data.draw(collection.factory.full(create), label="body")
        collection.create_with_misfit_json_file(body)

    run_check(check, collection)


def test_crud_state_machine(
    contract: ContractRef, target: Target, collection_name: str | None
) -> None:
    """Given any sequence of creates, reads, lists, filters, PATCHes, PUTs and DELETEs, then
    every answer agrees with a model of the collection."""
    if collection_name is None:
        pytest.skip("the contract has no collection with create and read operations")

    pools = discover(target.client(), contract.model, collection_name)  # shared by every run
    budget.run_machine(lambda: CrudMachine(target, collection_name, pools), budget.machine(0.4))


class CrudMachine(RuleBasedStateMachine):
    """Rules over one collection; `Collection` checks each answer against its model."""

    records = Bundle("records")

    def __init__(self, target: Target, name: str, pools: Pools) -> None:
        super().__init__()
        target.reset()  # each run starts from the seed (on a specmock)
        self.c = Collection(target, name, pools)

    @rule(target=records, data=st.data())
    def create(self, data: st.DataObject) -> str:
        """POST a valid body."""
        return self.c.create(data.draw(self.c.factory.full(self.c.op("create")), label="body"))

    @rule(record_id=records)
    def read(self, record_id: str) -> None:
        """GET a live record."""
        self.c.read(record_id)

    @precondition(lambda self: self.c.has("list") and bool(self.c.known))
    @rule()
    def list_holds_what_was_created(self) -> None:
        """The list holds the live records, not the deleted ones."""
        self.c.list_holds_what_was_created()

    @precondition(lambda self: self.c.has("list") and bool(self.c.filters()) and bool(self.c.known))
    @rule(data=st.data())
    def filter_matches(self, data: st.DataObject) -> None:
        """Filter the list by a live record's value."""
        record_id = data.draw(st.sampled_from(sorted(self.c.known)), label="record")
        param, field = data.draw(st.sampled_from(sorted(self.c.filters().items())), label="filter")
        self.c.filter_matches(record_id, param, field)

    @precondition(lambda self: self.c.has("update") and bool(self.c.known))
    @rule(data=st.data())
    def patch(self, data: st.DataObject) -> None:
        """PATCH some fields of a live record."""
        record_id = data.draw(st.sampled_from(sorted(self.c.known)), label="record")
        current = self.c.known[record_id]
        body = data.draw(self.c.factory.partial(self.c.op("update"), current), label="patch")
        self.c.patch(record_id, body)

    @precondition(lambda self: self.c.has("replace") and bool(self.c.known))
    @rule(data=st.data())
    def put(self, data: st.DataObject) -> None:
        """PUT a whole new body on a live record."""
        record_id = data.draw(st.sampled_from(sorted(self.c.known)), label="record")
        body = data.draw(self.c.factory.full(self.c.op("replace")), label="replacement")
        self.c.put(record_id, body)

    @precondition(lambda self: self.c.has("delete"))
    @rule(record_id=consumes(records))
    def delete(self, record_id: str) -> None:
        """DELETE a live record."""
        self.c.delete(record_id)
