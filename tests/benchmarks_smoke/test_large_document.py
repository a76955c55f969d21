"""The large-document generator and benchmarks/large_document.py's logic, without servers.

Nothing is timed here: the probes the benchmark sends, its verdicts, and the generated document.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from specmock.contract import check_contract, load_contract
from specmock.engine.compile import iter_operations

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "scripts" / "gen_large_openapi.py"


def _load_benchmark() -> ModuleType:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location("large_document", ROOT / "benchmarks" /
                                                  "large_document.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench = _load_benchmark()


def generate(folder: Path, operations: int) -> Path:
    subprocess.run([sys.executable, str(GENERATOR), "--operations", str(operations), "--out",
                    str(folder)], check=True, capture_output=True)
    return folder / "openapi.yaml"


def test_the_generated_document_is_clean_and_has_the_operations_asked_for(
        tmp_path: Path) -> None:
    # Given a generated document of 23 operations (not a multiple of five)
    contract = load_contract(generate(tmp_path, 23))
    # Then it loads from several files, every check passes, and it has exactly 23 operations
    assert len(contract.files) > 5
    assert check_contract(contract) == []
    assert sum(1 for _ in iter_operations(contract.document)) == 23


def test_the_generator_writes_the_same_bytes_for_the_same_arguments(tmp_path: Path) -> None:
    # Given the same arguments twice
    first, second = generate(tmp_path / "a", 12).parent, generate(tmp_path / "b", 12).parent
    # Then every file is the same
    files = sorted(p.relative_to(first) for p in first.rglob("*.yaml"))
    assert files == sorted(p.relative_to(second) for p in second.rglob("*.yaml"))
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)


def test_probes_are_gets_with_path_values_their_schemas_accept(tmp_path: Path) -> None:
    # Given a generated document
    count, urls = bench.probes(generate(tmp_path, 10), 5)
    # Then the probes are its GETs, lists first, every template filled
    assert count == 10
    assert urls[0].endswith("/messaging/messages")
    assert all("{" not in url for url in urls)
    assert any(url.endswith("/messages/AB0123456789abcdef0123456789abcdef") for url in urls)


@pytest.mark.parametrize(("specmock", "prism", "met"), [
    ((1.0, 100), (2.0, 100), [True, True]),
    ((1.1, 101), (2.0, 100), [False, False]),
])
def test_verdicts_hold_time_to_half_of_prisms_and_memory_to_prisms(
        specmock: tuple[float, int], prism: tuple[float, int], met: list[bool]) -> None:
    # Given one start of each
    result = bench.DocumentResult("d", "d.yaml", 1, ["/x"], [
        bench.Start(bench.SPECMOCK_FIRST, specmock[0], specmock[1], {}),
        bench.Start(bench.PRISM, prism[0], prism[1], {})])
    # Then the targets are judged as documented
    assert [verdict[2] for verdict in bench.verdicts(result)] == met


def test_without_prism_there_is_no_verdict() -> None:
    result = bench.DocumentResult("d", "d.yaml", 1, ["/x"],
                                  [bench.Start(bench.SPECMOCK_FIRST, 1.0, 100, {})])
    assert [verdict[2] for verdict in bench.verdicts(result)] == [None, None]
