"""One writable collection of a target, driven through its CRUD operations and checked against
a model of what it must hold. The focused CRUD tests and the state machine share it.

The model maps record id -> the record as last read. Every write is read back: sent values
must be there (a sent "" may read back as null), uploaded files must read back byte for byte
from the URL their field holds, and a documented Location header must name the new record.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import urljoin

import requests
from hypothesis import reject

from specmock.suites_support import Exchange, Operation
from specmock.suites_support.schemas import merged
from specmock.suites_support.views import items_of, record_of
from specmock_suites.bodies import Body, BodyFactory, Pools, discover
from specmock_suites.expect import expect, expect_status, fail, warn
from specmock_suites.paging import Pager
from specmock_suites.target import Target

ACTIONS = ("list", "create", "read", "update", "replace", "delete")
MISFIT_FIELD = "specmock_unknown_field"


class Collection:
    """A writable collection of the target, with the model of its records."""

    def __init__(self, target: Target, name: str, pools: Pools | None = None) -> None:
        self.model = target.contract.model
        self.client = target.client()
        self.spec = self.model.collections[name]
        self.ops: dict[str, Operation | None] = {a: self.model.crud(name, a) for a in ACTIONS}
        pools = pools or discover(self.client, self.model, name)
        self.factory = BodyFactory(self.model, name, pools)
        self.known: dict[str, dict[str, Any]] = {}
        self.deleted: set[str] = set()
        self.last_items: list[dict[str, Any]] = []
        self.refused: list[str] = []

    def has(self, action: str) -> bool:
        """Whether the contract has this operation for the collection."""
        return self.ops.get(action) is not None

    def op(self, action: str) -> Operation:
        """The collection's operation for an action (callers check `has` first)."""
        operation = self.ops[action]
        assert operation is not None, f"no {action} operation for {self.spec.name}"
        return operation

    def rule(self, action: str, text: str) -> str:
        """A CRUD rule, naming the operation and collection it is about."""
        operation = self.ops.get(action)
        label = operation.label if operation else action
        return f"{text} ({label}: x-specmock action {action} on collection {self.spec.name})"

    # ------------------------------------------------------------------------ writes

    def create(self, body: Body) -> str:
        """POST a body: the documented status, the record read back as sent; its id."""
        operation = self.op("create")
        response = body.send(self.client, operation)
        self.factory.remember(body)  # before any check: a replayed example must not collide
        created = self.client.last
        status = operation.success_status or 201
        self.business_refusal(created, operation, body)
        expect_status(created, status, self.rule("create", f"a valid create answers {status}"))
        record = self.record(response, created, "create")
        self.check_sent(body, record, [created], "create", "the created record holds what was sent")
        record_id = str(record.get(self.spec.id_field))
        self.check_location(response, record_id, created)
        self.known[record_id] = self.read_back(record_id, body, "create")
        return record_id

    def patch(self, record_id: str, body: Body) -> None:
        """PATCH some fields: those change, every other writable field stays."""
        operation = self.op("update")
        before = self.known[record_id]
        body = self.own_id(record_id, body)
        body.send(self.client, operation, self.path(operation, record_id))
        self.factory.remember(body)
        patched = self.client.last
        status = operation.success_status or 200
        self.business_refusal(patched, operation, body)
        expect_status(patched, status, self.rule("update", "a valid PATCH is accepted"))
        after = self.read_back(record_id, body, "update")
        kept = set(self.factory.writable(operation)) - body.fields
        changed = {f: (before.get(f), after.get(f)) for f in kept if before.get(f) != after.get(f)}
        expect(
            not changed,
            self.rule("update", "PATCH changes only the fields it sends"),
            [patched, self.client.last],
            expected=f"unchanged {sorted(kept)}",
            found="; ".join(f"{f}: {old!r} became {new!r}" for f, (old, new) in changed.items()),
        )
        self.known[record_id] = after

    def put(self, record_id: str, body: Body) -> None:
        """PUT every field: the record is what was sent."""
        operation = self.op("replace")
        body = self.own_id(record_id, body)
        body.send(self.client, operation, self.path(operation, record_id))
        self.factory.remember(body)
        status = operation.success_status or 200
        self.business_refusal(self.client.last, operation, body)
        expect_status(self.client.last, status, self.rule("replace", "a valid PUT is accepted"))
        self.known[record_id] = self.read_back(record_id, body, "replace")

    def own_id(self, record_id: str, body: Body) -> Body:
        """The body of a write to a record, carrying that record's own id where it carries the
        id field at all: the URL names the record, and a write that would move it to another
        id is no rule a contract states (Swagger Petstore's PUT /user/{username})."""
        known = self.known.get(record_id, {})
        if self.spec.id_field not in body.values or self.spec.id_field not in known:
            return body
        return replace(body, values={**body.values, self.spec.id_field: known[self.spec.id_field]})

    def create_with_misfit_json_file(self, body: Body) -> None:
        """A create whose JSON files hold a field their structure lacks is refused (400)."""
        operation = self.op("create")
        parts = []
        for part in body.files:
            if part.name in self.spec.json_files:
                content = json.loads(part.content)
                content[MISFIT_FIELD] = "not a field of the structure"
                part = replace(part, content=json.dumps(content).encode())
            parts.append(part)
        misfit = replace(body, files=tuple(parts))
        misfit.send(self.client, operation)
        self.factory.remember(body)
        others = body
        for name in self.spec.json_files:
            others = others.without(name)
        self.business_refusal(self.client.last, operation, others)  # refused for another rule
        names = ", ".join(sorted(self.spec.json_files))
        expect_status(
            self.client.last,
            400,
            self.rule(
                "create",
                f"a JSON file ({names}) must have its structure (x-specmock jsonFiles): one with "
                f"a field `{MISFIT_FIELD}` the structure lacks is refused with 400",
            ),
        )

    def put_without(self, record_id: str, body: Body, left_out: str) -> None:
        """PUT without one required field is refused with 400 and changes nothing."""
        operation = self.op("replace")
        body.without(left_out).send(self.client, operation, self.path(operation, record_id))
        refused = self.client.last
        expect_status(
            refused,
            400,
            self.rule(
                "replace", f"PUT needs every required field: without `{left_out}` it is refused"
            ),
        )
        record = self.read_record(record_id)
        expect(
            record == self.known[record_id],
            self.rule("replace", "a refused PUT changes nothing"),
            [refused, self.client.last],
        )

    def delete(self, record_id: str) -> None:
        """DELETE a record; then reading it is 404."""
        operation = self.op("delete")
        self.client.call(operation, path=self.path(operation, record_id))
        status = operation.success_status or 204
        expect_status(
            self.client.last, status, self.rule("delete", "DELETE of a record is accepted")
        )
        read = self.op("read")
        self.client.call(read, path=self.path(read, record_id))
        expect_status(self.client.last, 404, self.rule("delete", "DELETE then GET must be 404"))
        self.known.pop(record_id, None)
        self.deleted.add(record_id)

    def self_protecting_field(self) -> str | None:
        """The field of this collection whose records protect the record they name from a
        delete (x-specmock `protect.referencedBy` naming this collection), if any."""
        for rule in self.spec.protected_by:
            if (
                rule.get("collection") == self.spec.name
                and rule.get("field") in self.spec.references
            ):
                return str(rule["field"])
        return None

    def delete_refused(self, record_id: str, field: str) -> None:
        """DELETE of a record another one references is refused; the record stays."""
        operation = self.op("delete")
        self.client.call(operation, path=self.path(operation, record_id))
        refused = self.client.last
        documented = sorted(
            int(s) for s in operation.responses if s.isdigit() and s.startswith("4") and s != "404"
        )
        statuses = [409] if 409 in documented else documented or [409]
        expect_status(
            refused,
            statuses,
            self.rule(
                "delete",
                f"a record that another one still references (`{field}`, x-specmock protect) "
                f"is not deleted: refused with {' or '.join(map(str, statuses))}",
            ),
        )
        self.read(record_id)

    # ------------------------------------------------------------------------ reads

    def read(self, record_id: str) -> None:
        """GET a record: it is what the model holds."""
        record = self.read_record(record_id)
        expect(
            record == self.known[record_id],
            self.rule("read", "a record reads back unchanged between writes"),
            [self.client.last],
            expected=str(self.known[record_id]),
        )

    def list_holds_what_was_created(self) -> None:
        """The list holds every live record and none of the deleted ones."""
        keys, exchange = self.list_keys({})
        missing = sorted(set(self.known) - set(keys))
        ghosts = sorted(self.deleted & set(keys))
        expect(
            not missing and not ghosts,
            self.rule("list", "the list holds every created record and no deleted one"),
            [exchange],
            found=f"missing {missing[:5]}, deleted but listed {ghosts[:5]}",
        )

    def filter_matches(self, record_id: str, param: str, field: str) -> None:
        """A filter on a record's value gives records with that value, that record among them."""
        value = self.known[record_id].get(field)
        if value in (None, "") or isinstance(value, (dict, list)):
            return  # no value to filter by (an empty filter value means no filter)
        keys, exchange = self.list_keys({param: value})
        wrong = [r for r in self.last_items if str(r.get(field)) != str(value)]
        listed = "listed" if record_id in keys else "missing"
        expect(
            not wrong and record_id in keys,
            self.rule("list", f"filter {param}={value!r} gives exactly the records with it"),
            [exchange],
            found=f"{len(wrong)} records with another {field}; record {record_id} {listed}",
        )

    def filters(self) -> dict[str, str]:
        """Query parameter -> record field of the list's exact filters."""
        listing = self.ops["list"]
        declared = (listing.ext.get("filters") or {}) if listing else {}
        return {
            p: str(f["field"]) for p, f in declared.items() if f.get("match", "exact") == "exact"
        }

    # ------------------------------------------------------------------------ helpers

    def path(self, operation: Operation, record_id: str) -> dict[str, str]:
        """Path values addressing one record."""
        return {operation.path_params[-1]: record_id}

    def record(
        self, response: requests.Response, exchange: Exchange, action: str
    ) -> dict[str, Any]:
        """The record an answer carries (Siren properties, or the JSON object)."""
        try:
            found = record_of(response.json(), self.model.siren)
        except ValueError:
            found = None
        if found is None:
            fail(self.rule(action, "the answer is the record"), [exchange], found="no record")
        return found

    def read_record(self, record_id: str) -> dict[str, Any]:
        """GET a record that must exist."""
        read = self.op("read")
        response = self.client.call(read, path=self.path(read, record_id))
        expect_status(self.client.last, 200, self.rule("read", f"record {record_id} exists"))
        return self.record(response, self.client.last, "read")

    def read_back(self, record_id: str, body: Body, action: str) -> dict[str, Any]:
        """Read a record just written: it holds the sent values and files."""
        record = self.read_record(record_id)
        text = "a written record reads back as sent"
        self.check_sent(body, record, [self.client.last], action, text)
        self.check_files(body, record, action)
        return record

    def check_sent(
        self,
        body: Body,
        record: Mapping[str, Any],
        exchanges: list[Exchange],
        action: str,
        text: str,
    ) -> None:
        """Every sent value is in the record (but `writeOnly` ones, which are never returned)."""
        fields = self.factory.writable(self.op(action))
        wrong = [
            f"{name}: sent {sent!r}, read back {record.get(name, '<absent>')!r}"
            for name, sent in body.values.items()
            if not merged(fields.get(name, {})).get("writeOnly")
            and not same_value(sent, record.get(name))
        ]
        expect(not wrong, self.rule(action, text), exchanges, found="; ".join(wrong))

    def check_files(self, body: Body, record: Mapping[str, Any], action: str) -> None:
        """Every uploaded file reads back byte for byte from the URL its field holds."""
        for part in body.files:
            url = record.get(part.name)
            expect(
                isinstance(url, str),
                self.rule(action, f"the file field `{part.name}` holds the file's URL"),
                [self.client.last],
                found=repr(url),
            )
            response = self.client.get(urljoin(self.client.base_url + "/", str(url)))
            served = response.headers.get("content-type", "").split(";")[0].strip()
            rule = self.rule(action, f"the uploaded `{part.name}` reads back byte for byte")
            size = len(response.content)
            found = f"status {response.status_code}, {served or 'no type'}, {size} bytes"
            if response.status_code != 200 or served != part.content_type:
                # The contract gives the file's URL, not how it is downloaded (DRF's media
                # files may need a web session): not a rule, so only noted.
                warn(rule, [self.client.last], found=found)
                continue
            expect(
                response.content == part.content,
                rule,
                [self.client.last],
                expected=f"{len(part.content)} bytes, as uploaded",
                found=found,
            )

    def check_location(
        self, response: requests.Response, record_id: str, created: Exchange
    ) -> None:
        """A Location header the contract requires is sent; one that is sent names the new
        record. A header the contract does not declare is not checked."""
        operation = self.op("create")
        header = operation.response_headers(operation.success_status or 201).get("location")
        if not isinstance(header, Mapping):
            return
        location = response.headers.get("location")
        if location is None:
            expect(
                not header.get("required"),
                self.rule("create", "the Location header the contract requires is sent"),
                [created],
            )
            return
        followed = self.client.get(urljoin(self.client.base_url + "/", str(location)))
        found = record_of(followed.json(), self.model.siren) if followed.ok else None
        expect(
            str((found or {}).get(self.spec.id_field)) == record_id,
            self.rule("create", "the Location header names the created record"),
            [created, self.client.last],
        )

    def business_fields(self) -> set[str]:
        """Fields whose valid values depend on the target's data or rules the schema cannot
        state: references, unique values, a client id, files and JSON files, value rules."""
        spec = self.spec
        fields = {*spec.references, *spec.unique, *spec.files, *spec.json_files}
        if spec.client_ids:
            fields.add(spec.id_field)
        fields |= set(spec.value_rules) | set(spec.file_checks)
        return fields

    def business_refusal(self, exchange: Exchange, operation: Operation, body: Body) -> None:
        """A documented 400 that names only business-rule fields the body sent refuses it on
        the target's own data (a reference it does not have, a rule on an id): not a failure,
        the example is set aside (hypothesis `reject`) and counted. A 400 about a field that was
        not sent is no judgement of the data sent, so it stays a failure."""
        received = exchange.received
        if received is None or received.status != 400 or not operation.documents(400):
            return
        try:
            errors = json.loads(received.body)
        except ValueError:
            return
        rules = self.business_fields()
        if isinstance(errors, Mapping) and errors and set(errors) <= rules & body.fields:
            shown = json.dumps(errors, ensure_ascii=False)[:160]
            self.refused.append(f"{operation.label}: {shown}")
            reject()

    def list_keys(self, query: Mapping[str, Any]) -> tuple[list[str], Exchange]:
        """Ids of every record the list gives for a query (walking its pages if paginated)."""
        listing = self.op("list")
        if listing.paginated and not query:
            return Pager(self.client, self.model, listing).everything(), self.client.last
        response = self.client.call(listing, query=query)
        expect_status(self.client.last, 200, self.rule("list", "the list answers"))
        self.last_items = items_of(response.json(), self.model.siren, self.spec.envelope) or []
        return [str(r.get(self.spec.id_field)) for r in self.last_items], self.client.last


def same_value(sent: Any, got: Any) -> bool:
    """Whether a value read back is the value sent."""
    if sent == got:
        return True
    if sent == "" and got is None:
        return True  # a blank reference means none (DRF turns "" into null)
    numbers = (int, float)
    if isinstance(sent, numbers) and isinstance(got, numbers) and not isinstance(sent, bool):
        return float(sent) == float(got)
    return False
