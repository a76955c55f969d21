"""`specmock proxy CONTRACT --upstream URL`: start-up, serving, and the summary on exit."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from urllib.parse import urlsplit

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def run_proxy(args: argparse.Namespace) -> int:
    """Serve the proxy until stopped; print the summary; write the recording if asked."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s",
                        stream=sys.stderr)
    where = urlsplit(args.upstream)
    if where.scheme not in ("http", "https") or not where.netloc:
        print(f"specmock: --upstream {args.upstream!r} is not an http(s) URL, e.g. "
              "https://staging.example/", file=sys.stderr)
        return EXIT_USAGE
    from specmock.contract.bundled import resolve_contract

    if not resolve_contract(args.contract).exists():
        print(f"specmock: {args.contract}: no such file or directory, nor a bundled contract",
              file=sys.stderr)
        return EXIT_USAGE
    from specmock.engine.app import ContractError, MockEngine

    try:
        engine = MockEngine.from_path(resolve_contract(args.contract))
    except ContractError as error:
        for line in error.lines:
            print(line, file=sys.stderr)
        print(f"specmock: {args.contract}: fix the contract (see `specmock lint`)", file=sys.stderr)
        return EXIT_PROBLEMS
    for problem in engine.problems:  # served around, as `specmock serve` does: said, not fatal
        print(problem, file=sys.stderr)
    from specmock.http.server import serve_app_forever
    from specmock.proxy.app import ProxyApp
    from specmock.proxy.checks import ContractChecks
    from specmock.proxy.record import Recorder

    recorder = Recorder(engine.document, Path(args.record)) if args.record else None
    app = ProxyApp(ContractChecks(engine), args.upstream, rewrite_links=args.rewrite_links,
                   recorder=recorder, timeout=float(args.timeout),
                   log_violations=not args.quiet)
    print(f"specmock: proxying {engine.contract.title!r} to {args.upstream} on "
          f"http://{args.host}:{args.port}; violations in the sl-violations header and at "
          "/__specmock/proxy/violations", file=sys.stderr, flush=True)
    try:
        serve_app_forever(app, args.host, args.port)
    except OSError as error:
        print(f"specmock: cannot listen on {args.host}:{args.port}: {error.strerror}",
              file=sys.stderr)
        return EXIT_PROBLEMS
    print(app.report.summary(), flush=True)
    if recorder is not None:
        written = recorder.write()
        print(f"specmock: recorded into {args.record}: {', '.join(p.name for p in written)}")
    return EXIT_OK
