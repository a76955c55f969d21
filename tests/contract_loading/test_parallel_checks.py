"""Checks in a forked child answer exactly what the checks answer in process.

The forking runs in a fresh interpreter (a subprocess): forking is only done from a process with
one thread, and the test runner may have server threads running.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from specmock.contract import CHECKS, check_contract, load_contract
from specmock.contract.parallel import PendingChecks, fork_is_useful
from specmock.engine.app import ContractError, MockEngine
from tests.contract_loading.conftest import Write, openapi

ROOT = Path(__file__).resolve().parents[2]
BROKEN = openapi("""\
    paths:
      /things/{id}:
        get:
          operationId: getThing
          responses: {'200': {description: 1}}
    """)

CHILD = textwrap.dedent("""\
    import json, sys
    from specmock.contract import CHECKS, load_contract
    from specmock.contract.parallel import PendingChecks

    loaded = load_contract(sys.argv[1])
    pending = PendingChecks(loaded, CHECKS)
    print(json.dumps({"forked": pending.forked,
                      "diagnostics": [str(d) for d in pending.result()]}))
    """)


PREWARMED = textwrap.dedent("""\
    import json, os, sys
    from specmock.core.prewarmed import PrewarmedChild

    child = PrewarmedChild.start(("openapi_spec_validator",))
    from specmock.contract import load_contract, start_checks

    loaded = load_contract(sys.argv[1])
    pending = start_checks(loaded, remember=sys.argv[2] == "remember", prewarmed=child)
    result = [str(d) for d in pending.result()]
    try:
        os.waitpid(child.pid, os.WNOHANG)
        left = True
    except ChildProcessError:
        left = False
    print(json.dumps({"forked": pending.forked, "diagnostics": result, "child_left": left}))
    """)


def _in_a_fresh_process(contract: Path, script: str = CHILD, *args: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", script, str(contract), *args],
                          capture_output=True, text=True, timeout=60, cwd=ROOT, check=True)
    result: dict[str, object] = json.loads(done.stdout)
    return result


def _several_cpus() -> bool:
    return len(os.sched_getaffinity(0)) > 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forking is Linux only")
@pytest.mark.parametrize("text", [BROKEN, openapi("paths: {}\n")], ids=["broken", "clean"])
def test_a_forked_check_finds_what_an_in_process_check_finds(write: Write, text: str) -> None:
    # Given a contract
    path = write("api/openapi.yaml", text)
    # When it is checked in a child of a single-threaded process
    result = _in_a_fresh_process(path)
    # Then the child was used (where there are CPUs to spare) and found the same
    assert result["forked"] is _several_cpus()
    expected = [str(d) for d in check_contract(load_contract(path), CHECKS)]
    assert result["diagnostics"] == expected


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forking is Linux only")
@pytest.mark.parametrize("text", [BROKEN, openapi("paths: {}\n")], ids=["broken", "clean"])
def test_a_prewarmed_child_finds_what_an_in_process_check_finds(write: Write, text: str) -> None:
    # Given a contract, and a child forked before it was loaded
    path = write("api/openapi.yaml", text)
    # When the checks are handed to that child
    result = _in_a_fresh_process(path, PREWARMED, "afresh")
    # Then it ran them (where there are CPUs to spare), found the same and was reaped
    assert result["forked"] is _several_cpus()
    expected = [str(d) for d in check_contract(load_contract(path), CHECKS)]
    assert result["diagnostics"] == expected
    assert result["child_left"] is False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forking is Linux only")
def test_a_prewarmed_child_is_dismissed_when_the_check_is_remembered(
    write: Write, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Given a clean contract whose OpenAPI check has passed before (in this cache folder)
    monkeypatch.setenv("SPECMOCK_CACHE_DIR", str(tmp_path / "cache"))
    path = write("api/openapi.yaml", openapi("paths: {}\n"))
    first = _in_a_fresh_process(path, PREWARMED, "remember")
    assert first["diagnostics"] == []
    # When it is served again with a prewarmed child
    again = _in_a_fresh_process(path, PREWARMED, "remember")
    # Then nothing is forked for the checks and the child is gone
    assert again == {"forked": False, "diagnostics": [], "child_left": False}


def test_a_failing_child_is_replaced_by_checking_here(write: Write) -> None:
    # Given a check that dies in a child process but works in its parent
    parent = os.getpid()
    calls: list[int] = []

    def dies_in_a_child(contract: object) -> list[object]:
        if os.getpid() != parent:
            os._exit(3)
        calls.append(parent)
        return []

    loaded = load_contract(write("api/openapi.yaml", openapi("paths: {}\n")))
    # When the checks are forked regardless of threads (the check touches no lock)
    pending = PendingChecks(loaded, (dies_in_a_child,), fork=True)  # type: ignore[arg-type]
    # Then the result comes from running the check here
    assert pending.forked
    assert pending.result() == []
    assert calls == [parent]


def test_no_fork_with_other_threads_running() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert fork_is_useful() is False
    finally:
        stop.set()
        other.join()


def test_checks_not_forked_run_when_asked(write: Write) -> None:
    loaded = load_contract(write("api/openapi.yaml", BROKEN))
    pending = PendingChecks(loaded, CHECKS, fork=False)
    assert not pending.forked
    assert pending.result() == check_contract(loaded, CHECKS)


def test_the_checks_findings_win_over_a_compile_failure(
    write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a contract with problems whose compilation would also fail
    def fails(self: MockEngine, *args: object, **kwargs: object) -> None:
        raise RuntimeError("compiler tripped")

    monkeypatch.setattr(MockEngine, "__init__", fails)
    loaded = load_contract(write("api/openapi.yaml", BROKEN))
    # When a strict engine is built, Then the contract's problems are what is reported
    with pytest.raises(ContractError, match="description"):
        MockEngine.from_loaded(loaded, PendingChecks(loaded, CHECKS, fork=False), strict=True)


def test_a_compile_failure_of_a_clean_contract_is_raised(
    write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails(self: MockEngine, *args: object, **kwargs: object) -> None:
        raise RuntimeError("compiler tripped")

    monkeypatch.setattr(MockEngine, "__init__", fails)
    loaded = load_contract(write("api/openapi.yaml", openapi("paths: {}\n")))
    with pytest.raises(RuntimeError, match="compiler tripped"):
        MockEngine.from_loaded(loaded, PendingChecks(loaded, CHECKS, fork=False))
