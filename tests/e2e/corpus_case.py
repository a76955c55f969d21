"""One case of the e2e corpus: a document written for the project, and its request table.

A case lives in `tests/e2e/corpus/<name>/case.yaml` (format: tests/e2e/corpus/README.md). This
module reads and checks a case file, serves its document with a real `specmock serve` process
and runs one row of its table; `test_corpus.py` drives it. Kept apart from the test module so
the reading is unit-tested (a malformed case is one clear error, not a confusing test failure).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import requests
import yaml

CASE_KEYS = {"document", "generate", "serve_args", "warnings", "conformance", "requests"}
ROW_KEYS = {"name", "method", "path", "query", "headers", "json", "text", "save", "expect"}
EXPECT_KEYS = {"status", "media_type", "shape", "schema", "contains", "headers"}
SHAPES = {"object", "array", "string", "number", "xml", "text", "empty", "any"}
# A start-up warning line: `file:line:column: pointer: message`, as `specmock lint` prints it.
WARNING_LINE = re.compile(r"^\S+:\d+:\d+: ")
READY_LINE = re.compile(r"on (http://\S+?) - ready")


class CaseError(ValueError):
    """A case file that does not follow the corpus format (message names file and key)."""


@dataclass(frozen=True)
class Row:
    """One request of a case's table and what its answer must be."""

    name: str
    method: str
    path: str
    query: dict[str, Any]
    headers: dict[str, str]
    json_body: Any
    text_body: str | None
    has_json: bool
    save: dict[str, str]
    expect: dict[str, Any]


@dataclass(frozen=True)
class Case:
    """A corpus case as read from its directory."""

    name: str
    directory: Path
    document: str | None
    generate: list[str]
    serve_args: list[str]
    warnings: list[str]
    conformance: bool
    rows: list[Row]


def _fail(where: Path, message: str) -> CaseError:
    return CaseError(f"{where}: {message}")


def _check_keys(where: Path, pointer: str, given: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(given) - allowed)
    if unknown:
        raise _fail(where, f"{pointer}: unknown keys {unknown} (allowed: {sorted(allowed)})")


def _read_row(where: Path, index: int, raw: Any) -> Row:
    pointer = f"/requests/{index}"
    if not isinstance(raw, dict):
        raise _fail(where, f"{pointer}: a row is a mapping")
    _check_keys(where, pointer, raw, ROW_KEYS)
    for key in ("name", "method", "path", "expect"):
        if key not in raw:
            raise _fail(where, f"{pointer}: '{key}' is required")
    expect = raw["expect"]
    if not isinstance(expect, dict) or not isinstance(expect.get("status"), int):
        raise _fail(where, f"{pointer}/expect: a mapping with an integer 'status'")
    _check_keys(where, f"{pointer}/expect", expect, EXPECT_KEYS)
    shape = expect.get("shape", "any")
    if shape not in SHAPES:
        raise _fail(where, f"{pointer}/expect/shape: {shape!r} is not one of {sorted(SHAPES)}")
    if "json" in raw and "text" in raw:
        raise _fail(where, f"{pointer}: give 'json' or 'text', not both")
    return Row(
        name=str(raw["name"]),
        method=str(raw["method"]).upper(),
        path=str(raw["path"]),
        query=dict(raw.get("query") or {}),
        headers={str(k): str(v) for k, v in (raw.get("headers") or {}).items()},
        json_body=raw.get("json"),
        text_body=raw.get("text"),
        has_json="json" in raw,
        save={str(k): str(v) for k, v in (raw.get("save") or {}).items()},
        expect=expect,
    )


def read_case(directory: Path) -> Case:
    """Read and check `directory/case.yaml`."""
    where = directory / "case.yaml"
    try:
        raw = yaml.safe_load(where.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise _fail(where, f"cannot be read: {error}") from error
    if not isinstance(raw, dict):
        raise _fail(where, "a case file is a mapping")
    _check_keys(where, "", raw, CASE_KEYS)
    if ("document" in raw) == ("generate" in raw):
        raise _fail(where, "give exactly one of 'document' and 'generate'")
    rows = [_read_row(where, i, row) for i, row in enumerate(raw.get("requests") or [])]
    names = [row.name for row in rows]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise _fail(where, f"/requests: row names repeat: {duplicates}")
    return Case(
        name=directory.name,
        directory=directory,
        document=raw.get("document"),
        generate=[str(part) for part in raw.get("generate") or []],
        serve_args=[str(arg) for arg in raw.get("serve_args") or []],
        warnings=[str(w) for w in raw.get("warnings") or []],
        conformance=bool(raw.get("conformance", True)),
        rows=rows,
    )


def discover(corpus: Path) -> list[Path]:
    """Every case directory of the corpus, by name."""
    return sorted(path.parent for path in corpus.glob("*/case.yaml"))


def document_path(case: Case, root: Path, scratch: Path) -> Path:
    """The case's document: the file named, or the one its generator writes into `scratch`."""
    if case.document is not None:
        return case.directory / case.document
    script, *args = case.generate
    out = scratch / case.name
    subprocess.run(
        [sys.executable, str(root / script), *args, "--out", str(out)],
        check=True,
        cwd=root,
        capture_output=True,
    )
    return out / "openapi.yaml"


@dataclass
class ServedCase:
    """A running `specmock serve` for one case, with what it printed before it was ready."""

    process: subprocess.Popen[str]
    base_url: str
    startup_lines: list[str]
    later_lines: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """The start-up warning lines (`file:line:column: ...`)."""
        return [line for line in self.startup_lines if WARNING_LINE.match(line)]

    def stop(self) -> None:
        """Terminate the server and wait for it."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def serve(document: Path, serve_args: list[str], cwd: Path, timeout: float = 60) -> ServedCase:
    """Start `specmock serve DOCUMENT --check-responses` on a free port; return once ready."""
    command = [
        sys.executable, "-m", "specmock.cli", "serve", str(document),
        "--port", "0", "--check-responses", *serve_args,
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    ready: list[str] = []
    seen_ready = threading.Event()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            line = line.rstrip("\n")
            match = READY_LINE.search(line)
            if match and not seen_ready.is_set():
                ready.append(match.group(1))
                seen_ready.set()
            elif not seen_ready.is_set():
                lines.append(line)
        seen_ready.set()

    threading.Thread(target=pump, daemon=True).start()
    if not seen_ready.wait(timeout) or not ready:
        process.kill()
        raise RuntimeError(
            f"specmock serve {document} did not become ready:\n" + "\n".join(lines[-40:])
        )
    return ServedCase(process, ready[0].rstrip("/") + "/", lines)


def _substitute(text: str, saved: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(saved.get(m.group(1), m.group(0))), text)


def send(base_url: str, row: Row, saved: dict[str, Any]) -> requests.Response:
    """Send one row's request, with saved values put into its path."""
    body: bytes | None = None
    headers = dict(row.headers)
    if row.has_json:
        body = json.dumps(row.json_body).encode()
        headers.setdefault("Content-Type", "application/json")
    elif row.text_body is not None:
        body = row.text_body.encode()
    return requests.request(
        row.method,
        base_url + _substitute(row.path, saved).lstrip("/"),
        params=row.query,
        headers=headers,
        data=body,
        timeout=30,
        allow_redirects=False,
    )


def _shape_problem(shape: str, response: requests.Response) -> str | None:
    raw = response.content
    if shape == "any":
        return None
    if shape == "empty":
        return None if raw == b"" else f"expected no body, got {raw[:80]!r}"
    if shape == "xml":
        return None if raw.lstrip().startswith(b"<") else f"expected XML, got {raw[:80]!r}"
    if shape == "text":
        try:
            json.loads(raw)
        except ValueError:
            return None if raw else "expected a text body, got none"
        if raw.strip()[:1] in (b'"', b"{", b"["):
            return f"expected plain text, got JSON {raw[:80]!r}"
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return f"expected a JSON {shape}, got {raw[:80]!r}"
    wanted = {"object": dict, "array": list, "string": str, "number": (int, float)}[shape]
    if not isinstance(value, wanted) or isinstance(value, bool):
        return f"expected a JSON {shape}, got {type(value).__name__}: {raw[:80]!r}"
    return None


def check(row: Row, response: requests.Response) -> list[str]:
    """Every way the answer departs from the row's expectation (empty: it meets it)."""
    expect = row.expect
    problems: list[str] = []
    if response.status_code != expect["status"]:
        problems.append(f"status {response.status_code}, expected {expect['status']}")
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if "media_type" in expect and media_type != str(expect["media_type"]).lower():
        problems.append(f"media type {media_type!r}, expected {expect['media_type']!r}")
    shape_problem = _shape_problem(str(expect.get("shape", "any")), response)
    if shape_problem:
        problems.append(shape_problem)
    if "schema" in expect and not shape_problem:
        try:
            jsonschema.validate(json.loads(response.content), expect["schema"])
        except (ValueError, jsonschema.ValidationError) as error:
            problems.append(f"body does not match the expected schema: {str(error)[:200]}")
    text = response.content.decode("utf-8", "replace")
    for needle in expect.get("contains") or []:
        if str(needle) not in text:
            problems.append(f"body lacks {needle!r}")
    for name, needle in (expect.get("headers") or {}).items():
        value = response.headers.get(name)
        if value is None:
            problems.append(f"header {name} missing")
        elif str(needle) not in value:
            problems.append(f"header {name}: {value!r} lacks {needle!r}")
    if problems:
        problems.append(f"(answer: {response.status_code} {media_type} {text[:300]!r})")
    return problems


def save_values(row: Row, response: requests.Response, saved: dict[str, Any]) -> None:
    """Keep the top-level JSON members the row asks to save."""
    if not row.save:
        return
    body = response.json()
    for name, member in row.save.items():
        saved[name] = body[member]


def run_conformance(
    document: Path, base_url: str, cwd: Path, timeout: float = 300
) -> tuple[int, str]:
    """`specmock test --suite conformance` against a served case; exit code and output tail."""
    command = [
        sys.executable, "-m", "specmock.cli", "test", "--contract", str(document),
        "--target", base_url, "--suite", "conformance", "--max-examples", "10", "--seed", "1",
    ]  # fmt: skip
    started = time.monotonic()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    tail = (result.stdout + result.stderr)[-12000:]
    return result.returncode, f"{tail}\n({time.monotonic() - started:.1f}s)"


def scratch_dir() -> Path:
    """A fresh directory for generated documents."""
    return Path(tempfile.mkdtemp(prefix="specmock-corpus-"))
