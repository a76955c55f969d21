"""Run a checkout of the real DMLF source as a local reference deployment (not part of CI).

The real service (GitHub `ThBuchwald/datamininglab`) is a Django project. This script gives it
a settings module of its own (SQLite, a media folder, a secret key, DEBUG off, local hosts),
migrates a fresh database, loads the records of `contracts/dmlf/seed/` plus the contract's
users into it, and starts Django's server on 127.0.0.1. Nothing of the checkout is copied.

    python scripts/dmlf_reference.py --checkout /work/dmlf-real --port 8123

The checkout's own virtualenv runs it (`<checkout>/.venv/bin/python` unless `--python`), with
Django 4.2, djangorestframework 3.15, djangorestframework-simplejwt 5.3, drf-spectacular 0.27,
django-widget-tweaks, python-decouple, whitenoise and django-anymail installed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "contracts" / "dmlf"

SETTINGS = """\
# Written by specmock's scripts/dmlf_reference.py: the service's settings, made local.
from datamininglab.settings import *  # noqa: F401,F403

DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": {db!r}}}}}
MEDIA_ROOT = {media!r}
SECRET_KEY = "specmock-reference-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
LOGGING = {{"version": 1, "disable_existing_loggers": False,
           "handlers": {{"null": {{"class": "logging.NullHandler"}}}},
           "root": {{"handlers": ["null"]}}}}
"""

# Which model each seeded collection goes to; collections without a model are the mock's own.
MODELS = {
    "institutes": "Institute",
    "fundingbodies": "FundingBody",
    "sampletypes": "SampleType",
    "projects": "Project",
    "methods": "Method",
    "staff": "Staff",
    "samples": "Sample",
    "experiments": "Experiment",
}

# Run inside the reference's interpreter (its own Django): reads the JSON this script prepared.
LOADER = r"""
import json, sys
import django
django.setup()
from django.apps import apps
from django.db import models
from django.contrib.auth import get_user_model

data = json.load(open(sys.argv[1]))
User = get_user_model()
for user in data["users"]:
    User.objects.create_user(id=user["id"], username=user["username"], password=user["password"],
                             email=user["username"] + "@example.org")
for name, model_name in data["order"]:
    Model = apps.get_model("main", model_name)
    Model.objects.all().delete()
    rows, stamps = [], {}
    for record in data["collections"][name]:
        kwargs = {}
        for field in Model._meta.concrete_fields:
            if field.name not in record:
                continue
            value = record[field.name]
            if isinstance(field, models.ForeignKey):
                kwargs[field.attname] = value
            elif isinstance(field, models.FileField):
                kwargs[field.name] = value.split("/media/", 1)[1] if value else None
            elif field.name == "date_registered":
                stamps[record[Model._meta.pk.name]] = value
            else:
                kwargs[field.name] = value
        rows.append(Model(**kwargs))
    # Self-references (a sample's parent) are set after every row exists, so rows keep the
    # seed's order (lists come back in insertion order, as the mock keeps them).
    selfrefs = {}
    for row in rows:
        for field in Model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is Model:
                value = getattr(row, field.attname)
                if value is not None:
                    selfrefs.setdefault(field.attname, {})[row.pk] = value
                    setattr(row, field.attname, None)
    Model.objects.bulk_create(rows)
    for attname, links in selfrefs.items():
        for pk, target in links.items():
            Model.objects.filter(pk=pk).update(**{attname: target})
    for pk, stamp in stamps.items():
        Model.objects.filter(pk=pk).update(date_registered=stamp)
print("seeded", sum(len(data["collections"][n]) for n, _ in data["order"]), "records")
"""


def seed_data(contract: Path) -> dict[str, object]:
    """The contract's users and seed records, in an order that satisfies foreign keys."""
    document = yaml.safe_load((contract / "openapi.yaml").read_text())
    root = document["x-specmock"]
    collections: dict[str, list[dict[str, object]]] = {}
    for name in MODELS:
        ref = root["collections"][name]["seed"]["$ref"]
        collections[name] = yaml.safe_load((contract / ref).read_text())["records"]
    return {
        "users": root["auth"]["users"],
        "order": list(MODELS.items()),
        "collections": collections,
    }


def free_port() -> int:
    """A port nobody listens on now (bound to 0 and released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(
    checkout: Path, workdir: Path, python: str, contract: Path = CONTRACT
) -> dict[str, str]:
    """Write settings, migrate a fresh database and load the seed; the environment to run in."""
    workdir.mkdir(parents=True, exist_ok=True)
    db, media = workdir / "db.sqlite3", workdir / "media"
    if db.exists():
        db.unlink()
    shutil.rmtree(media, ignore_errors=True)
    media.mkdir()
    (workdir / "specmock_reference_settings.py").write_text(
        SETTINGS.format(db=str(db), media=str(media))
    )
    env = {
        **os.environ,
        "PYTHONPATH": f"{workdir}{os.pathsep}{checkout}",
        "DJANGO_SETTINGS_MODULE": "specmock_reference_settings",
    }
    manage = [python, str(checkout / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=workdir)
    seed_file = workdir / "seed.json"
    seed_file.write_text(json.dumps(seed_data(contract)))
    subprocess.run([python, "-c", LOADER, str(seed_file)], env=env, check=True, cwd=workdir)
    return env


def start(
    checkout: Path, workdir: Path, python: str, port: int, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    """Django's server on 127.0.0.1:port (no autoreload), once it answers."""
    process = subprocess.Popen(
        [python, str(checkout / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # A protected list: its 401 comes before throttling, so polling spends no anonymous request.
    wait_until_up(f"http://127.0.0.1:{port}/institutes/", process)
    return process


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    """Poll `url` until it answers at all (any status), or fail when the process ends."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server ended with status {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} within {timeout} s")


def main(argv: list[str] | None = None) -> int:
    """Prepare and serve until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkout", type=Path, required=True, help="checkout of the real source")
    parser.add_argument(
        "--python", help="interpreter with its dependencies (default: <checkout>/.venv/bin/python)"
    )
    parser.add_argument(
        "--workdir", type=Path, help="where database and media go (default: a temporary folder)"
    )
    parser.add_argument(
        "--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)"
    )
    parser.add_argument(
        "--contract", type=Path, default=CONTRACT, help="contract whose seed is loaded"
    )
    args = parser.parse_args(argv)
    checkout = args.checkout.resolve()
    python = args.python or str(checkout / ".venv" / "bin" / "python")
    workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="dmlf-ref-"))).resolve()
    port = args.port or free_port()
    env = prepare(checkout, workdir, python, args.contract)
    process = start(checkout, workdir, python, port, env)
    print(f"DMLF reference on http://127.0.0.1:{port}/ (data in {workdir})", flush=True)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        process.wait()
        return 130


if __name__ == "__main__":
    sys.exit(main())
