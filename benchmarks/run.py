"""specmock against Stoplight Prism on the same contract, in one run on one machine.

    .venv/bin/python benchmarks/run.py [--contracts dmlf,freezerworks] [--duration 10]
        [--rounds 3] [--connections 32] [--threads 2] [--warmup 3] [--skip-prism]
        [--skip-logging] [--startup-runs 5] [--large [--large-operations 659]] [--check]

What it does (benchmarks/README.md says why and what the figures mean):

1. Installs what is missing: `wrk` (Debian package, `apt-get update` once, then
   `apt-get install -y wrk`) and `@stoplight/prism-cli` from the npm registry into
   benchmarks/.tools/prism (a local folder, never globally).
2. Start-up: starts `specmock serve CONTRACT --quiet` several times and takes the median time from
   process start until GET /__specmock/health answers 200; Prism's likewise, until it answers
   any HTTP status to a GET of the contract (no contract has a public GET operation).
3. Per contract: starts specmock (--quiet), specmock with its access log on (to a file) and Prism
   (-v silent), each on its own free loopback port, from the same contract file. Logs in to
   specmock for a real token and sends the same `Authorization` header to every server.
4. Warms each server up, then drives each with the same wrk settings, one server at a time (each
   run starts once every server is idle: a slow server works off its queue after wrk stops), for an
   authenticated GET of one resource and a GET of a page (several rounds; the order of the
   servers alternates between rounds); reports the median of the rounds per figure, and the ratio
   specmock/Prism.
5. Reads each server's resident memory (VmRSS) after its load, stops every process it started
   by its PID, prints the tables and writes everything as JSON to benchmarks/results/.

With `--large`, also benchmarks/large_document.py: start-up time and peak memory on a large
generated multi-file document (and any `--large-document`), against Prism.

Only 127.0.0.1 is served and loaded; every load run is bounded by `--duration`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import json
import os
import platform
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from base64 import b64encode
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
TOOLS = BENCH / ".tools"
RESULTS = BENCH / "results"
LUA = BENCH / "wrk_report.lua"
PRISM_PACKAGE = "@stoplight/prism-cli"
PRISM_VERSION = "5.14.2"
PRISM_DIR = TOOLS / "prism"
PRISM_BIN = PRISM_DIR / "node_modules" / ".bin" / "prism"
HOST = "127.0.0.1"

# Done when (the issue): specmock >= 5x Prism's req/s on the authenticated GET of one resource,
# with a p99 no higher than Prism's, in the same run; start-up under 0.5 s.
TARGET_RATIO = 5.0
TARGET_STARTUP_S = 0.5

SPECMOCK = "specmock"
SPECMOCK_LOGGING = "specmock-logging"
PRISM = "prism"
PRISM_BUNDLED = "prism-bundled"
SPECMOCK_FIRST_START = "specmock-first-start"
SERVER_LABELS = {
    SPECMOCK_FIRST_START: "specmock --quiet, first start (contract fully checked)",
    SPECMOCK: "specmock --quiet",
    SPECMOCK_LOGGING: "specmock, access log on",
    PRISM: "Prism -v silent",
    PRISM_BUNDLED: "Prism -v silent, bundled copy",
}


# ------------------------------------------------------------------------------ what is measured


@dataclass(frozen=True)
class Endpoint:
    """One request the load generator repeats."""

    key: str  # "one" | "page"
    path: str  # path and query
    title: str
    note: str = ""


@dataclass(frozen=True)
class ContractBench:
    """How to benchmark one bundled contract."""

    name: str
    directory: str
    login: Callable[[str], str]  # base URL -> access token (from specmock)
    one: Endpoint
    page: Endpoint
    probe: str  # a GET any server answers once the contract is loaded (start-up of Prism)
    notes: tuple[str, ...] = ()
    # Schemas $ref another file: Prism is also run on a one-file copy (see PRISM_BUNDLED_NOTE).
    external_schema_refs: bool = False

    @property
    def file(self) -> Path:
        """The contract file both servers are given."""
        return ROOT / self.directory / "openapi.yaml"


def _http(method: str, url: str, headers: dict[str, str] | None = None,
          body: bytes | None = None, timeout: float = 5.0) -> tuple[int, bytes]:
    """(status, body) of one request; HTTP errors are answers, not exceptions."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _dmlf_login(base: str) -> str:
    body = json.dumps({"username": "demo", "password": "demo-pass-123"}).encode()
    status, raw = _http("POST", base + "/api/token/", {"content-type": "application/json"}, body)
    if status != 200:
        raise RuntimeError(f"DMLF login answered {status}: {raw[:200]!r}")
    return str(json.loads(raw)["access"])


def _freezerworks_login(base: str) -> str:
    basic = "Basic " + b64encode(b"demoUser:demoPassword").decode()
    status, raw = _http("GET", base + "/api/v1/users/authenticate", {"authorization": basic})
    if status != 200:
        raise RuntimeError(f"Freezerworks login answered {status}: {raw[:200]!r}")
    return str(json.loads(raw)["properties"]["token"])


CONTRACTS: dict[str, ContractBench] = {
    "dmlf": ContractBench(
        name="dmlf",
        directory="contracts/dmlf",
        login=_dmlf_login,
        one=Endpoint("one", "/institutes/1/", "GET /institutes/1/ (bearer token)"),
        page=Endpoint(
            "page",
            "/institutes/",
            "GET /institutes/ (bearer token)",
            "DMLF lists are not paginated (DRF without a paginator): the closest equivalent of "
            "a page of 10 is a whole short list; specmock answers the 7 seeded institutes, "
            "Prism the contract's example (2 institutes).",
        ),
        probe="/institutes/",
        notes=("Token: POST /api/token/ {username, password} -> access (simplejwt).",),
    ),
    "freezerworks": ContractBench(
        name="freezerworks",
        directory="contracts/freezerworks",
        login=_freezerworks_login,
        one=Endpoint(
            "one", "/api/v1/aliquots/102992", "GET /api/v1/aliquots/102992 (bearer token)"
        ),
        page=Endpoint(
            "page",
            "/api/v1/aliquots?limit=10&offset=0",
            "GET /api/v1/aliquots?limit=10&offset=0 (bearer token)",
            "specmock answers a Siren collection of 10 of the 3011 seeded aliquots with "
            "first/next links and a data set id; Prism the contract's example (1 aliquot).",
        ),
        probe="/api/v1/aliquots",
        notes=(
            "Token: GET /api/v1/users/authenticate with Basic credentials -> properties.token; "
            "the contract's Siren schemas are a relative $ref to ../siren/entity.schema.json, "
            "which Prism resolves itself.",
        ),
        external_schema_refs=True,
    ),
}

PRISM_BUNDLED_NOTE = (
    "Prism answers a contract whose schemas $ref another file (Freezerworks: "
    "../siren/entity.schema.json) correctly but slowly, tens of milliseconds per request even "
    "on one connection; on a one-file copy of the same document (bundled by specmock's own "
    "loader) it is many times faster (its row). The target is judged against Prism on the same "
    "file, as specified, and also against Prism on the bundled copy, so that Prism's $ref "
    "handling is not taken for its speed."
)
STARTUP_NOTE = (
    "specmock remembers that a document passed the OpenAPI check (openapi-spec-validator, about "
    "half of a start) and skips it on the next start of the same document; 'first start' is a "
    "start with an empty cache (every start of a contract the machine has not served before, or "
    "`--no-check-cache`), the other row a start after one. The runner keeps its own cache folder "
    "(SPECMOCK_CACHE_DIR), never the user's."
)

PRISM_CAVEATS = (
    "Prism does not verify tokens: any `Authorization: Bearer <anything>` passes its security "
    "check. specmock verifies the JWT it issued (HS256 signature, expiry against its clock, "
    "token type) on every request. Both are sent the same header, a token specmock issued.",
    "Prism keeps no state: it answers every request from the contract's examples (the same "
    "example aliquot 102993 for any aliquot id). specmock reads the record from its state "
    "(seeded from the contract, changed by writes) and builds the representation per request "
    "(absolute links to the host asked, Siren actions, page links).",
    "The closest equivalent is compared: the same method, path, query and headers on the same "
    "contract file; the bodies differ (sizes are in the table).",
)


# ------------------------------------------------------------------------------ wrk and figures


@dataclass(frozen=True)
class WrkResult:
    """One wrk run."""

    requests: int
    duration_s: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    errors: int  # connect + read + write + timeouts
    non_2xx_3xx: int
    bytes: int


def parse_wrk_output(text: str) -> WrkResult:
    """The result line that benchmarks/wrk_report.lua prints (ValueError if there is none)."""
    for line in text.splitlines():
        if line.startswith("WRK_RESULT "):
            data = json.loads(line[len("WRK_RESULT "):])
            break
    else:
        raise ValueError("no WRK_RESULT line in wrk's output (was wrk_report.lua given?)")
    duration_s = data["duration_us"] / 1e6
    return WrkResult(
        requests=data["requests"],
        duration_s=duration_s,
        rps=data["requests"] / duration_s if duration_s > 0 else 0.0,
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        mean_ms=data["mean_us"] / 1000,
        errors=(data["connect_errors"] + data["read_errors"] + data["write_errors"]
                + data["timeouts"]),
        non_2xx_3xx=data["non_2xx_3xx"],
        bytes=data["bytes"],
    )


def median(values: Sequence[float]) -> float:
    """The median (mean of the middle two for an even count); ValueError when empty."""
    if not values:
        raise ValueError("median of no values")
    return float(statistics.median(values))


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator/denominator, None when the denominator is not positive."""
    return numerator / denominator if denominator > 0 else None


@dataclass(frozen=True)
class Summary:
    """The median of each figure over the rounds of one server on one endpoint."""

    rounds: int
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx_3xx: int
    errors: int
    rps_min: float
    rps_max: float


def summarise(results: Sequence[WrkResult]) -> Summary:
    """Medians over rounds (each figure on its own), with the spread of req/s."""
    return Summary(
        rounds=len(results),
        rps=median([r.rps for r in results]),
        p50_ms=median([r.p50_ms for r in results]),
        p99_ms=median([r.p99_ms for r in results]),
        non_2xx_3xx=sum(r.non_2xx_3xx for r in results),
        errors=sum(r.errors for r in results),
        rps_min=min(r.rps for r in results),
        rps_max=max(r.rps for r in results),
    )


@dataclass(frozen=True)
class Verdict:
    """Whether one contract meets the target on the GET of one resource."""

    contract: str
    rps_ratio: float | None
    p99_ratio: float | None
    ok: bool
    reason: str


def verdict(contract: str, specmock: Summary, prism: Summary) -> Verdict:
    """specmock >= 5x Prism's req/s and p99 no higher than Prism's, without errors."""
    rps_ratio = ratio(specmock.rps, prism.rps)
    p99_ratio = ratio(specmock.p99_ms, prism.p99_ms)
    problems = []
    if rps_ratio is None or rps_ratio < TARGET_RATIO:
        problems.append(f"req/s ratio {_x(rps_ratio)} < {TARGET_RATIO:g}x")
    if specmock.p99_ms > prism.p99_ms:
        problems.append(f"p99 {specmock.p99_ms:.2f} ms > Prism's {prism.p99_ms:.2f} ms")
    if specmock.non_2xx_3xx or specmock.errors:
        problems.append("specmock had errors or non-2xx answers")
    reason = "; ".join(problems) if problems else (
        f"{_x(rps_ratio)} Prism's req/s, p99 {_x(p99_ratio)} of Prism's")
    return Verdict(contract, rps_ratio, p99_ratio, not problems, reason)


def _x(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.2f}x" if value >= 0.1 else f"{value:.3f}x"


# ------------------------------------------------------------------------------ tools


def run_checked(command: Sequence[str], timeout: float, cwd: Path | None = None) -> str:
    """Run a command to completion (bounded), echoing it; its output, or SystemExit."""
    print(f"$ {shlex.join(command)}", flush=True)
    result = subprocess.run(list(command), cwd=cwd, capture_output=True, text=True,
                            timeout=timeout, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-2000:] + result.stderr[-4000:])
        raise SystemExit(f"failed ({result.returncode}): {shlex.join(command)}")
    return result.stdout


def ensure_wrk() -> str:
    """The path of wrk, installing the Debian package if it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None:
        raise SystemExit("wrk is missing and there is no apt-get to install it: install wrk")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    run_checked([*sudo, apt, "update"], timeout=600)
    run_checked([*sudo, apt, "install", "-y", "wrk"], timeout=600)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("apt-get installed wrk but it is not on PATH")
    return found


def ensure_prism(version: str) -> Path:
    """The local Prism CLI, installed from the npm registry into benchmarks/.tools/prism."""
    if PRISM_BIN.exists() and installed_prism_version() == version:
        return PRISM_BIN
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is missing (apt-get install -y nodejs npm), or use --skip-prism")
    PRISM_DIR.mkdir(parents=True, exist_ok=True)
    run_checked([npm, "install", "--prefix", str(PRISM_DIR), "--no-audit", "--no-fund",
                 "--save-exact", f"{PRISM_PACKAGE}@{version}"], timeout=900)
    if not PRISM_BIN.exists():
        raise SystemExit(f"npm installed {PRISM_PACKAGE} but {PRISM_BIN} is missing")
    return PRISM_BIN


def installed_prism_version() -> str | None:
    """The version of the Prism CLI in benchmarks/.tools/prism, if any."""
    manifest = PRISM_DIR / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
    try:
        return str(json.loads(manifest.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def tool_version(command: Sequence[str]) -> str:
    """First line a tool prints about its version ('' when it cannot say)."""
    try:
        result = subprocess.run(list(command), capture_output=True, text=True, timeout=30,
                                check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    text = (result.stdout or result.stderr).strip()
    return text.splitlines()[0] if text else ""


_SPECMOCK_COMMAND: list[str] = []


def specmock_command() -> list[str]:
    """`specmock` from this interpreter's environment (the console script, else -m), unless
    --specmock-command named another build."""
    if _SPECMOCK_COMMAND:
        return list(_SPECMOCK_COMMAND)
    script = Path(sys.executable).parent / "specmock"
    return [str(script)] if script.exists() else [sys.executable, "-m", "specmock.cli"]


@functools.cache
def _has_no_throttle() -> bool:
    done = subprocess.run([*specmock_command(), "serve", "--help"], capture_output=True,
                          text=True, timeout=60)
    return "--no-throttle" in done.stdout


def throttle_off() -> list[str]:
    """`--no-throttle` where the specmock being measured has it."""
    return ["--no-throttle"] if _has_no_throttle() else []


# ------------------------------------------------------------------------------ processes


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A server process this runner started (and so stops, by its PID)."""

    kind: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    started_at: float
    ready_s: float | None = None

    @property
    def base(self) -> str:
        """Its base URL."""
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        """Its process id."""
        return self.process.pid


_STARTED: list[Server] = []


def bundled_copy(contract: ContractBench, directory: Path) -> Path:
    """The contract as one JSON file (every $ref to another file inlined), for Prism."""
    sys.path.insert(0, str(ROOT))
    from specmock.contract import load_contract

    loaded = load_contract(contract.file)
    if not loaded.loaded:
        raise RuntimeError(f"cannot bundle {contract.file}")
    path = directory / f"{contract.name}.bundled.json"
    path.write_text(json.dumps(loaded.document))
    return path


def start_server(kind: str, contract: ContractBench, log_dir: Path,
                 prism_bin: Path | None = None, cache_dir: Path | None = None) -> Server:
    """Start one server on a free loopback port; output goes to a log file.

    specmock's check cache is `cache_dir`, by default one folder shared by the run's starts.
    """
    port = free_port()
    env = {**os.environ, "SPECMOCK_CACHE_DIR": str(cache_dir or log_dir / "check-cache")}
    if kind in (PRISM, PRISM_BUNDLED):
        assert prism_bin is not None
        source = contract.file if kind == PRISM else bundled_copy(contract, log_dir)
        command = [str(prism_bin), "mock", "-h", HOST, "-p", str(port), "-v", "silent",
                   str(source)]
    else:
        # --no-throttle: DMLF declares the real service's rates (10,000 GETs a day per user);
        # a throughput run passes them in a second, and 429s are not what is measured. An
        # older build without the option (--specmock-command) is run without it.
        command = [*specmock_command(), "serve", str(contract.file), "--host", HOST,
                   "--port", str(port), *throttle_off()]
        if kind in (SPECMOCK, SPECMOCK_FIRST_START):
            command.append("--quiet")
    log_path = log_dir / f"{contract.name}-{kind}-{port}.log"
    with log_path.open("wb") as log:
        started_at = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True, env=env)
    server = Server(kind, port, process, log_path, started_at)
    _STARTED.append(server)
    return server


def wait_ready(server: Server, path: str, want_status: int | None, timeout: float = 60.0) -> float:
    """Seconds from process start until `path` answers (with `want_status`, or any status)."""
    deadline = server.started_at + timeout
    while time.perf_counter() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.kind} exited with {server.process.returncode} during "
                               f"start-up; see {server.log_path}")
        try:
            status, _ = _http("GET", server.base + path, timeout=1.0)
        except (OSError, urllib.error.URLError):
            time.sleep(0.005)
            continue
        if want_status is None or status == want_status:
            server.ready_s = time.perf_counter() - server.started_at
            return server.ready_s
        time.sleep(0.005)
    raise RuntimeError(f"{server.kind} did not answer {path} within {timeout:.0f} s; "
                       f"see {server.log_path}")


def ready(server: Server, contract: ContractBench) -> float:
    """Wait until the server serves: specmock's health endpoint, any answer from Prism."""
    if server.kind in (PRISM, PRISM_BUNDLED):
        return wait_ready(server, contract.probe, None)
    return wait_ready(server, "/__specmock/health", 200)


def stop_server(server: Server) -> int | None:
    """Stop a server we started, by its PID: SIGTERM, then SIGKILL after 10 s."""
    process = server.process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    # Its own process group (start_new_session) in case it left a child behind.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(server.pid, signal.SIGKILL)
    if server in _STARTED:
        _STARTED.remove(server)
    return process.returncode


def stop_all() -> None:
    """Stop every server this runner started and has not stopped yet."""
    for server in list(_STARTED):
        with contextlib.suppress(Exception):
            stop_server(server)


def rss_kib(pid: int) -> int | None:
    """Resident memory of a process and its children, from /proc (KiB); None if unreadable."""
    total, found = 0, False
    for each in [pid, *_children(pid)]:
        try:
            status = Path(f"/proc/{each}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
                found = True
    return total if found else None


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process and its children have used so far, from /proc."""
    total = 0
    for each in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


SETTLE_INTERVAL_S = 0.25
SETTLE_BUSY_SHARE = 0.05  # a server using more than 5% of a core is still busy
SETTLE_TIMEOUT_S = 60.0


def settle(servers: Sequence[Server]) -> float:
    """Wait until no server is still working off an earlier load; the seconds waited.

    A slow server keeps answering requests queued before the load generator stopped (Prism on
    an externally $ref'd contract works seconds past a run), and that would take CPU from the
    next server measured on the same cores.
    """
    started = time.perf_counter()
    before = {server.pid: cpu_seconds(server.pid) for server in servers}
    while time.perf_counter() - started < SETTLE_TIMEOUT_S:
        time.sleep(SETTLE_INTERVAL_S)
        now = {server.pid: cpu_seconds(server.pid) for server in servers}
        busiest = max((now[pid] - before[pid] for pid in now), default=0.0)
        if busiest <= SETTLE_BUSY_SHARE * SETTLE_INTERVAL_S:
            break
        before = now
    return time.perf_counter() - started


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    kids = [int(p) for p in text.split()]
    return kids + [g for k in kids for g in _children(k)]


@contextlib.contextmanager
def stopping_on_signals() -> Iterator[None]:
    """SIGTERM ends the run like Ctrl-C does, so the finally blocks stop the servers."""
    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        stop_all()


# ------------------------------------------------------------------------------ the run


@dataclass
class Settings:
    """The load settings, the same for every server."""

    threads: int
    connections: int
    duration: int
    rounds: int
    warmup: int
    timeout: int = 5


@dataclass
class EndpointResult:
    """Every round of every server on one endpoint, and the medians."""

    endpoint: Endpoint
    body_bytes: dict[str, int] = field(default_factory=dict)
    rounds: dict[str, list[WrkResult]] = field(default_factory=dict)
    # Seconds waited before each round for every server to be idle (see `settle`).
    settle_s: dict[str, list[float]] = field(default_factory=dict)

    def summary(self, kind: str) -> Summary | None:
        """The medians of one server, if it ran."""
        results = self.rounds.get(kind)
        return summarise(results) if results else None


def wrk(wrk_bin: str, settings: Settings, url: str, headers: dict[str, str],
        duration: int) -> WrkResult:
    """One bounded wrk run against a loopback URL."""
    command = [wrk_bin, "-t", str(settings.threads), "-c", str(settings.connections),
               "-d", f"{duration}s", "--timeout", f"{settings.timeout}s", "-s", str(LUA)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60,
                            check=False)
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr.strip()}")
    return parse_wrk_output(result.stdout)


def check_answers(server: Server, endpoint: Endpoint, headers: dict[str, str]) -> int:
    """The endpoint answers 200 before it is loaded; its body size."""
    status, body = _http("GET", server.base + endpoint.path, headers)
    if status != 200:
        raise RuntimeError(f"{server.kind} answered {status} to GET {endpoint.path}: "
                           f"{body[:300]!r}")
    return len(body)


def measure_startup(contract: ContractBench, kind: str, runs: int, log_dir: Path,
                    prism_bin: Path | None) -> list[float]:
    """Seconds from process start until the server serves, for `runs` fresh starts.

    specmock's first starts each get an empty check cache; its other starts one that a start
    before them (not counted) filled.
    """
    if kind == SPECMOCK:
        _start_once(contract, SPECMOCK, log_dir, None, log_dir / f"warm-{contract.name}")
    return [
        _start_once(contract, kind, log_dir, prism_bin, log_dir / f"{kind}-{contract.name}-{run}"
                    if kind == SPECMOCK_FIRST_START else log_dir / f"warm-{contract.name}")
        for run in range(runs)
    ]


def _start_once(contract: ContractBench, kind: str, log_dir: Path, prism_bin: Path | None,
                cache_dir: Path) -> float:
    server = start_server(kind, contract, log_dir, prism_bin, cache_dir)
    try:
        return ready(server, contract)
    finally:
        stop_server(server)


def bench_contract(contract: ContractBench, settings: Settings, wrk_bin: str,
                   prism_bin: Path | None, with_logging: bool, with_bundled: bool,
                   log_dir: Path) -> dict[str, Any]:
    """Load every server on both endpoints of one contract; medians, ratios, memory."""
    bundled = with_bundled and contract.external_schema_refs
    kinds = [SPECMOCK, *([SPECMOCK_LOGGING] if with_logging else []),
             *([PRISM] if prism_bin else []), *([PRISM_BUNDLED] if prism_bin and bundled else [])]
    servers = {kind: start_server(kind, contract, log_dir, prism_bin) for kind in kinds}
    try:
        for server in servers.values():
            ready(server, contract)
        # Each specmock instance signs with its own secret, so each gets its own login; Prism
        # accepts any bearer value and is sent the first specmock's token.
        tokens = {kind: contract.login(server.base) for kind, server in servers.items()
                  if kind in (SPECMOCK, SPECMOCK_LOGGING)}
        headers = {kind: {"Authorization": f"Bearer {tokens.get(kind, tokens[SPECMOCK])}"}
                   for kind in kinds}
        results = [EndpointResult(contract.one), EndpointResult(contract.page)]
        for result in results:
            for kind, server in servers.items():
                result.body_bytes[kind] = check_answers(server, result.endpoint, headers[kind])
        print(f"\n== {contract.name}: warming up ({settings.warmup} s per server and endpoint)",
              flush=True)
        everyone = list(servers.values())
        for result in results:
            for kind, server in servers.items():
                settle(everyone)
                wrk(wrk_bin, settings, server.base + result.endpoint.path, headers[kind],
                    settings.warmup)
        memory: dict[str, int | None] = {}
        for round_index in range(settings.rounds):
            order = kinds if round_index % 2 == 0 else list(reversed(kinds))
            for result in results:
                for kind in order:
                    result.settle_s.setdefault(kind, []).append(round(settle(everyone), 2))
                    measured = wrk(wrk_bin, settings, servers[kind].base + result.endpoint.path,
                                   headers[kind], settings.duration)
                    result.rounds.setdefault(kind, []).append(measured)
                    print(f"   round {round_index + 1}/{settings.rounds} "
                          f"{result.endpoint.path:40s} {SERVER_LABELS[kind]:30s} "
                          f"{measured.rps:9.0f} req/s  p50 {measured.p50_ms:6.2f} ms  "
                          f"p99 {measured.p99_ms:6.2f} ms", flush=True)
        for kind, server in servers.items():
            memory[kind] = rss_kib(server.pid)
        log_lines = None
        if SPECMOCK_LOGGING in servers:
            with servers[SPECMOCK_LOGGING].log_path.open("rb") as log:
                log_lines = sum(1 for line in log if b"specmock.access" in line)
    finally:
        for server in servers.values():
            stop_server(server)
    return {"contract": contract, "results": results, "memory_kib": memory,
            "access_log_lines": log_lines}


# ------------------------------------------------------------------------------ reporting


def _shown(path: Path) -> str:
    """A path relative to the repository when it is inside it (as a reader would type it)."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "date_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": model,
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def format_table(rows: Sequence[Sequence[str]]) -> str:
    """Rows as a markdown table (the first row is the header)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
                     + " |")
        if index == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def results_table(contract_runs: Sequence[dict[str, Any]]) -> str:
    """One row per contract, endpoint and server, with the ratio to Prism."""
    rows = [["contract", "request", "server", "req/s", "p50 ms", "p99 ms", "vs Prism req/s",
             "body B"]]
    for run in contract_runs:
        contract: ContractBench = run["contract"]
        for result in run["results"]:
            prism = result.summary(PRISM)
            for kind in (SPECMOCK, SPECMOCK_LOGGING, PRISM, PRISM_BUNDLED):
                summary = result.summary(kind)
                if summary is None:
                    continue
                versus = _x(ratio(summary.rps, prism.rps)) if prism else "n/a"
                rows.append([contract.name, result.endpoint.key + " " + result.endpoint.path,
                             SERVER_LABELS[kind], f"{summary.rps:,.0f}",
                             f"{summary.p50_ms:.2f}", f"{summary.p99_ms:.2f}", versus,
                             str(result.body_bytes.get(kind, ""))])
    return format_table(rows)


def bundled_ratios(contract_runs: Sequence[dict[str, Any]]) -> str:
    """specmock's req/s against Prism on the bundled copy, per contract and request."""
    parts = []
    for run in contract_runs:
        for result in run["results"]:
            specmock, bundled = result.summary(SPECMOCK), result.summary(PRISM_BUNDLED)
            if specmock and bundled:
                parts.append(f"{run['contract'].name} {result.endpoint.key}: "
                             f"{_x(ratio(specmock.rps, bundled.rps))} (p99 "
                             f"{specmock.p99_ms:.2f} vs {bundled.p99_ms:.2f} ms)")
    return "specmock --quiet against Prism on the bundled copy: " + "; ".join(parts) + "."


def _summary_json(summary: Summary | None) -> dict[str, Any] | None:
    return asdict(summary) if summary else None


def to_json(meta: dict[str, Any], startup: dict[str, dict[str, list[float]]],
            contract_runs: Sequence[dict[str, Any]], verdicts: Sequence[Verdict]) -> dict[str, Any]:
    """Everything measured, for benchmarks/results/."""
    contracts = []
    for run in contract_runs:
        contract: ContractBench = run["contract"]
        endpoints = []
        for result in run["results"]:
            endpoints.append({
                "key": result.endpoint.key,
                "path": result.endpoint.path,
                "title": result.endpoint.title,
                "note": result.endpoint.note,
                "body_bytes": result.body_bytes,
                "median": {kind: _summary_json(result.summary(kind)) for kind in result.rounds},
                "rounds": {kind: [asdict(r) for r in rounds]
                           for kind, rounds in result.rounds.items()},
                "settle_s": result.settle_s,
            })
        contracts.append({"contract": contract.name, "endpoints": endpoints,
                          "rss_kib_after_load": run["memory_kib"],
                          "access_log_lines": run["access_log_lines"]})
    return {
        "meta": meta,
        "startup_s": {name: {kind: {"median": median(times), "runs": times}
                             for kind, times in kinds.items()}
                      for name, kinds in startup.items()},
        "contracts": contracts,
        "verdicts": [asdict(v) for v in verdicts],
    }


def report(meta: dict[str, Any], startup: dict[str, dict[str, list[float]]],
           contract_runs: Sequence[dict[str, Any]], verdicts: Sequence[Verdict],
           skip_prism: bool) -> str:
    """The human-readable report."""
    out = [
        "",
        f"# specmock vs Prism, {meta['date_utc']}, {meta['nproc']} cores ({meta['cpu']})",
        f"wrk {meta['settings']['threads']} threads, {meta['settings']['connections']} "
        f"connections, {meta['settings']['duration']} s x {meta['settings']['rounds']} rounds "
        "(median), one server loaded at a time; wrk and the server share the machine.",
        f"command: {meta['command']}",
        "",
        results_table(contract_runs),
        "",
    ]
    for run in contract_runs:
        contract: ContractBench = run["contract"]
        for result in run["results"]:
            if result.endpoint.note:
                out.append(f"- {contract.name} page: {result.endpoint.note}")
        for note in contract.notes:
            out.append(f"- {contract.name}: {note}")
    if not skip_prism:
        out += ["", "What Prism does not do (so the comparison is of the closest equivalent):"]
        out += [f"- {caveat}" for caveat in PRISM_CAVEATS]
        if any(PRISM_BUNDLED in r["memory_kib"] for r in contract_runs):
            out.append(f"- {PRISM_BUNDLED_NOTE}")
            out.append("- " + bundled_ratios(contract_runs))
    out += ["", "Start-up (process start until it serves; median of fresh starts):",
            STARTUP_NOTE]
    rows = [["contract", "server", "median s", "runs"]]
    for name, kinds in startup.items():
        for kind, times in kinds.items():
            rows.append([name, SERVER_LABELS[kind], f"{median(times):.3f}",
                         " ".join(f"{t:.3f}" for t in times)])
    out.append(format_table(rows))
    out += ["", "Resident memory after the load (VmRSS):"]
    rows = [["contract", "server", "RSS MiB"]]
    for run in contract_runs:
        for kind, kib in run["memory_kib"].items():
            rows.append([run["contract"].name, SERVER_LABELS[kind],
                         "n/a" if kib is None else f"{kib / 1024:.1f}"])
    out.append(format_table(rows))
    for run in contract_runs:
        if run["access_log_lines"] is not None:
            out.append(f"\n{run['contract'].name}: the logging server wrote "
                       f"{run['access_log_lines']:,} access-log lines.")
    if verdicts:
        out += ["", f"Target: specmock >= {TARGET_RATIO:g}x Prism's req/s on the GET of one "
                "resource, p99 no higher than Prism's, same run:"]
        out += [f"- {v.contract}: {'MET' if v.ok else 'NOT MET'}: {v.reason}" for v in verdicts]
    for name, kinds in startup.items():
        for kind in (SPECMOCK_FIRST_START, SPECMOCK):
            took = median(kinds[kind])
            met = "MET" if took < TARGET_STARTUP_S else "NOT MET"
            out.append(f"- start-up {name}, {SERVER_LABELS[kind]}: {met}: {took:.3f} s "
                       f"(target < {TARGET_STARTUP_S} s)")
    return "\n".join(out)


# ------------------------------------------------------------------------------ main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contracts", default="dmlf,freezerworks",
                        help="comma-separated bundled contracts (default: both)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs per server and request")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per server")
    parser.add_argument("--startup-runs", type=int, default=5,
                        help="fresh starts of specmock per contract for the start-up time")
    parser.add_argument("--prism-startup-runs", type=int, default=3)
    parser.add_argument("--skip-prism", action="store_true", help="specmock only, no ratios")
    parser.add_argument("--skip-logging", action="store_true",
                        help="do not also measure specmock with its access log on")
    parser.add_argument("--skip-prism-bundled", action="store_true",
                        help="do not also run Prism on a one-file copy of contracts whose "
                        "schemas $ref other files")
    parser.add_argument("--prism-version", default=PRISM_VERSION)
    parser.add_argument("--specmock-command",
                        help="how to run another specmock build, e.g. \"env PYTHONPATH=/tmp/old "
                        ".venv/bin/python -m specmock.cli\" (default: this environment's)")
    parser.add_argument("--output", type=Path, help="JSON file (default benchmarks/results/)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a target is not met")
    parser.add_argument("--large", action="store_true",
                        help="also measure start-up and memory on a large multi-file document "
                        "against Prism (benchmarks/large_document.py; its options prefixed "
                        "--large-)")
    _large_document().add_arguments(parser, prefix="large-")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.contracts.split(",") if n.strip()]
    unknown = [n for n in names if n not in CONTRACTS]
    if unknown or not names:
        parser.error(f"unknown contract(s) {unknown}; choose from {', '.join(CONTRACTS)}")
    for name in ("duration", "rounds", "connections", "threads", "startup_runs",
                 "prism_startup_runs"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.warmup < 0:
        parser.error("--warmup must not be negative")
    if args.connections < args.threads:
        parser.error("wrk needs at least as many connections as threads")
    args.contract_names = names
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 0, or 1 with --check when a target is missed."""
    args = parse_args(argv)
    if args.specmock_command:
        _SPECMOCK_COMMAND[:] = shlex.split(args.specmock_command)
    settings = Settings(args.threads, args.connections, args.duration, args.rounds, args.warmup)
    wrk_bin = ensure_wrk()
    prism_bin = None if args.skip_prism else (args.prism_bin or ensure_prism(args.prism_version))
    meta = machine()
    meta.update({
        "command": shlex.join([_shown(Path(sys.executable)), "benchmarks/run.py",
                               *(sys.argv[1:] if argv is None else argv)]),
        "settings": asdict(settings),
        "wrk": tool_version([wrk_bin, "--version"]),
        "prism": None if prism_bin is None else installed_prism_version(),
        "node": None if prism_bin is None else tool_version(["node", "--version"]),
        "specmock_command": shlex.join(specmock_command()),
    })
    contracts = [CONTRACTS[name] for name in args.contract_names]
    RESULTS.mkdir(parents=True, exist_ok=True)
    startup: dict[str, dict[str, list[float]]] = {}
    contract_runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="specmock-bench-") as tmp, stopping_on_signals():
        log_dir = Path(tmp)
        for contract in contracts:
            print(f"\n== {contract.name}: start-up, {args.startup_runs} fresh starts", flush=True)
            startup[contract.name] = {
                kind: measure_startup(contract, kind, args.startup_runs, log_dir, None)
                for kind in (SPECMOCK_FIRST_START, SPECMOCK)}
            if prism_bin:
                startup[contract.name][PRISM] = measure_startup(
                    contract, PRISM, args.prism_startup_runs, log_dir, prism_bin)
        for contract in contracts:
            contract_runs.append(bench_contract(contract, settings, wrk_bin, prism_bin,
                                                not args.skip_logging,
                                                not args.skip_prism_bundled, log_dir))
    verdicts = []
    for run in contract_runs:
        one = run["results"][0]
        specmock = one.summary(SPECMOCK)
        for kind, label in ((PRISM, ""), (PRISM_BUNDLED, " (against Prism on the bundled copy)")):
            prism = one.summary(kind)
            if specmock and prism:
                verdicts.append(verdict(run["contract"].name + label, specmock, prism))
    large = _large_document().measure_all(args) if args.large else []
    print(report(meta, startup, contract_runs, verdicts, prism_bin is None))
    if large:
        print("\n== large document: time to first answer and peak memory\n")
        print(_large_document().report(large))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    output = args.output or RESULTS / f"run-{stamp}.json"
    document = to_json(meta, startup, contract_runs, verdicts)
    if large:
        document["large_document"] = _large_document().to_json(large)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(document, indent=2, default=str) + "\n")
    if args.output is None:  # an explicit --output (a comparison, say) is not "the latest"
        (RESULTS / "latest.json").write_text(json.dumps(document, indent=2, default=str) + "\n")
    print(f"\nwrote {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    missed = [v for v in verdicts if not v.ok] + [
        (name, kind) for name, kinds in startup.items() for kind in (SPECMOCK_FIRST_START, SPECMOCK)
        if median(kinds[kind]) >= TARGET_STARTUP_S] + [
        v for r in large for v in _large_document().verdicts(r) if v[2] is False]
    return 1 if args.check and missed else 0


def _large_document() -> Any:
    """benchmarks/large_document.py (imported here: it imports this module's helpers)."""
    sys.path.insert(0, str(BENCH))
    import large_document

    return large_document


if __name__ == "__main__":
    raise SystemExit(main())
