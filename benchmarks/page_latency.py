"""Page cost against collection size: a page of 10 aliquots at 1k, 100k and 1M records.

Run: .venv/bin/python benchmarks/page_latency.py [--requests 3000] [--sizes 1000,100000,1000000]

Measures the engine in process (MockEngine.handle, no sockets: network and server overhead are
the same at every size and would only blur the ratio), on the Freezerworks contract seeded with
`--seed-scale aliquots=N`. For each size it times GET /api/v1/aliquots?limit=10&offset=K for
offsets spread over the collection, (a) as fresh queries and (b) within one data set, and prints
the median and p99 per request with the ratio to the smallest size, measured in the same run.
Target: ratio 1M/1k <= 1.2. It then makes 10,000 distinct data sets and reports the cache's
count and estimated bytes against its bounds, and the process's resident memory.
"""

from __future__ import annotations

import argparse
import base64
import json
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from specmock.core.exchange import Request  # noqa: E402
from specmock.engine.app import MockEngine  # noqa: E402
from specmock.engine.options import EngineOptions  # noqa: E402

CONTRACT = ROOT / "contracts" / "freezerworks"
BASE = "http://127.0.0.1:8000"
WIDTHS = (10, 7, 13, 8, 15, 8)
LITERAL_ALIQUOTS = 11  # records the contract's seed lists before its generator


def _engine(size: int) -> MockEngine:
    options = EngineOptions(seed_scale={"aliquots": size - LITERAL_ALIQUOTS})
    return MockEngine.from_path(CONTRACT, options)


def _token(engine: MockEngine) -> str:
    basic = base64.b64encode(b"demoUser:demoPassword").decode()
    response = engine.handle(
        Request(
            "GET", "/api/v1/users/authenticate", "", {"authorization": f"Basic {basic}"}, b"", BASE
        )
    )
    return str(json.loads(response.body)["properties"]["token"])


def _time_pages(
    engine: MockEngine, token: str, size: int, requests: int, dataset: bool
) -> list[float]:
    headers = {"authorization": f"Bearer {token}"}
    dataset_query = ""
    if dataset:
        first = engine.handle(Request("GET", "/api/v1/aliquots", "limit=10", headers, b"", BASE))
        dataset_query = "&datasetid=" + json.loads(first.body)["properties"]["datasetid"]
    pages = max(1, size // 10)
    timings = []
    for n in range(requests):
        offset = (n * 7919) % pages  # spread over the whole collection (offset counts pages)
        request = Request(
            "GET",
            "/api/v1/aliquots",
            f"limit=10&offset={offset}{dataset_query}",
            headers,
            b"",
            BASE,
        )
        started = time.perf_counter()
        response = engine.handle(request)
        timings.append(time.perf_counter() - started)
        assert response.status == 200, response.body[:300]
    return timings


def _summary(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    return statistics.median(ordered) * 1e6, ordered[int(len(ordered) * 0.99) - 1] * 1e6


def _datasets_memory(engine: MockEngine, token: str) -> None:
    headers = {"authorization": f"Bearer {token}"}
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for n in range(10_000):
        # Distinct queries: each scoped list is its own data set (owned snapshots).
        sample = 100001 + n % 50
        engine.handle(
            Request(
                "GET", f"/api/v1/samples/{sample}/aliquots", f"limit=10&x={n}", headers, b"", BASE
            )
        )
        engine.handle(
            Request("GET", "/api/v1/aliquots", f"limit=10&offset={n}", headers, b"", BASE)
        )
    cache = engine.contract.datasets
    assert cache is not None
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"\n20,000 requests making 20,000 data sets: cache holds {cache.count} sets "
        f"(bound {cache.max_sets}), {cache.bytes:,} bytes (bound {cache.max_bytes:,}); "
        f"peak RSS grew {(after - before) / 1024:.1f} MiB"
    )
    print("within bounds:", cache.count <= cache.max_sets and cache.bytes <= cache.max_bytes)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--sizes", default="1000,100000,1000000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"page of 10, {args.requests} requests per size, engine in process")
    columns = ("aliquots", "seed s", "fresh p50 us", "p99 us", "dataset p50 us", "p99 us")
    print(" ".join(f"{c:>{w}}" for c, w in zip(columns, WIDTHS, strict=True)))
    results: dict[int, tuple[float, float]] = {}
    for size in sizes:
        started = time.perf_counter()
        engine = _engine(size)
        seeded = time.perf_counter() - started
        token = _token(engine)
        _time_pages(engine, token, size, 200, dataset=False)  # warm-up
        fresh = _summary(_time_pages(engine, token, size, args.requests, dataset=False))
        within = _summary(_time_pages(engine, token, size, args.requests, dataset=True))
        results[size] = (fresh[0], within[0])
        cells = (f"{size:,}", f"{seeded:.2f}", *(f"{v:.1f}" for v in (*fresh, *within)))
        print(" ".join(f"{c:>{w}}" for c, w in zip(cells, WIDTHS, strict=True)))
        del engine  # one large collection in memory at a time
    base = results[sizes[0]]
    for size in sizes[1:]:
        print(
            f"ratio {size:,}/{sizes[0]:,}: fresh {results[size][0] / base[0]:.2f}, "
            f"data set {results[size][1] / base[1]:.2f}  (target <= 1.2)"
        )
    smallest = _engine(sizes[0])  # filtered queries scan: the memory bound is what is measured here
    _datasets_memory(smallest, _token(smallest))
    print(f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
