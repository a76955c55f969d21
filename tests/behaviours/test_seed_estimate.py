"""Seed sizes that will not fit are refused before seeding, with the estimate."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from specmock.behaviours.seed import estimated_bytes
from specmock.core.memory import available_bytes, deep_size, human
from specmock.engine.compile import SeedScaleError, _refuse_what_will_not_fit

ROOT = Path(__file__).resolve().parents[2]
SEED = {"generate": {"count": 0, "fields": {"id": {"sequence": {"start": 1}},
                                            "name": {"format": "Aliquot {n}"},
                                            "kind": {"choice": ["Serum", "Plasma"]}}}}


def test_the_estimate_grows_with_the_count() -> None:
    # Given one generator
    # When its size is estimated at a thousand and at a million records
    small, large = estimated_bytes(SEED, 1000), estimated_bytes(SEED, 1_000_000)

    # Then a thousand times the records is estimated at a thousand times the memory
    assert small > 0
    assert large == pytest.approx(1000 * small, rel=0.01)


def test_no_records_need_no_memory() -> None:
    assert estimated_bytes(SEED, 0) == 0


def test_a_scale_beyond_the_available_memory_is_refused_with_the_estimate() -> None:
    # Given a machine with 10 MiB available
    # When a million records are asked for
    # Then the refusal names the estimate, what is available and what would fit
    with pytest.raises(SeedScaleError, match=r"would take about .* only 10\.0 MiB .* at most"):
        _refuse_what_will_not_fit("aliquots", 1_000_000, SEED, 10 * 1024 * 1024)


def test_a_scale_within_the_available_memory_is_allowed() -> None:
    _refuse_what_will_not_fit("aliquots", 1000, SEED, 10 * 1024 * 1024)


def test_without_a_reading_of_the_available_memory_nothing_is_refused() -> None:
    _refuse_what_will_not_fit("aliquots", 10**12, SEED, None)


def test_the_available_memory_is_read_from_meminfo(tmp_path: Path) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal: 100 kB\nMemAvailable:    2048 kB\n")
    assert available_bytes(meminfo) == 2048 * 1024
    assert available_bytes(tmp_path / "missing") is None


def test_deep_size_counts_shared_objects_once() -> None:
    shared = "x" * 1000
    assert deep_size([[shared], [shared]]) < deep_size([[shared], ["y" * 1000]])


def test_human_sizes() -> None:
    assert human(512) == "512 B"
    assert human(3 * 1024**3) == "3.0 GiB"


@pytest.mark.skipif(available_bytes() is None, reason="needs /proc/meminfo (Linux)")
def test_serve_refuses_a_hundred_million_aliquots_in_one_line() -> None:
    # When serve is asked for far more records than fit in memory
    result = subprocess.run(
        [sys.executable, "-m", "specmock.cli", "serve", "contracts/freezerworks",
         "--port", "0", "--seed-scale", "aliquots=1000000000"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)

    # Then it refuses before seeding: one line, a usage exit, no traceback
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "seed-scale" in line]
    assert len(lines) == 1
    assert "would take about" in lines[0]
