"""Reading corpus cases: a malformed case.yaml is one clear error naming file and pointer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.corpus_case import CaseError, discover, read_case

CORPUS = Path(__file__).resolve().parent / "corpus"


def _case(tmp_path: Path, text: str) -> Path:
    (tmp_path / "case.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_every_committed_case_reads() -> None:
    # Given the committed corpus, when each case is read, then none is malformed
    cases = [read_case(path) for path in discover(CORPUS)]
    assert cases, "the corpus has no case"
    assert all(case.document or case.generate for case in cases)


def test_unknown_row_key_is_named_with_its_pointer(tmp_path: Path) -> None:
    # Given a row with a misspelt key
    directory = _case(
        tmp_path,
        "document: a.yaml\nrequests:\n  - {name: x, method: GET, path: /, expct: {}, "
        "expect: {status: 200}}\n",
    )
    # When it is read, then the error names the file, the row and the key
    with pytest.raises(CaseError, match=r"case\.yaml: /requests/0: unknown keys \['expct'\]"):
        read_case(directory)


def test_status_must_be_an_integer(tmp_path: Path) -> None:
    # Given a row whose status is text
    directory = _case(
        tmp_path, "document: a.yaml\nrequests:\n  - {name: x, method: GET, path: /, "
        "expect: {status: ok}}\n"
    )
    # Then reading it says where and what is expected
    with pytest.raises(CaseError, match=r"/requests/0/expect: a mapping with an integer"):
        read_case(directory)


def test_document_and_generate_are_exclusive(tmp_path: Path) -> None:
    # Given a case with both a document and a generator
    directory = _case(tmp_path, "document: a.yaml\ngenerate: [gen.py]\n")
    # Then it is refused
    with pytest.raises(CaseError, match="exactly one of 'document' and 'generate'"):
        read_case(directory)


def test_repeated_row_names_are_refused(tmp_path: Path) -> None:
    # Given two rows with one name
    row = "  - {name: same, method: GET, path: /, expect: {status: 200}}\n"
    directory = _case(tmp_path, "document: a.yaml\nrequests:\n" + row + row)
    # Then reading says which name repeats
    with pytest.raises(CaseError, match=r"row names repeat: \['same'\]"):
        read_case(directory)


def test_unknown_shape_is_refused(tmp_path: Path) -> None:
    # Given a row expecting a shape outside the list
    directory = _case(
        tmp_path, "document: a.yaml\nrequests:\n  - {name: x, method: GET, path: /, "
        "expect: {status: 200, shape: blob}}\n"
    )
    # Then the error lists the shapes there are
    with pytest.raises(CaseError, match=r"/requests/0/expect/shape: 'blob' is not one of"):
        read_case(directory)
