"""What `specmock proxy` adds to a request, and what faults cost, in one run.

Starts `specmock serve CONTRACT` (the upstream) and `specmock proxy CONTRACT --upstream ...` in
front of it, each its own process on a free loopback port, then sends one request at a time
over one keep-alive connection each, alternating between the upstream directly and the proxy
(so drift in the machine's load hits both alike), and reports latency percentiles of both and
the proxy's added p50 (target: under 1 ms). Then, on the mock alone: the same request with a
fault rule in force that does not apply (the cost of deciding), and with `Prefer: latency=N`
(how close the delay the client sees is to the one asked for).

    .venv/bin/python benchmarks/proxy_overhead.py [--requests 2000] [--check]

Stops every process it started by its PID. Prints a table and writes JSON to
benchmarks/results/proxy-<time>.json. Nothing here is a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CONTRACT = ROOT / "tests" / "fixtures" / "tiny"
TARGET_P50_OVERHEAD_MS = 1.0


@dataclass(frozen=True)
class Percentiles:
    """Latencies of one series, in milliseconds."""

    count: int
    p50: float
    p90: float
    p99: float
    mean: float


def percentiles(samples_ms: Sequence[float]) -> Percentiles:
    """p50/p90/p99 (nearest rank) and the mean of `samples_ms`."""
    ordered = sorted(samples_ms)

    def rank(q: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]

    return Percentiles(len(ordered), rank(0.5), rank(0.9), rank(0.99), statistics.fmean(ordered))


def free_port() -> int:
    """A port nothing listens on now (bound and released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(args: Sequence[str], health: str, timeout: float = 60) -> subprocess.Popen[bytes]:
    """Start `specmock ARGS` and wait until `health` (a base URL, then its admin path) answers."""
    process = subprocess.Popen([sys.executable, "-m", "specmock.cli", *args], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    where, _, admin = health.split("//", 1)[1].partition("/")
    host, port = where.split(":")
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"specmock {' '.join(args)} exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection(host, int(port), timeout=1)
            connection.request("GET", "/" + admin)
            connection.getresponse().read()
            connection.close()
            return process
        except OSError:
            time.sleep(0.05)
    stop(process)
    raise RuntimeError(f"specmock {' '.join(args)} did not answer within {timeout}s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGINT (the servers drain and exit), then SIGKILL if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Client:
    """One keep-alive connection; `get` returns the latency of one request in ms."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.headers = headers

    def get(self, path: str, extra: dict[str, str] | None = None) -> float:
        started = time.perf_counter_ns()
        self.connection.request("GET", path, headers={**self.headers, **(extra or {})})
        response = self.connection.getresponse()
        response.read()
        elapsed = (time.perf_counter_ns() - started) / 1e6
        if response.status >= 400:
            raise RuntimeError(f"GET {path} answered {response.status}")
        return elapsed


def token(port: int, contract: Path) -> dict[str, str]:
    """An Authorization header from the contract's first user, when it issues tokens."""
    import yaml

    document = yaml.safe_load((contract / "openapi.yaml").read_text())
    users = document.get("x-specmock", {}).get("auth", {}).get("users", [])
    if not users or "/token" not in document.get("paths", {}):
        return {}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    body = json.dumps({"username": users[0]["username"], "password": users[0]["password"]})
    connection.request("POST", "/token", body, {"content-type": "application/json"})
    answer = json.loads(connection.getresponse().read())
    return {"authorization": f"Bearer {answer['access']}"}


def interleaved(first: Callable[[], float], second: Callable[[], float], count: int,
                warmup: int) -> tuple[list[float], list[float]]:
    """`count` samples of each, alternating which goes first, after `warmup` of each."""
    for _ in range(warmup):
        first(), second()
    a: list[float] = []
    b: list[float] = []
    for index in range(count):
        if index % 2:
            b.append(second())
            a.append(first())
        else:
            a.append(first())
            b.append(second())
    return a, b


def main(argv: Sequence[str] | None = None) -> int:
    """Run the measurements; print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contract", type=Path, default=DEFAULT_CONTRACT)
    parser.add_argument("--path", action="append", help="GET paths (default /status, /books/1)")
    parser.add_argument("--requests", type=int, default=2000, help="samples per series")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--latency-ms", type=int, default=5, help="delay asked with Prefer")
    parser.add_argument("--output", type=Path)
    parser.add_argument("--check", action="store_true",
                        help=f"exit 1 if the proxy's p50 overhead is {TARGET_P50_OVERHEAD_MS} ms+")
    args = parser.parse_args(argv)
    paths = args.path or ["/status", "/books/1"]
    upstream_port, proxy_port = free_port(), free_port()
    upstream = start(["serve", str(args.contract), "--quiet", "--port", str(upstream_port)],
                     f"http://127.0.0.1:{upstream_port}/__specmock/health")
    proxy = None
    try:
        proxy = start(["proxy", str(args.contract), "--upstream",
                       f"http://127.0.0.1:{upstream_port}", "--port", str(proxy_port)],
                      f"http://127.0.0.1:{proxy_port}/__specmock/proxy/health")
        headers = token(upstream_port, args.contract)
        results = measure(paths, upstream_port, proxy_port, headers, args)
    finally:
        for process in (proxy, upstream):
            if process is not None:
                stop(process)
    report(results, args)
    worst = max(r["overhead_p50_ms"] for r in results["proxy"].values())
    return 1 if args.check and worst >= TARGET_P50_OVERHEAD_MS else 0


def measure(paths: list[str], upstream_port: int, proxy_port: int, headers: dict[str, str],
            args: argparse.Namespace) -> dict[str, dict[str, dict[str, object]]]:
    """Every series: proxy against direct per path, then faults on the mock."""
    direct, proxied = Client(upstream_port, headers), Client(proxy_port, headers)
    results: dict[str, dict[str, dict[str, object]]] = {"proxy": {}, "faults": {}}
    for path in paths:
        a, b = interleaved(lambda p=path: direct.get(p), lambda p=path: proxied.get(p),
                           args.requests, args.warmup)
        pa, pb = percentiles(a), percentiles(b)
        paired = statistics.median(y - x for x, y in zip(a, b, strict=True))
        results["proxy"][path] = {"direct": asdict(pa), "proxied": asdict(pb),
                                  "overhead_p50_ms": round(pb.p50 - pa.p50, 3),
                                  "overhead_paired_median_ms": round(paired, 3)}
    path = paths[0]
    armed = Client(upstream_port, headers)
    plain, _ = interleaved(lambda: direct.get(path), lambda: 0.0, args.requests, args.warmup)
    rule = json.dumps({"fault": "error", "status": 503, "paths": ["/never/*"]})
    armed.connection.request("POST", "/__specmock/faults", rule,
                             {"content-type": "application/json"})
    armed.connection.getresponse().read()
    deciding, _ = interleaved(lambda: armed.get(path), lambda: 0.0, args.requests, args.warmup)
    wanted = {"prefer": f"latency={args.latency_ms}"}
    count = max(50, args.requests // 20)
    delayed = [direct.get(path, wanted) for _ in range(count)]
    pp, pd, pl = percentiles(plain), percentiles(deciding), percentiles(delayed)
    results["faults"][path] = {
        "no_rules": asdict(pp),
        "rule_in_force_not_applying": asdict(pd),
        "deciding_cost_p50_ms": round(pd.p50 - pp.p50, 3),
        f"prefer_latency_{args.latency_ms}ms": asdict(pl),
        "latency_error_p50_ms": round(pl.p50 - args.latency_ms - pp.p50, 3),
    }
    return results


def report(results: dict[str, dict[str, dict[str, object]]], args: argparse.Namespace) -> None:
    """Print the tables and write the JSON."""
    print(f"{'path':<12} {'direct p50':>10} {'proxy p50':>10} {'overhead':>9} {'paired':>8}"
          f" {'direct p99':>10} {'proxy p99':>10}   (ms, one connection, {args.requests} each)")
    for path, row in results["proxy"].items():
        d, p = row["direct"], row["proxied"]
        assert isinstance(d, dict)
        assert isinstance(p, dict)
        print(f"{path:<12} {d['p50']:>10.3f} {p['p50']:>10.3f} {row['overhead_p50_ms']:>9.3f}"
              f" {row['overhead_paired_median_ms']:>8.3f} {d['p99']:>10.3f} {p['p99']:>10.3f}")
    for path, row in results["faults"].items():
        print(f"faults on {path}: deciding with a rule in force costs "
              f"{row['deciding_cost_p50_ms']:.3f} ms at p50; Prefer: latency={args.latency_ms} "
              f"is seen {row['latency_error_p50_ms']:+.3f} ms off at p50")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    output = args.output or ROOT / "benchmarks" / "results" / f"proxy-{stamp}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    machine = {"platform": platform.platform(), "python": platform.python_version(),
               "cpus": os.cpu_count(), "load_average": os.getloadavg()}
    output.write_text(json.dumps({"results": results, "machine": machine,
                                  "command": sys.argv}, indent=2))
    print(f"written: {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")


if __name__ == "__main__":
    raise SystemExit(main())
