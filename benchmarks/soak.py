"""Soak: minutes of mixed load on both bundled contracts, sampling each server's resident memory.

Run: .venv/bin/python benchmarks/soak.py [--minutes 10] [--aliquots 1000000] [--contracts ...]

Each contract is served by a real `specmock serve` process (Freezerworks seeded with a million
aliquots; DMLF's throttle off, since a soak would pass its POST rate in seconds), and loaded at
the same time by one client thread each, with a keep-alive session, in a fixed mix:

- dmlf: a read of an institute, a filtered list of samples, a multipart create of a sample with
  its sample_info JSON and a ZIP (a new sample id each time), a read of it, its delete;
- freezerworks: a read of a random seeded aliquot, a new query (a page at a random offset, so a
  new data set each time), the next page through that data set id, a create of an aliquot from
  the contract's own example, its delete.

The load runs `--warmup` seconds first (caches and memos fill to their bounds: data sets, encoded
bodies, the journal), then `--minutes` measured. Every `--sample-every` seconds of the measured
part the server's VmRSS is read from /proc. At the end, per contract:
requests, errors (any 5xx, and any answer the mix did not expect), resident memory of the first
and of the last minute and their ratio, the least-squares slope of memory over time, and p50/p99
latency per minute. Target (issue 16): memory flat within 10% (last/first minute <= 1.10), no
errors, p99 steady (last minute's p99 at most twice the first minute's). It serves and loads
only 127.0.0.1 and stops every process it started.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from specmock.behaviours.fake import generate  # noqa: E402
from specmock.contract import load_contract  # noqa: E402

FLAT = 1.10  # last-minute / first-minute resident memory
STEADY = 2.0  # last-minute / first-minute p99


@dataclass
class Run:
    """What one contract's soak saw."""

    contract: str
    latencies: list[tuple[float, float]] = field(default_factory=list)  # (since start, ms)
    memory: list[tuple[float, float]] = field(default_factory=list)  # (since start, MiB)
    errors: list[str] = field(default_factory=list)
    requests: int = 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(contract: str, extra: list[str]) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "specmock.cli", "serve", str(ROOT / "contracts" / contract),
         "--port", str(port), "--quiet", *extra],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{contract}: serve exited: {process.stderr.read().decode()}")  # type: ignore[union-attr]
        try:
            if requests.get(base + "/__specmock/health", timeout=1).ok:
                return process, base
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{contract}: not ready in 120 s")


def _resident_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _example(document: dict[str, Any], path: str, method: str, media: str) -> Any:
    """The contract's own example of a request body, else one generated from its schema."""
    content = document["paths"][path][method]["requestBody"]["content"][media]
    if "example" in content:
        return content["example"]
    if content.get("examples"):
        return next(iter(content["examples"].values())).get("value")
    return generate(content["schema"], document, random.Random(0), direction="request")


class Mix:
    """One contract's requests, in order, each returning whether its answer was expected."""

    def __init__(self, base: str, run: Run) -> None:
        self.base, self.run = base, run
        self.session = requests.Session()
        self.rng = random.Random(7)

    def timed(self, method: str, path: str, expected: tuple[int, ...],
              **kwargs: Any) -> requests.Response | None:
        started = time.perf_counter()
        try:
            answer = self.session.request(method, self.base + path, timeout=30, **kwargs)
        except requests.RequestException as error:
            self.run.errors.append(f"{method} {path}: {type(error).__name__}")
            return None
        self.run.latencies.append((time.monotonic(), (time.perf_counter() - started) * 1000))
        self.run.requests += 1
        if answer.status_code not in expected:
            self.run.errors.append(f"{method} {path}: {answer.status_code} {answer.text[:120]}")
        return answer


class DmlfMix(Mix):
    """Reads, a filtered list, multipart creates with uploads, deletes."""

    def __init__(self, base: str, run: Run) -> None:
        super().__init__(base, run)
        tokens = self.session.post(base + "/api/token/", timeout=10,
                                   json={"username": "demo", "password": "demo-pass-123"})
        self.session.headers["Authorization"] = f"Bearer {tokens.json()['access']}"
        self.count = 0
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr("data.csv", "t,v\n" + "0,1\n" * 2000)
        self.zip = archive.getvalue()
        self.info = json.dumps({"name": "soak cell", "composition": "NMC111",
                                "manufacturer": "soak", "produced": None,
                                "comment": None}).encode()

    def step(self) -> None:
        self.timed("GET", "/institutes/1/", (200,))
        self.timed("GET", "/samples/", (200,), params={"institute": 1})
        self.count += 1
        # yymmdd_hhmmss_iiaaaa: a new time each create, on days of 2023 no seed sample uses,
        # institute 01, method 0001.
        day, second = divmod(self.count, 86_400)
        hh, rest = divmod(second, 3600)
        date = f"23{1 + day // 28 % 12:02d}{1 + day % 28:02d}"
        sample_id = f"{date}_{hh:02d}{rest // 60:02d}{rest % 60:02d}_010001"
        created = self.timed("POST", "/samples/", (201,), data={
            "sample_id": sample_id, "name": "soak sample", "institute": 1, "project": 1,
            "method": 1, "sample_type": 1, "date_created": "2024-01-01"}, files={
            "sample_info": ("sample_info.json", self.info, "application/json"),
            "supplementary_file": ("sample.zip", self.zip, "application/zip")})
        if created is not None and created.status_code == 201:
            self.timed("GET", f"/samples/{sample_id}/", (200,))
            self.timed("DELETE", f"/samples/{sample_id}/", (204,))


class FreezerworksMix(Mix):
    """Reads, new queries (new data sets), pages through a data set, creates, deletes."""

    def __init__(self, base: str, run: Run, aliquots: int) -> None:
        super().__init__(base, run)
        token = self.session.get(base + "/api/v1/users/authenticate", timeout=10,
                                 auth=("demoUser", "demoPassword")).json()["properties"]["token"]
        self.session.headers["Authorization"] = f"Bearer {token}"
        document = load_contract(ROOT / "contracts" / "freezerworks").document
        self.create_body = _example(document, "/api/v1/aliquots", "post", "application/json")
        self.ids = self._seeded_ids()
        self.aliquots = aliquots

    def _seeded_ids(self) -> list[Any]:
        page = self.session.get(self.base + "/api/v1/aliquots", params={"limit": 100},
                                timeout=30).json()
        return [e["properties"].get("PK_AliquotUID") for e in page.get("entities", [])
                if "properties" in e]

    def step(self) -> None:
        self.timed("GET", f"/api/v1/aliquots/{self.rng.choice(self.ids)}", (200,))
        offset = self.rng.randrange(0, max(self.aliquots // 10, 1))
        first = self.timed("GET", "/api/v1/aliquots", (200,),
                           params={"limit": 10, "offset": offset})
        dataset = first.json().get("properties", {}).get("datasetid") if first else None
        if dataset:
            self.timed("GET", "/api/v1/aliquots", (200,),
                       params={"limit": 10, "offset": offset + 1, "datasetid": dataset})
        created = self.timed("POST", "/api/v1/aliquots", (200, 201), json=self.create_body)
        if created is not None and created.status_code in (200, 201):
            new_id = created.json().get("properties", {}).get("PK_AliquotUID")
            if new_id is not None:
                self.timed("DELETE", f"/api/v1/aliquots/{new_id}", (200, 204))


def _drive(step: Callable[[], None], until: float) -> None:
    while time.monotonic() < until:
        step()


def _sample(process: subprocess.Popen[bytes], run: Run, every: float, until: float) -> None:
    while time.monotonic() < until and process.poll() is None:
        run.memory.append((time.monotonic(), _resident_mib(process.pid)))
        time.sleep(every)


def _after(start: float, process: subprocess.Popen[bytes], run: Run, every: float,
           until: float) -> None:
    """Sample from `start` on (after the warm-up); latencies of the warm-up are dropped."""
    time.sleep(max(start - time.monotonic(), 0))
    run.latencies.clear()
    run.requests = 0
    _sample(process, run, every, until)


def _slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (time, value), per minute."""
    if len(points) < 2:
        return 0.0
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mean_x) ** 2 for x in xs)
    if not var:
        return 0.0
    return 60 * sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / var


def _minute_stats(run: Run, start: float) -> list[tuple[int, int, float, float]]:
    minutes: dict[int, list[float]] = {}
    for at, ms in run.latencies:
        minutes.setdefault(int((at - start) // 60), []).append(ms)
    out = []
    for minute, values in sorted(minutes.items()):
        values.sort()
        out.append((minute, len(values), values[len(values) // 2],
                    values[min(len(values) - 1, int(len(values) * 0.99))]))
    return out


def _report(run: Run, start: float, minutes: float) -> bool:
    window = min(60.0, minutes * 60 / 3)
    first = [m for t, m in run.memory if t - start <= window]
    last = [m for t, m in run.memory if t - start >= minutes * 60 - window]
    ratio = statistics.fmean(last) / statistics.fmean(first) if first and last else float("nan")
    per_minute = _minute_stats(run, start)
    print(f"\n== {run.contract}: {run.requests} requests, {len(run.errors)} errors")
    for error in run.errors[:5]:
        print(f"   error: {error}")
    print(f"   resident memory: first {window:.0f} s {statistics.fmean(first):.1f} MiB, last "
          f"{window:.0f} s {statistics.fmean(last):.1f} MiB, ratio {ratio:.3f} (target <= "
          f"{FLAT}), slope {_slope(run.memory):+.2f} MiB/min")
    print("   minute  requests  p50 ms  p99 ms")
    for minute, count, p50, p99 in per_minute:
        print(f"   {minute:>6}  {count:>8}  {p50:>6.2f}  {p99:>6.2f}")
    # The last minute may be a few requests past the end: only full minutes are compared.
    typical = statistics.median(count for _, count, _, _ in per_minute) if per_minute else 0
    full = [m for m in per_minute if m[1] >= 0.5 * typical]
    steady = (full[-1][3] <= STEADY * full[0][3]) if full else False
    met = ratio <= FLAT and not run.errors and steady
    print(f"   verdict: {'MET' if met else 'MISSED'} (flat {ratio <= FLAT}, no errors "
          f"{not run.errors}, p99 steady {steady})")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=60.0, help="seconds of load first")
    parser.add_argument("--aliquots", type=int, default=1_000_000)
    parser.add_argument("--sample-every", type=float, default=5.0)
    parser.add_argument("--contracts", default="dmlf,freezerworks")
    args = parser.parse_args()
    wanted = args.contracts.split(",")
    servers: list[tuple[subprocess.Popen[bytes], Run, Mix]] = []
    try:
        if "dmlf" in wanted:
            process, base = _serve("dmlf", ["--no-throttle"])
            run = Run("dmlf")
            servers.append((process, run, DmlfMix(base, run)))
        if "freezerworks" in wanted:
            process, base = _serve("freezerworks", ["--seed-scale", f"aliquots={args.aliquots}"])
            run = Run("freezerworks")
            servers.append((process, run, FreezerworksMix(base, run, args.aliquots)))
        start = time.monotonic() + args.warmup
        until = start + args.minutes * 60
        threads = [threading.Thread(target=_drive, args=(mix.step, until)) for _, _, mix in servers]
        threads += [threading.Thread(target=_after, args=(start, p, r, args.sample_every, until))
                    for p, r, _ in servers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(f"soak: {args.warmup:g} s warm-up, then {args.minutes:g} min measured, both "
              f"contracts at once, Freezerworks at "
              f"{args.aliquots:,} aliquots, memory every {args.sample_every:g} s")
        results = [_report(run, start, args.minutes) for _, run, _ in servers]
    finally:
        for process, _, _ in servers:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
