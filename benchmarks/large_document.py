"""Start-up time and memory on a large multi-file document: specmock against Prism, one run.

    .venv/bin/python benchmarks/large_document.py [--operations 659] [--runs 3]
        [--document path/to/openapi.yaml ...] [--prism-bin PATH] [--skip-prism] [--check]

Writes the generated document (scripts/gen_large_openapi.py --operations N: several hundred
operations in per-service files, shared components, deep $ref chains) to a temporary folder,
then, for it and for every `--document` given (a real public description present locally), and
for each server in turn (the order alternating between runs):

- starts the server on a free loopback port (specmock: `serve DOC --quiet`, with an empty check
  cache, a "first start", and again with the clean check remembered, a "later start"; Prism:
  `mock -v silent DOC`) and times process start -> the first 2xx answer to a GET of the
  document (a list operation, path parameters filled with values their schemas accept);
- sends the first answers: one GET to each of up to `--first-answers` operations;
- samples the resident memory of the server's whole process tree (VmRSS of the process and its
  children from /proc, summed) every 50 ms from its start until those answers are in; the peak.

Prints the medians, the ratios against Prism, and whether the targets are MET: time to first
answer at most half of Prism's, peak memory at most Prism's. Writes JSON to
benchmarks/results/large-<time>.json. Stops every process it started by its PID.
Prism is `--prism-bin`, else benchmarks/.tools/prism (npm-installed there on demand, see
run.py). Nothing here is a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shlex
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

import run  # noqa: E402  (benchmarks/run.py: Prism install, ports, process trees)

GENERATOR = ROOT / "scripts" / "gen_large_openapi.py"
TIME_TARGET = 0.5  # specmock's time to first answer at most this share of Prism's
RSS_TARGET = 1.0  # specmock's peak memory at most this share of Prism's
SPECMOCK_FIRST, SPECMOCK_LATER, PRISM = "specmock-first-start", "specmock-later-start", "prism"
LABELS = {SPECMOCK_FIRST: "specmock, first start (empty check cache)",
          SPECMOCK_LATER: "specmock, later start (clean check remembered)",
          PRISM: "Prism -v silent"}
START_TIMEOUT_S = 300.0


@dataclass
class Start:
    """One fresh start of one server on one document."""

    kind: str
    first_answer_s: float
    peak_rss_kib: int
    answers: dict[str, int]  # status counts of the first answers


@dataclass
class DocumentResult:
    """Every start on one document, and its medians."""

    name: str
    path: str
    operations: int
    probes: list[str]
    starts: list[Start] = field(default_factory=list)

    def of(self, kind: str) -> list[Start]:
        return [start for start in self.starts if start.kind == kind]

    def median_time(self, kind: str) -> float | None:
        found = self.of(kind)
        return run.median([s.first_answer_s for s in found]) if found else None

    def median_rss(self, kind: str) -> float | None:
        found = self.of(kind)
        return run.median([s.peak_rss_kib for s in found]) if found else None


# ------------------------------------------------------------------------ the probes

_CANDIDATES: tuple[Any, ...] = ("AB0123456789abcdef0123456789abcdef", "1", "a1",
                                "00000000-0000-0000-0000-000000000001", "me", 1, "2024-01-01")


def probes(document_path: Path, limit: int) -> tuple[int, list[str]]:
    """The document's operation count and up to `limit` GET URLs (paths with query) to send.

    Operations without required query or header parameters are taken, list operations
    (no path parameter after the last literal segment) first; each path parameter gets the
    first candidate value its schema accepts (its example or enum where it has one).
    """
    from specmock.contract import load_contract
    from specmock.engine.compile import iter_operations

    loaded = load_contract(document_path)
    if not loaded.loaded:
        raise SystemExit(f"{document_path}: cannot be loaded: {loaded.diagnostics[:3]}")
    document = loaded.document
    found: list[tuple[bool, str]] = []
    count = 0
    for template, method, operation, path_item in iter_operations(document):
        count += 1
        if method != "GET":
            continue
        url = _url(document, template, operation, path_item)
        if url is not None:
            found.append((template.rstrip("/").endswith("}"), url))
    found.sort(key=lambda pair: pair[0])  # stable: lists first, in document order
    return count, [url for _, url in found[:limit]]


def _url(document: dict[str, Any], template: str, operation: dict[str, Any],
         path_item: dict[str, Any]) -> str | None:
    from specmock.engine.parameters import declared_parameters

    path = template
    for spec in declared_parameters(operation, path_item, document):
        if spec.location == "path":
            value = _value_for(document, spec.schema)
            if value is None:
                return None
            path = path.replace("{" + spec.name + "}", urllib.request.quote(str(value)))
        elif spec.required:
            return None
    return path


def _value_for(document: dict[str, Any], schema: Any) -> Any:
    from specmock.engine.schemas import compile_schema

    check = compile_schema(schema or {}, document, direction="request")
    resolved = schema if isinstance(schema, dict) else {}
    own = [resolved[key] for key in ("example", "default") if key in resolved]
    own += list(resolved.get("enum", []))[:1]
    for value in [*own, *_CANDIDATES]:
        text = str(value)
        for typed in (value, text, _number(text)):
            if typed is not None and check.is_valid(typed):
                return text
    return None


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


# ------------------------------------------------------------------------ the starts

def _command(kind: str, document: Path, port: int, prism_bin: Path | None) -> list[str]:
    if kind == PRISM:
        assert prism_bin is not None
        return [str(prism_bin), "mock", "-h", run.HOST, "-p", str(port), "-v", "silent",
                str(document)]
    return [*run.specmock_command(), "serve", str(document), "--host", run.HOST, "--port",
            str(port), "--quiet"]


def _tree_rss_kib(pid: int) -> int:
    return run.rss_kib(pid) or 0


@contextlib.contextmanager
def sampling(pid: int, interval: float = 0.05) -> Iterator[list[int]]:
    """The process tree's summed VmRSS, sampled every `interval` s meanwhile (the peak is
    `max` of the list yielded)."""
    samples: list[int] = []
    stop = threading.Event()

    def sample() -> None:
        while True:
            samples.append(_tree_rss_kib(pid))
            if stop.wait(interval):
                return

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield samples
    finally:
        stop.set()
        thread.join()
        samples.append(_tree_rss_kib(pid))


def _get(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # loopback only
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (OSError, urllib.error.URLError):
        return None


def start_once(kind: str, document: Path, urls: list[str], cache_dir: Path, log_dir: Path,
               prism_bin: Path | None) -> Start:
    """Start a server, time it to its first 2xx answer, send the first answers, stop it."""
    port = run.free_port()
    env = {**os.environ, "SPECMOCK_CACHE_DIR": str(cache_dir)}
    log_path = log_dir / f"{kind}-{port}.log"
    with log_path.open("wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(_command(kind, document, port, prism_bin), cwd=ROOT,
                                   stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True, env=env)
    server = run.Server(kind, port, process, log_path, started)
    run._STARTED.append(server)
    try:
        with sampling(process.pid) as samples:
            first = _first_answer(server, urls[0], started)
            answers: dict[str, int] = {}
            for url in urls:
                status = _get(server.base + url)
                answers[str(status)] = answers.get(str(status), 0) + 1
        return Start(kind, first, max(samples), answers)
    finally:
        run.stop_server(server)


def _first_answer(server: run.Server, url: str, started: float) -> float:
    while time.perf_counter() - started < START_TIMEOUT_S:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.kind} exited with {server.process.returncode}; see "
                               f"{server.log_path}")
        status = _get(server.base + url)
        if status is not None and 200 <= status < 300:
            return time.perf_counter() - started
        time.sleep(0.02)
    raise RuntimeError(f"{server.kind} gave no 2xx to GET {url} within {START_TIMEOUT_S:.0f} s;"
                       f" see {server.log_path}")


def measure(name: str, document: Path, runs: int, first_answers: int, prism_bin: Path | None,
            log_dir: Path) -> DocumentResult:
    """Every server's starts on one document (kinds alternate in order between runs)."""
    count, urls = probes(document, first_answers)
    if not urls:
        raise SystemExit(f"{document}: no GET operation without required parameters to probe")
    result = DocumentResult(name, str(document), count, urls)
    kinds = [SPECMOCK_FIRST, SPECMOCK_LATER] + ([PRISM] if prism_bin else [])
    later_cache = log_dir / f"{name}-later-cache"
    print(f"\n== {name}: {count} operations, {runs} starts per server, first answer "
          f"GET {urls[0]}", flush=True)
    start_once(SPECMOCK_FIRST, document, urls[:1], later_cache, log_dir, None)  # remembers
    for index in range(runs):
        for kind in kinds if index % 2 == 0 else list(reversed(kinds)):
            cache = later_cache if kind == SPECMOCK_LATER else Path(
                tempfile.mkdtemp(prefix="cache-", dir=log_dir))
            start = start_once(kind, document, urls, cache, log_dir, prism_bin)
            print(f"  {LABELS[kind]}: first answer {start.first_answer_s:.2f} s, peak "
                  f"{start.peak_rss_kib / 1024:.0f} MiB, answers {start.answers}", flush=True)
            result.starts.append(start)
    return result


# ------------------------------------------------------------------------ the report

def verdicts(result: DocumentResult) -> list[tuple[str, float | None, bool | None]]:
    """(what, specmock/Prism ratio, met) for the time and memory targets (first starts)."""
    prism_time, prism_rss = result.median_time(PRISM), result.median_rss(PRISM)
    time_ratio = run.ratio(result.median_time(SPECMOCK_FIRST) or 0, prism_time or 0)
    rss_ratio = run.ratio(result.median_rss(SPECMOCK_FIRST) or 0, prism_rss or 0)
    return [("time to first answer <= 0.5 x Prism", time_ratio,
             None if time_ratio is None else time_ratio <= TIME_TARGET),
            ("peak RSS <= Prism", rss_ratio,
             None if rss_ratio is None else rss_ratio <= RSS_TARGET)]


def report(results: Sequence[DocumentResult]) -> str:
    rows = [["document", "server", "first answer s", "peak RSS MiB", "time / Prism",
             "RSS / Prism"]]
    for result in results:
        prism_time, prism_rss = result.median_time(PRISM), result.median_rss(PRISM)
        for kind in (SPECMOCK_FIRST, SPECMOCK_LATER, PRISM):
            seconds, rss = result.median_time(kind), result.median_rss(kind)
            if seconds is None or rss is None:
                continue
            rows.append([f"{result.name} ({result.operations} ops)", LABELS[kind],
                         f"{seconds:.2f}", f"{rss / 1024:.0f}",
                         "" if kind == PRISM else _x(run.ratio(seconds, prism_time or 0)),
                         "" if kind == PRISM else _x(run.ratio(rss, prism_rss or 0))])
    lines = [run.format_table(rows), ""]
    for result in results:
        for what, value, met in verdicts(result):
            state = "no Prism" if met is None else "MET" if met else "NOT MET"
            lines.append(f"{result.name}: {what}: {_x(value)} {state}")
    return "\n".join(lines)


def _x(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def measure_all(args: argparse.Namespace) -> list[DocumentResult]:
    """The generated document and every `--document`, measured (the run.py entry point)."""
    prism_bin = None if args.skip_prism else (
        args.prism_bin or run.ensure_prism(args.prism_version))
    results = []
    with tempfile.TemporaryDirectory(prefix="specmock-large-") as tmp, run.stopping_on_signals():
        folder = Path(tmp)
        generated = folder / "generated"
        subprocess.run([sys.executable, str(GENERATOR), "--operations", str(args.operations),
                        "--out", str(generated)], check=True, capture_output=True)
        documents = [(f"generated-{args.operations}", generated / "openapi.yaml")]
        documents += [(Path(p).parent.name or Path(p).stem, Path(p).resolve())
                      for p in args.document]
        for name, path in documents:
            results.append(measure(name, path, args.runs, args.first_answers, prism_bin,
                                   folder))
    return results


def add_arguments(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    """This benchmark's options (run.py adds them with the prefix `large-`)."""
    parser.add_argument(f"--{prefix}operations", dest="operations", type=int, default=659,
                        help="operations in the generated document")
    parser.add_argument(f"--{prefix}runs", dest="runs", type=int, default=3,
                        help="fresh starts per server and document")
    parser.add_argument(f"--{prefix}first-answers", dest="first_answers", type=int, default=20,
                        help="GET operations sent once each after the first answer")
    parser.add_argument(f"--{prefix}document", dest="document", action="append", default=[],
                        help="also measure this document (repeatable)")
    parser.add_argument("--prism-bin", type=Path,
                        help="an installed Prism CLI (default: benchmarks/.tools/prism, "
                        "installed with npm on demand)")


def to_json(results: Sequence[DocumentResult]) -> list[dict[str, Any]]:
    return [{**asdict(result), "verdicts": verdicts(result)} for result in results]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    parser.add_argument("--skip-prism", action="store_true", help="specmock only, no ratios")
    parser.add_argument("--prism-version", default=run.PRISM_VERSION)
    parser.add_argument("--output", type=Path, help="JSON file (default benchmarks/results/)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.operations < 1 or args.runs < 1 or args.first_answers < 1:
        parser.error("--operations, --runs and --first-answers must be at least 1")
    results = measure_all(args)
    print("\n" + report(results))
    meta = {**run.machine(), "command": shlex.join(["benchmarks/large_document.py",
                                                    *(sys.argv[1:] if argv is None else argv)]),
            "prism": None if args.skip_prism else run.tool_version(
                [str(args.prism_bin or run.PRISM_BIN), "--version"])}
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    output = args.output or run.RESULTS / f"large-{stamp}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"meta": meta, "documents": to_json(results)}, indent=2) + "\n")
    print(f"\nwrote {output}")
    missed = [v for r in results for v in verdicts(r) if v[2] is False]
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
