"""Run the reference deployment in a subprocess for a test: `with reference() as url: ...`."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60


@contextmanager
def reference(
    broken: str = "", *, access_ttl: float | None = None, anon_rate: str | None = None
) -> Iterator[str]:
    """Serve a fresh reference deployment (optionally a broken variant); yields its base URL."""
    with tempfile.TemporaryDirectory(prefix="dmlf-reference-") as state:
        env = {**os.environ, "DMLF_REF_DIR": state, "DMLF_BROKEN": broken}
        if access_ttl is not None:
            env["DMLF_ACCESS_TTL"] = str(access_ttl)
        if anon_rate is not None:
            env["DMLF_ANON_RATE"] = anon_rate
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.drf_reference.serve"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stdout is not None
            line = process.stdout.readline()  # blocks until served, or empty if it died
            if not line.startswith("serving "):
                error = process.stderr.read() if process.stderr else ""
                raise RuntimeError(f"the reference deployment did not start: {line}{error}")
            yield line.split()[1]
        finally:
            process.terminate()
            process.wait(timeout=10)
