"""benchmarks/run.py without load: parsing wrk's result line, medians, ratios, the verdict.

No server is started and nothing is timed here.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("specmock_bench_run", ROOT / "benchmarks/run.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


run = _load_runner()

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000/institutes/1/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.51ms  312.00us   9.93ms   90.00%
  205146 requests in 10.00s, 40.30MB read
Requests/sec:  20514.62
Transfer/sec:      4.03MB
WRK_RESULT {"requests":205146,"duration_us":10000000,"bytes":42257000,"p50_us":1508,\
"p90_us":2100,"p99_us":5943,"max_us":9930,"mean_us":1512.4,"connect_errors":0,\
"read_errors":1,"write_errors":0,"timeouts":2,"non_2xx_3xx":3}
"""


def _result(rps: float, p50: float, p99: float, non_2xx: int = 0) -> object:
    return run.WrkResult(requests=int(rps * 10), duration_s=10.0, rps=rps, p50_ms=p50,
                         p90_ms=p99, p99_ms=p99, max_ms=p99, mean_ms=p50, errors=0,
                         non_2xx_3xx=non_2xx, bytes=0)


def test_the_result_line_of_the_lua_script_is_parsed() -> None:
    result = run.parse_wrk_output(WRK_OUTPUT)
    assert result.requests == 205146
    assert result.rps == pytest.approx(20514.6)
    assert (result.p50_ms, result.p99_ms, result.max_ms) == (1.508, 5.943, 9.93)
    assert result.errors == 3  # read errors and timeouts
    assert result.non_2xx_3xx == 3


def test_output_without_the_result_line_is_an_error() -> None:
    with pytest.raises(ValueError, match="WRK_RESULT"):
        run.parse_wrk_output("Requests/sec: 100\n")


def test_the_lua_script_prints_every_field_the_parser_reads() -> None:
    lua = (ROOT / "benchmarks/wrk_report.lua").read_text()
    for key in ("requests", "duration_us", "bytes", "p50_us", "p90_us", "p99_us", "max_us",
                "mean_us", "connect_errors", "read_errors", "write_errors", "timeouts",
                "non_2xx_3xx"):
        assert f'\\"{key}\\"' in lua
    assert "WRK_RESULT " in lua


def test_median_of_odd_and_even_counts() -> None:
    assert run.median([3.0, 1.0, 2.0]) == 2.0
    assert run.median([4.0, 1.0, 2.0, 3.0]) == 2.5
    with pytest.raises(ValueError, match="no values"):
        run.median([])


def test_ratio_is_none_without_a_positive_denominator() -> None:
    assert run.ratio(20000.0, 4000.0) == 5.0
    assert run.ratio(1.0, 0.0) is None


def test_each_figure_is_the_median_of_its_own_rounds() -> None:
    summary = run.summarise([_result(100, 2, 9), _result(300, 1, 5), _result(200, 3, 7, 1)])
    assert (summary.rps, summary.p50_ms, summary.p99_ms) == (200, 2, 7)
    assert (summary.rps_min, summary.rps_max, summary.non_2xx_3xx) == (100, 300, 1)


def test_the_target_needs_five_times_the_rate_and_no_higher_p99() -> None:
    prism = run.summarise([_result(4000, 6.0, 20.0)])
    met = run.verdict("dmlf", run.summarise([_result(21000, 1.4, 3.0)]), prism)
    assert met.ok
    assert met.rps_ratio == pytest.approx(5.25)
    slow = run.verdict("dmlf", run.summarise([_result(19000, 1.4, 3.0)]), prism)
    assert not slow.ok
    assert "ratio" in slow.reason
    late = run.verdict("dmlf", run.summarise([_result(30000, 1.0, 25.0)]), prism)
    assert not late.ok
    assert "p99" in late.reason
    failing = run.verdict("dmlf", run.summarise([_result(30000, 1.0, 3.0, non_2xx=5)]), prism)
    assert not failing.ok


def test_arguments_have_the_documented_defaults_and_are_checked() -> None:
    args = run.parse_args([])
    assert args.contract_names == ["dmlf", "freezerworks"]
    assert (args.duration, args.rounds, args.connections, args.threads) == (10, 3, 32, 2)
    assert not args.skip_prism
    assert run.parse_args(["--contracts", "dmlf", "--skip-prism"]).contract_names == ["dmlf"]
    with pytest.raises(SystemExit):
        run.parse_args(["--contracts", "nosuch"])
    with pytest.raises(SystemExit):
        run.parse_args(["--rounds", "0"])


def test_tables_are_markdown_with_aligned_columns() -> None:
    table = run.format_table([["a", "bb"], ["ccc", "d"]]).splitlines()
    assert table == ["| a   | bb |", "|-----|----|", "| ccc | d  |"]


def test_every_bundled_contract_is_described_and_its_file_exists() -> None:
    for name, contract in run.CONTRACTS.items():
        assert contract.name == name
        assert contract.file.exists()
        assert contract.one.path.startswith("/")
        assert contract.page.path.startswith("/")


def test_cpu_seconds_reads_a_process_and_grows_with_its_work() -> None:
    import os

    before = run.cpu_seconds(os.getpid())
    sum(i * i for i in range(2_000_000))
    assert run.cpu_seconds(os.getpid()) > before >= 0


def test_settling_idle_servers_takes_one_look(tmp_path: Path) -> None:
    import subprocess

    # Given a server process that does nothing
    idle = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        server = run.Server("specmock", 0, idle, tmp_path / "log", 0.0)
        # When settling, Then it waits one interval, not until the timeout
        waited = run.settle([server])
        assert waited < run.SETTLE_TIMEOUT_S / 2
    finally:
        idle.kill()
        idle.wait()


def _load_proxy_runner() -> ModuleType:
    path = ROOT / "benchmarks/proxy_overhead.py"
    spec = importlib.util.spec_from_file_location("specmock_bench_proxy", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_proxy_overhead_percentiles_are_nearest_rank() -> None:
    proxy_bench = _load_proxy_runner()
    figures = proxy_bench.percentiles([float(n) for n in range(100, 0, -1)])
    assert (figures.count, figures.p50, figures.p90, figures.p99) == (100, 50.0, 90.0, 99.0)


def test_proxy_overhead_interleaves_which_goes_first() -> None:
    proxy_bench = _load_proxy_runner()
    order: list[str] = []

    def first() -> float:
        order.append("a")
        return 1.0

    def second() -> float:
        order.append("b")
        return 2.0

    a, b = proxy_bench.interleaved(first, second, 4, warmup=0)
    assert (a, b) == ([1.0] * 4, [2.0] * 4)
    assert order == ["a", "b", "b", "a", "a", "b", "b", "a"]
