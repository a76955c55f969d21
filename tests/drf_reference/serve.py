"""Start the reference deployment: `python -m tests.drf_reference.serve` (port 0: a free one).

Makes a fresh database in DMLF_REF_DIR, seeds it, and serves it with waitress on 127.0.0.1;
prints `serving http://127.0.0.1:PORT` once it accepts requests.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Migrate, seed and serve until killed."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.drf_reference.settings")
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.STATE.mkdir(parents=True, exist_ok=True)
    database = settings.STATE / "db.sqlite3"
    database.unlink(missing_ok=True)
    call_command("migrate", run_syncdb=True, verbosity=0)
    from tests.drf_reference.seed import seed

    seed()
    from django.core.wsgi import get_wsgi_application
    from waitress import create_server

    server = create_server(get_wsgi_application(), host="127.0.0.1", port=0, threads=4)
    print(f"serving http://127.0.0.1:{server.effective_port}", flush=True)  # type: ignore[union-attr]
    server.run()


if __name__ == "__main__":
    sys.exit(main())
