"""`lint_contract`, `run_lint` (specmock lint) and how diagnostics are shown."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from specmock.contract import Diagnostic, Severity, lint_contract, load_contract, run_lint

from .conftest import Write, all_refs, openapi

REPO = Path(__file__).resolve().parents[2]


def test_diagnostic_renders_one_line_relative_to_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a diagnostic about a file below the current directory, with a hint
    monkeypatch.chdir(tmp_path)
    diagnostic = Diagnostic(tmp_path / "api" / "openapi.yaml", "/paths", "bad\nthing", "fix it")

    # When it is rendered
    # Then it is one line: file: pointer: message (hint: ...)
    assert str(diagnostic) == "api/openapi.yaml: /paths: bad thing (hint: fix it)"


def test_a_placed_diagnostic_renders_its_line_and_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a diagnostic placed at line 3, column 5
    monkeypatch.chdir(tmp_path)
    diagnostic = Diagnostic(tmp_path / "openapi.yaml", "/paths", "bad", line=3, column=5)
    # When it is rendered
    # Then it is file:line:column: pointer: message, the shape problem matchers read
    assert str(diagnostic) == "openapi.yaml:3:5: /paths: bad"


def test_diagnostic_outside_the_current_directory_keeps_its_path(tmp_path: Path) -> None:
    # Given a warning about a file outside the current directory, without a hint
    diagnostic = Diagnostic(Path("/elsewhere/openapi.yaml"), "", "odd", None, Severity.WARNING)

    # When it is rendered
    # Then the path is shown as given and the severity is said
    assert str(diagnostic) == "/elsewhere/openapi.yaml: #: warning: odd"


def test_clean_contract_is_ok(
    write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a valid contract
    write("api/openapi.yaml", openapi("paths: {}\n"))
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()

    # When it is linted
    code = run_lint(["api"], out)

    # Then the summary says ok and the exit code is 0
    assert out.getvalue() == "api/openapi.yaml: ok\n"
    assert code == 0


def test_broken_contract_lists_its_problems(
    write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a contract with a dangling ref and an unknown extension key
    write(
        "api/openapi.yaml",
        openapi("""\
        paths: {}
        x-specmock: {colections: {}}
        components: {schemas: {Pet: {$ref: '#/components/schemas/Pett'}}}
        """),
    )
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()

    # When it is linted
    code = run_lint(["api/openapi.yaml"], out)

    # Then every problem is a line, then the count, and the exit code is 1
    assert out.getvalue().splitlines() == [
        "api/openapi.yaml:5:30: /components/schemas/Pet/$ref: unresolvable $ref "
        "'#/components/schemas/Pett': no 'Pett' in /components/schemas (hint: did you mean 'Pet'?)",
        "api/openapi.yaml:4:14: /x-specmock/colections: unknown key 'colections' "
        "(hint: did you mean 'collections'?)",
        "2 problem(s) in api/openapi.yaml",
    ]
    assert code == 1


def test_warnings_alone_do_not_fail(
    write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a contract whose only problem is an ignored x-specmock
    write("openapi.yaml", openapi("paths: {}\ncomponents: {x-specmock: {}}\n"))
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()

    # When it is linted
    code = run_lint(["."], out)

    # Then the warning is shown and counted, and the exit code is 0
    assert out.getvalue().splitlines() == [
        "openapi.yaml:4:14: /components/x-specmock: warning: x-specmock is ignored here "
        "(hint: it is read at the document's root and on operations)",
        "1 problem(s) in openapi.yaml",
    ]
    assert code == 0


def test_missing_path_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a path that does not exist
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()

    # When it is linted
    code = run_lint(["nowhere"], out)

    # Then that is one line and exit code 1
    assert out.getvalue() == "nowhere: no such file or directory\n"
    assert code == 1


def test_directory_without_openapi_yaml_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a directory with no openapi.yaml
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()

    # When it is linted
    code = run_lint(["empty"], out)

    # Then that is one line and exit code 1
    assert out.getvalue() == "empty: no openapi.yaml in this directory\n"
    assert code == 1


def test_load_contract_on_a_missing_path_returns_a_diagnostic(tmp_path: Path) -> None:
    # Given a path that does not exist
    # When it is loaded
    contract = load_contract(tmp_path / "nowhere")

    # Then nothing is raised: the result carries the problem
    assert [d.message for d in contract.diagnostics] == ["no such file or directory"]
    assert not contract.loaded
    assert not contract.ok


def test_lint_never_raises_on_garbage(write: Write, tmp_path: Path) -> None:
    # Given an openapi.yaml that is binary noise
    (tmp_path / "openapi.yaml").write_bytes(bytes(range(256)))

    # When it is linted
    problems = lint_contract(tmp_path)

    # Then the result is one error about the file
    assert len(problems) == 1
    assert problems[0].is_error
    assert problems[0].pointer == ""


def test_seed_with_a_3000_record_generate_spec_loads_fast(write: Write, tmp_path: Path) -> None:
    # Given a collection seeded by a generate spec of 3000 records and a few literal ones
    write(
        "seed/aliquots.yaml",
        "records:\n"
        + "".join(f"  - {{id: {i}}}\n" for i in range(50))
        + """\
        generate:
          count: 3000
          fields:
            id: {sequence: {start: 1000}}
            name: {format: "Aliquot {n}"}
        """.replace("        ", ""),
    )
    write(
        "openapi.yaml",
        openapi("""\
        paths: {}
        x-specmock:
          collections:
            aliquots: {idField: id, seed: {$ref: seed/aliquots.yaml}}
        """),
    )

    # When it is loaded
    contract = load_contract(tmp_path)

    # Then it is clean, and the generate spec is kept as written (not expanded into records)
    assert contract.diagnostics == ()
    assert (
        contract.document["x-specmock"]["collections"]["aliquots"]["seed"]["generate"]["count"]
        == 3000
    )


@pytest.mark.parametrize("name", ["dmlf", "freezerworks"])
def test_project_contracts_bundle_to_local_refs(name: str) -> None:
    # Given one of the project's contracts (skipped until it exists)
    path = REPO / "contracts" / name
    if not (path / "openapi.yaml").is_file():
        pytest.skip(f"contracts/{name} is not written yet")

    # When it is loaded
    contract = load_contract(path)

    # Then it loads without errors and every $ref of the bundle is local
    assert contract.errors == ()
    assert all(ref.startswith("#") for ref in all_refs(contract.document))
