"""Compare `specmock serve contracts/dmlf` with the real DMLF source, request by request.

    python scripts/compare_dmlf.py --checkout /work/dmlf-real

Starts the reference deployment (scripts/dmlf_reference.py: the checkout on SQLite with the
contract's seed) and the mock on free ports, sends both the same requests (the seed document's
steps, the error cases of every endpoint, throttling last), and prints where they differ:
status, the headers a client reads (Location, Allow, Retry-After, WWW-Authenticate, the media
type) and the body with volatile values (tokens, URLs, timestamps, seconds to wait) masked.
Steps where the real server departs from its own documentation are marked with the departure's
number from the contract's description; the exit status is 1 if any other step differs.
Not part of CI: CI has no copy of the real source.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dmlf_reference as reference

ROOT = Path(__file__).resolve().parents[1]
USER, PASSWORD = "demo", "demo-pass-123"
HEADERS = ("location", "allow", "retry-after", "www-authenticate")
JWT = re.compile(r"^[\w-]+\.[\w-]+\.[\w-]+$")
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
SECONDS = re.compile(r"\d+ seconds")

DOCUMENT_SAMPLE = {
    "sample_id": "240616_125138_010102",
    "name": "mock sample",
    "institute": 1,
    "project": 1,
    "method": 1,
    "parent": "",
    "sample_type": 1,
    "date_created": "2024-06-16",
}
BATTERY_INFO = {
    "name": "mock battery",
    "composition": "NMC111",
    "manufacturer": "car manufacturer",
    "produced": "",
    "comment": "here be dragons",
}


def a_zip() -> bytes:
    """A small valid ZIP archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.txt", "measurement\n")
    return buffer.getvalue()


def info_file(content: Any = BATTERY_INFO) -> tuple[str, bytes, str]:
    """The document's sample_info upload."""
    return ("sample_info.json", json.dumps(content).encode(), "application/json")


def sample(sample_id: str, **changes: Any) -> dict[str, Any]:
    """The document's sample with another id and some fields changed."""
    return {**DOCUMENT_SAMPLE, "sample_id": sample_id, **changes}


@dataclass
class Step:
    """One request sent to both servers."""

    name: str
    method: str
    path: str
    auth: str = "access"  # access | none | bad
    json: Any = None
    data: Any = None
    files: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    follow: bool = False
    departure: int | None = None  # the documented departure this step shows, if any
    body: bool = True  # compare bodies (False: only status and headers, e.g. HTML pages)


def steps() -> list[Step]:
    """Every request, in order; anonymous ones stay within the real 10/day before the last."""
    json_h = {"Content-Type": "application/json"}
    creds = {"username": USER, "password": PASSWORD}
    zip_bytes = a_zip()
    listed = [
        "institutes",
        "methods",
        "fundingbodies",
        "projects",
        "sampletypes",
        "samples",
        "experiments",
    ]
    reads: list[Step] = []
    for name in listed:
        reads.append(Step(f"list {name}", "GET", f"/{name}/"))
        one = "240101_090000_010007" if name == "samples" else "1"
        reads.append(Step(f"read {name} {one}", "GET", f"/{name}/{one}/"))
        reads.append(Step(f"read {name} missing", "GET", f"/{name}/999/"))
    return [
        # -- tokens (anonymous: 6 of the 10 a day)
        Step(
            "obtain token (document: json.dumps + header)",
            "POST",
            "/api/token/",
            auth="none",
            data=json.dumps(creds),
            headers=json_h,
        ),
        Step(
            "obtain token, wrong password",
            "POST",
            "/api/token/",
            auth="none",
            json={"username": USER, "password": "wrong"},
        ),
        Step("obtain token, empty body", "POST", "/api/token/", auth="none", json={}),
        Step("obtain token, form-encoded", "POST", "/api/token/", auth="none", data=creds),
        Step(
            "refresh token",
            "POST",
            "/api/token/refresh/",
            auth="none",
            json={"refresh": "{refresh}"},
        ),
        Step(
            "refresh token, bad",
            "POST",
            "/api/token/refresh/",
            auth="none",
            json={"refresh": "x.y.z"},
        ),
        # -- authentication
        Step("no credentials", "GET", "/institutes/", auth="none"),
        Step("bad bearer", "GET", "/institutes/", auth="bad"),
        # -- reads
        *reads,
        Step("read institute abc", "GET", "/institutes/abc/"),
        Step(
            "filter institutes by city (document)", "GET", "/institutes/?city=Dresden", departure=1
        ),
        Step("slash-less read, not followed", "GET", "/institutes/1"),
        Step("slash-less read, followed (document)", "GET", "/institutes/1", follow=True),
        Step(
            "slash-less POST, not followed",
            "POST",
            "/samples",
            data=DOCUMENT_SAMPLE,
            files={"sample_info": info_file()},
        ),
        Step(
            "slash-less PATCH, not followed",
            "PATCH",
            "/samples/240101_090000_010007",
            data={"name": "x"},
        ),
        Step("write to a read-only collection", "POST", "/institutes/", json={"name": "x"}),
        Step("delete a read-only record", "DELETE", "/institutes/1/"),
        Step("OPTIONS samples", "OPTIONS", "/samples/"),
        Step("OPTIONS institutes", "OPTIONS", "/institutes/"),
        Step("OPTIONS a sample", "OPTIONS", "/samples/240101_090000_010007/"),
        # -- sample-type-info
        *[
            Step(
                f"sample-type-info {name}", "GET", f"/api/sample-type-info/?sample_type_name={name}"
            )
            for name in ("Battery", "battery", "Solids", "Liquid", "Suspension", "BATTERY", "Ore")
        ],
        Step("sample-type-info without name", "GET", "/api/sample-type-info/", departure=5),
        # -- sample creation
        Step(
            "create the document's sample",
            "POST",
            "/samples/",
            data=DOCUMENT_SAMPLE,
            files={"sample_info": info_file()},
        ),
        Step("read the document's sample", "GET", "/samples/240616_125138_010102/"),
        Step(
            "create it again",
            "POST",
            "/samples/",
            data=DOCUMENT_SAMPLE,
            files={"sample_info": info_file()},
        ),
        Step("sample as JSON", "POST", "/samples/", json=sample("240616_125138_010001")),
        Step(
            "sample id not in the pattern",
            "POST",
            "/samples/",
            data=sample("240616-125138-010001"),
            files={"sample_info": info_file()},
        ),
        Step(
            "sample id of 19 characters",
            "POST",
            "/samples/",
            data=sample("240616_125138_01001"),
            files={"sample_info": info_file()},
        ),
        Step(
            "sample id date in the future",
            "POST",
            "/samples/",
            data=sample("301231_125138_010001"),
            files={"sample_info": info_file()},
        ),
        Step(
            "sample id date not valid",
            "POST",
            "/samples/",
            data=sample("241332_125138_010001"),
            files={"sample_info": info_file()},
        ),
        Step(
            "sample id time not valid",
            "POST",
            "/samples/",
            data=sample("240616_256138_010001"),
            files={"sample_info": info_file()},
        ),
        Step(
            "sample id institute code too high",
            "POST",
            "/samples/",
            data=sample("240616_125138_080001"),
            files={"sample_info": info_file()},
        ),
        Step(
            "sample id method code too high",
            "POST",
            "/samples/",
            data=sample("240616_125138_010103"),
            files={"sample_info": info_file()},
        ),
        Step(
            "sample_info not JSON",
            "POST",
            "/samples/",
            data=sample("240616_125138_010010"),
            files={"sample_info": ("info.json", b"not json", "application/json")},
        ),
        Step(
            "sample_info of another structure",
            "POST",
            "/samples/",
            data=sample("240616_125138_010011"),
            files={"sample_info": info_file({"colour": "blue"})},
            departure=2,
        ),
        Step(
            "sample without sample_info", "POST", "/samples/", data=sample("240616_125138_010012")
        ),
        Step(
            "unknown sample type",
            "POST",
            "/samples/",
            data=sample("240616_125138_010013", sample_type=9),
            files={"sample_info": info_file()},
        ),
        Step(
            "unknown project",
            "POST",
            "/samples/",
            data=sample("240616_125138_010014", project=99),
            files={"sample_info": info_file()},
        ),
        Step(
            "supplementary file not a ZIP",
            "POST",
            "/samples/",
            data=sample("240616_125138_010015"),
            files={
                "sample_info": info_file(),
                "supplementary_file": ("s.zip", b"plain text", "application/zip"),
            },
        ),
        Step(
            "supplementary file a ZIP (document)",
            "POST",
            "/samples/",
            data=sample("240616_125138_010016"),
            files={
                "sample_info": info_file(),
                "supplementary_file": ("sample.zip", zip_bytes, "application/zip"),
            },
        ),
        Step(
            "sample without method, parent empty",
            "POST",
            "/samples/",
            data={k: v for k, v in sample("240616_125138_010003").items() if k != "method"},
            files={"sample_info": info_file()},
        ),
        Step(
            "sample with a parent",
            "POST",
            "/samples/",
            data=sample("240616_125138_010004", parent="240616_125138_010102"),
            files={"sample_info": info_file()},
        ),
        Step(
            "sample with an unknown parent",
            "POST",
            "/samples/",
            data=sample("240616_125138_010005", parent="240101_000000_000000"),
            files={"sample_info": info_file()},
        ),
        Step(
            "sample missing required fields",
            "POST",
            "/samples/",
            data={"name": "x"},
            files={"sample_info": info_file()},
        ),
        # -- sample updates
        Step(
            "PATCH a sample, form-encoded",
            "PATCH",
            "/samples/240616_125138_010003/",
            data={"name": "renamed"},
        ),
        Step(
            "PATCH a sample's parent to empty",
            "PATCH",
            "/samples/240616_125138_010004/",
            data={"parent": ""},
        ),
        Step(
            "PATCH a sample as JSON", "PATCH", "/samples/240616_125138_010003/", json={"name": "x"}
        ),
        Step(
            "PATCH a missing sample", "PATCH", "/samples/240101_000000_000000/", data={"name": "x"}
        ),
        Step(
            "PUT a sample",
            "PUT",
            "/samples/240616_125138_010003/",
            data=sample("240616_125138_010003", name="replaced"),
            files={"sample_info": info_file()},
            departure=3,
        ),
        # -- experiments
        Step(
            "create the document's experiment",
            "POST",
            "/experiments/",
            data={
                "name": "mock experiment",
                "method": "1",
                "date_created": "2023-04-01",
                "sample": "240616_125138_010102",
                "staff": "1",
                "project": "1",
            },
            files={"experiment_file": ("experiment.zip", zip_bytes, "application/zip")},
        ),
        Step(
            "experiment file not a ZIP",
            "POST",
            "/experiments/",
            data={
                "name": "x",
                "method": "1",
                "date_created": "2023-04-01",
                "sample": "240616_125138_010102",
                "staff": "1",
                "project": "1",
            },
            files={"experiment_file": ("e.zip", b"plain", "application/zip")},
        ),
        Step(
            "experiment without file",
            "POST",
            "/experiments/",
            data={
                "name": "x",
                "method": "1",
                "date_created": "2023-04-01",
                "sample": "240616_125138_010102",
                "staff": "1",
                "project": "1",
            },
        ),
        Step(
            "experiment with unknown staff",
            "POST",
            "/experiments/",
            data={
                "name": "x",
                "method": "1",
                "date_created": "2023-04-01",
                "sample": "240616_125138_010102",
                "staff": "99",
                "project": "1",
            },
            files={"experiment_file": ("experiment.zip", zip_bytes, "application/zip")},
        ),
        Step(
            "experiment with an empty sample",
            "POST",
            "/experiments/",
            data={
                "name": "x",
                "method": "1",
                "date_created": "2023-04-01",
                "sample": "",
                "staff": "1",
                "project": "1",
            },
            files={"experiment_file": ("experiment.zip", zip_bytes, "application/zip")},
        ),
        Step("read the new experiment", "GET", "/experiments/5/"),
        Step(
            "PATCH an experiment, form-encoded",
            "PATCH",
            "/experiments/5/",
            data={"name": "renamed"},
        ),
        # -- deletes
        Step(
            "delete a sample an experiment references",
            "DELETE",
            "/samples/240616_125138_010102/",
            departure=4,
        ),
        Step(
            "delete a sample a child references",
            "DELETE",
            "/samples/240101_090000_010007/",
            departure=4,
        ),
        Step("delete the experiment", "DELETE", "/experiments/5/"),
        Step("read the deleted experiment", "GET", "/experiments/5/"),
        Step("delete an unreferenced sample", "DELETE", "/samples/240616_125138_010003/"),
        Step("read the deleted sample", "GET", "/samples/240616_125138_010003/"),
        # -- schema endpoints (anonymous: the 7th of the 10 a day)
        Step("schema", "GET", "/api/schema/", auth="none", body=False),
        # -- throttling: anonymous requests 8, 9, 10 pass, the 11th is refused
        *[
            Step(f"obtain token #{n}", "POST", "/api/token/", auth="none", json=creds)
            for n in (8, 9, 10)
        ],
        Step("obtain token #11 (throttled)", "POST", "/api/token/", auth="none", json=creds),
        Step("authenticated read after the anonymous limit", "GET", "/institutes/1/"),
    ]


def mask(value: Any) -> Any:
    """The value with what differs between runs and servers replaced by a placeholder."""
    if isinstance(value, dict):
        return {k: mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v) for v in value]
    if isinstance(value, str):
        if JWT.match(value) and value.count(".") == 2 and len(value) > 40:
            return "<jwt>"
        if value.startswith(("http://", "https://")):
            return "<url>"
        if DATETIME.match(value):
            return "<datetime>"
        return SECONDS.sub("N seconds", value)
    return value


@dataclass
class Answer:
    """What a client sees of one answer."""

    status: int
    headers: dict[str, str]
    body: Any


class Client:
    """One server, with the token the first step obtains."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.tokens: dict[str, str] = {}

    def send(self, step: Step) -> Answer:
        """Send the step, filling `{refresh}` from the obtained pair."""
        headers = dict(step.headers)
        if step.auth == "access":
            headers["Authorization"] = f"Bearer {self.tokens.get('access', '')}"
        elif step.auth == "bad":
            headers["Authorization"] = "Bearer not.a.token"
        payload = step.json
        if isinstance(payload, dict) and payload.get("refresh") == "{refresh}":
            payload = {"refresh": self.tokens.get("refresh", "")}
        response = requests.request(
            step.method,
            self.base + step.path,
            json=payload,
            data=step.data,
            files=step.files,
            headers=headers,
            allow_redirects=step.follow,
            timeout=30,
        )
        body: Any = None
        if response.content and step.body:
            try:
                body = response.json()
            except ValueError:
                body = (
                    f"<{response.headers.get('content-type', '?')}: {len(response.content)} bytes>"
                )
        if step.path == "/api/token/" and response.status_code == 200 and not self.tokens:
            self.tokens = dict(response.json())
        wanted = {k: v for k, v in response.headers.items() if k.lower() in HEADERS}
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        wanted = {k.lower(): v for k, v in wanted.items()}
        if kind:
            wanted["content-type"] = kind
        if "retry-after" in wanted:
            wanted["retry-after"] = (
                "<int>" if wanted["retry-after"].isdigit() else wanted["retry-after"]
            )
        return Answer(response.status_code, wanted, mask(body))


def differences(real: Answer, mock: Answer) -> list[str]:
    """How the mock's answer differs from the real one, one line each."""
    out = []
    if real.status != mock.status:
        out.append(f"status: real {real.status}, mock {mock.status}")
    for name in sorted(set(real.headers) | set(mock.headers)):
        if real.headers.get(name) != mock.headers.get(name):
            out.append(f"{name}: real {real.headers.get(name)!r}, mock {mock.headers.get(name)!r}")
    if real.body != mock.body:
        out.append(f"body: real {json.dumps(real.body, ensure_ascii=False)[:600]}")
        out.append(f"      mock {json.dumps(mock.body, ensure_ascii=False)[:600]}")
    return out


def start_mock(contract: Path, port: int) -> subprocess.Popen[bytes]:
    """`specmock serve` with the contract's own defaults (throttling on where declared)."""
    specmock = Path(sys.executable).with_name("specmock")
    process = subprocess.Popen(
        [str(specmock), "serve", str(contract), "--port", str(port), "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    reference.wait_until_up(f"http://127.0.0.1:{port}/institutes/", process)
    return process


def compare(
    real_base: str, mock_base: str, report: Callable[[str], None] = print
) -> tuple[int, int]:
    """Run every step against both; (differing steps outside the departures, departures seen)."""
    real, mock = Client(real_base), Client(mock_base)
    unexpected = departures = 0
    for number, step in enumerate(steps(), 1):
        found = differences(real.send(step), mock.send(step))
        label = f"{number:3} {step.method:7} {step.path} - {step.name}"
        if not found:
            report(f"same  {label}")
            continue
        if step.departure is not None:
            departures += 1
            report(f"DEPARTURE {step.departure}  {label}")
        else:
            unexpected += 1
            report(f"DIFF  {label}")
        for line in found:
            report(f"        {line}")
    return unexpected, departures


def main(argv: list[str] | None = None) -> int:
    """Start both servers, compare, print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkout", type=Path, required=True, help="checkout of the real source")
    parser.add_argument("--python", help="its interpreter (default: <checkout>/.venv/bin/python)")
    parser.add_argument("--contract", type=Path, default=ROOT / "contracts" / "dmlf")
    args = parser.parse_args(argv)
    checkout = args.checkout.resolve()
    python = args.python or str(checkout / ".venv" / "bin" / "python")
    with tempfile.TemporaryDirectory(prefix="dmlf-compare-") as tmp:
        env = reference.prepare(checkout, Path(tmp), python, args.contract)
        real_port, mock_port = reference.free_port(), reference.free_port()
        real = reference.start(checkout, Path(tmp), python, real_port, env)
        mock = start_mock(args.contract, mock_port)
        try:
            unexpected, departures = compare(
                f"http://127.0.0.1:{real_port}", f"http://127.0.0.1:{mock_port}"
            )
        finally:
            for process in (real, mock):
                process.terminate()
                process.wait()
    total = len(steps())
    print(
        f"\n{total} steps: {total - unexpected - departures} the same, {departures} documented "
        f"departures, {unexpected} other differences"
    )
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
