"""`specmock proxy` in front of a running DMLF reference (the real source; not part of CI).

Start the reference first (scripts/dmlf_reference.py, see its docstring), then

    python scripts/proxy_dmlf_real.py --upstream http://127.0.0.1:PORT [--record DIR]

This starts `specmock proxy contracts/dmlf --upstream URL` on a free port, sends through it
the documented client calls plus one call for each of the contract's known production
departures (the contract's info.description lists five), stops the proxy (SIGINT) and prints
the proxy's summary: each distinct violation once, with its rule. Only ONE token is obtained
(the reference allows anonymous callers 10 requests a day).

What a per-request contract check can see: departures 4 (deleting a referenced sample answers
500) and 5 (sample-type-info without a name answers 500) break the documented statuses.
Departures 1 (filters ignored), 2 (any sample_info accepted) and 3 (PUT always 400) are
answers the contract allows for some request; seeing them takes state (the suites).
"""

from __future__ import annotations

import argparse
import io
import json
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
DEMO = {"username": "demo", "password": "demo-pass-123"}
NEW_SAMPLE = "240616_125138_010102"  # the document's own example id, creatable on the seed
REFERENCED_SAMPLE = "240101_090000_010007"  # experiment 1 names it


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "supplementary data")
    return buffer.getvalue()


def drive(base: str) -> list[tuple[str, str, int, list[str]]]:
    """The calls; (method, path, status, rules of the violations the proxy reported)."""
    session = requests.Session()
    seen: list[tuple[str, str, int, list[str]]] = []

    def call(method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        answer = session.request(method, base + path, timeout=30, **kwargs)
        rules = [v["rule"] for v in json.loads(answer.headers.get("sl-violations", "[]"))]
        seen.append((method, path, answer.status_code, rules))
        return answer

    tokens = call("POST", "/api/token/", json=DEMO).json()
    session.headers["Authorization"] = f"Bearer {tokens['access']}"
    for name in ("institutes", "methods", "fundingbodies", "projects", "sampletypes", "samples",
                 "experiments"):
        call("GET", f"/{name}/")
    call("GET", "/institutes/1/")
    call("GET", "/institutes/", params={"city": "Freiberg"})  # departure 1
    call("GET", "/institutes/999/")
    call("GET", "/projects/1/")
    call("GET", "/experiments/1/")
    call("GET", f"/samples/{REFERENCED_SAMPLE}/")
    call("GET", "/api/sample-type-info/", params={"sample_type_name": "battery"})
    call("GET", "/api/sample-type-info/")  # departure 5
    form = {"sample_id": NEW_SAMPLE, "name": "Proxy sample", "date_created": "2024-06-16",
            "institute": "1", "method": "102", "project": "1", "sample_type": "1", "parent": ""}
    info = ("info.json", json.dumps({"not": "the Battery structure"}), "application/json")
    files = {"sample_info": info, "supplementary_file": ("s.zip", _zip(), "application/zip")}
    call("POST", "/samples/", data=form, files=files)  # departure 2
    call("PUT", f"/samples/{NEW_SAMPLE}/", data=form, files={"sample_info": info})  # departure 3
    call("PATCH", f"/samples/{NEW_SAMPLE}/", data={"name": "Proxy sample, renamed"})
    call("DELETE", f"/samples/{REFERENCED_SAMPLE}/")  # departure 4
    call("DELETE", f"/samples/{NEW_SAMPLE}/")
    return seen


def main(argv: list[str] | None = None) -> int:
    """Run the proxy, drive it, print the calls and the proxy's summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="the running DMLF reference")
    parser.add_argument("--contract", default=str(ROOT / "contracts" / "dmlf"))
    parser.add_argument("--record", help="also record into this directory")
    args = parser.parse_args(argv)
    port = _free_port()
    command = [sys.executable, "-m", "specmock.cli", "proxy", args.contract, "--upstream",
               args.upstream, "--port", str(port), "--quiet"]
    if args.record:
        command += ["--record", args.record]
    proxy = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(base + "/__specmock/proxy/health", timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or proxy.poll() is not None:
                    raise SystemExit("the proxy did not start") from None
                time.sleep(0.1)
        for method, path, status, rules in drive(base):
            print(f"{method:7} {path:45} {status}  {', '.join(rules) or '-'}")
    finally:
        proxy.send_signal(signal.SIGINT)
        summary, _ = proxy.communicate(timeout=30)
    print(summary, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
