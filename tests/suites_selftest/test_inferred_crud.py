"""The suites' stateful CRUD suite on a collection inferred from a plain document: it passes on
the mock that keeps the inferred state and fails on the same document served stateless."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from specmock.engine.app import MockEngine
from specmock.engine.options import EngineOptions
from specmock.http.server import ServerThread
from tests.suites_selftest.harness import ROOT, run_suites

PETSTORE = ROOT / "tests" / "e2e" / "corpus" / "state-petstore" / "openapi.yaml"

pytestmark = pytest.mark.slow


@contextmanager
def serving(stateless: bool) -> Iterator[str]:
    engine = MockEngine.from_path(
        str(PETSTORE), EngineOptions(check_responses=True, stateless=stateless))
    server = ServerThread(engine).start()
    try:
        yield server.url
    finally:
        server.stop()


def test_the_crud_suite_passes_on_an_inferred_collection(tmp_path: Path) -> None:
    # Given the plain petstore served with its inferred collection
    with serving(stateless=False) as url:
        # When the CRUD suite runs against it
        run = run_suites(url, str(PETSTORE), ["test_crud.py"], tmp_path / "junit.xml")
    # Then it passes, having run the read-after-write, PATCH, PUT, delete and machine checks
    assert run.returncode == 0, run.output
    ran = {o.name.split("[")[0] for o in run.outcomes if not o.skipped}
    assert {"test_created_records_read_back_as_sent", "test_patch_changes_only_the_fields_it_sends",
            "test_put_replaces_the_record", "test_deleted_records_are_gone",
            "test_crud_state_machine"} <= ran, run.output


def test_the_crud_suite_fails_the_same_document_served_stateless(tmp_path: Path) -> None:
    # Given the same document served --stateless (examples only, as Prism serves it)
    with serving(stateless=True) as url:
        # When the CRUD suite runs against it, with the collection the document implies
        run = run_suites(url, str(PETSTORE), ["test_crud.py"], tmp_path / "junit.xml")
    # Then reading a created record back fails
    failure = run.failure_of("test_created_records_read_back_as_sent")
    assert failure is not None, run.output
