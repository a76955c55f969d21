"""`specmock serve | proxy | test | lint`: the command line.

Bad input is a one-line message and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import ipaddress
import logging
import os
import secrets
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from specmock.contract.bundled import bundled_contracts, describe_bundled, resolve_contract
from specmock.core.clock import ControllableClock
from specmock.core.limits import HttpLimits
from specmock.core.progress import StartupProgress, ticking

if TYPE_CHECKING:  # imported late when serving (see _serve_on)
    from specmock.engine.app import MockEngine
    from specmock.engine.options import EngineOptions
    from specmock.engine.reload import ReloadingEngine

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_CANNOT_LISTEN = 3  # the address or port cannot be bound (in use, not ours): before "ready"
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a process manager reports a stop
CHECKER_MODULES = ("openapi_spec_validator", "specmock.contract.schema_meta")
"""What the OpenAPI check imports: a prewarmed child imports it while the contract loads."""


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1 (one-line error otherwise)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


def _port(text: str) -> int:
    value = positive_int(text) if text != "0" else 0
    if value > 65535:
        raise argparse.ArgumentTypeError(f"a port is at most 65535, got {value}")
    return value


def _scale(text: str) -> tuple[str, int]:
    name, sep, count = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(
            f"expected COLLECTION=COUNT, e.g. aliquots=1000000, got {text!r}"
        )
    try:
        value = int(count.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number after '=', got {count!r}"
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"a count is at least 0, got {value}")
    return name, value


_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


def is_loopback(bind_host: str) -> bool:
    """Whether a server bound to `bind_host` is reachable from this machine only."""
    if bind_host == "localhost":
        return True
    try:
        return ipaddress.ip_address(bind_host).is_loopback
    except ValueError:  # a host name: it may resolve to any interface
        return False
_WILDCARDS = ("0.0.0.0", "::", "")


def served_names(bind_host: str, public_urls: Sequence[str]) -> tuple[str, ...]:
    """The Host names a mock bound to `bind_host` answers: that address (any of this machine's
    names and addresses for a wildcard bind), localhost for a loopback or wildcard bind, and
    the host of each public URL."""
    names = [f"[{bind_host}]" if ":" in bind_host else bind_host]
    if bind_host in _WILDCARDS or is_loopback(bind_host):
        names.extend(_LOOPBACK_NAMES)
    if bind_host in _WILDCARDS:
        names.extend(_machine_names())
    names.extend(urlsplit(url).netloc.rsplit("@", 1)[-1] for url in public_urls)
    return tuple(n for n in names if n)


def _machine_names() -> list[str]:
    try:
        name, aliases, addresses = socket.gethostbyname_ex(socket.gethostname())
    except OSError:
        return [socket.gethostname()]
    return [name, *aliases, *addresses]


def no_such_contract() -> str:
    """Why a contract argument names nothing, and what would."""
    names = ", ".join(bundled_contracts()) or "none"
    return ("no such file or directory, nor a bundled contract (bundled: " + names
            + "; or give a contract directory, or its openapi.yaml)")


SERVE_EPILOG = """\
Every option also comes from an environment variable, SPECMOCK_ and its name in capitals
(--token-ttl: SPECMOCK_TOKEN_TTL; a switch takes true/false), or from specmock.toml in the
current directory (or the [tool.specmock] table of its pyproject.toml; keys are option names:
port = 9000). The command line wins over the environment, the environment over the file.
Lenient by default: each problem of the contract is a warning line (file:line:column: pointer:
message, as `specmock lint` prints it) and everything servable is served; an operation a
problem leaves unservable answers 500 naming it. Fatal even so: a document that cannot be read,
an OpenAPI version other than 2.0, 3.0, 3.1, and wrong x-specmock declarations.
Exit status: 0 stopped, 1 the contract has fatal problems (any problem with --strict), 2 bad
usage, 3 the address cannot be bound (in use; said before any "ready" line), 130/143
interrupted or terminated while starting.
"""

PROXY_EPILOG = """\
Every option also comes from an environment variable, SPECMOCK_ and its name in capitals
(--upstream: SPECMOCK_UPSTREAM; SPECMOCK_PORT sets serve's and proxy's port alike), or from the
[proxy] table of specmock.toml in the current directory (or of [tool.specmock] in its
pyproject.toml: [tool.specmock.proxy]). The command line wins over the environment, the
environment over the file.
"""


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("specmock")
    except Exception:  # running from a checkout that was never installed
        from specmock import __version__

        return __version__


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (public so the README's usage can be checked against it)."""
    parser = argparse.ArgumentParser(prog="specmock", description=__doc__)
    parser.add_argument("--version", action="version", version=f"specmock {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve", help="serve a contract as a mock server", epilog=SERVE_EPILOG,
        formatter_class=_HelpFormatter)
    serve.add_argument(
        "contract", help="a bundled contract by name (see `specmock contracts`), a directory "
        "holding openapi.yaml, or the file")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (0.0.0.0 or :: for every interface)")
    serve.add_argument("-p", "--port", type=_port, default=8000,
                       help="port to listen on (0: any free port, shown in the ready line)")
    serve.add_argument("--seed", type=int, default=0, help="seed for generated data")
    serve.add_argument("--token-ttl", type=positive_int, help="access-token lifetime in seconds")
    serve.add_argument(
        "--refresh-ttl", type=positive_int, help="refresh-token lifetime in seconds"
    )
    serve.add_argument("--dataset-ttl", type=positive_int, help="data-set id lifetime in seconds")
    serve.add_argument(
        "--offset-unit",
        choices=["records", "pages"],
        help="whether offset counts records or pages (default: the contract's)",
    )
    serve.add_argument(
        "--seed-scale",
        type=_scale,
        action="append",
        default=[],
        metavar="COLLECTION=N",
        help="seed N generated records into COLLECTION, e.g. aliquots=1000000",
    )
    serve.add_argument(
        "--max-body",
        type=positive_int,
        default=10 * 1024 * 1024,
        help="largest accepted request body in bytes (larger: 413)",
    )
    serve.add_argument(
        "--max-file-store",
        type=positive_int,
        default=256 * 1024 * 1024,
        metavar="BYTES",
        help="bytes of uploads kept at once (past it a write with files: 413)",
    )
    serve.add_argument(
        "--check-responses",
        action="store_true",
        help="check every answer against the contract (500 on a mismatch)",
    )
    serve.add_argument(
        "--public-url", action="append", default=[], metavar="URL",
        help="a URL clients reach the mock by (e.g. http://mock.internal:8000); its host joins "
        "the Host names served (default: the bound address, and localhost for loopback)")
    serve.add_argument(
        "--any-host", action="store_true",
        help="accept any well-formed Host (links then point wherever a client says)")
    limits = HttpLimits()
    serve.add_argument("--max-url-bytes", type=positive_int, default=limits.max_url_bytes,
                       metavar="BYTES", help="longest request target (longer: 414)")
    serve.add_argument("--max-header-bytes", type=positive_int,
                       default=limits.max_header_bytes, metavar="BYTES",
                       help="longest header field (longer: 431)")
    serve.add_argument("--max-headers", type=positive_int, default=limits.max_header_count,
                       metavar="N", help="most header fields of a request (more: 431)")
    serve.add_argument("--request-timeout", type=positive_int,
                       default=int(limits.request_timeout), metavar="S",
                       help="seconds a request may take to arrive in full (then: 408)")
    serve.add_argument("--idle-timeout", type=positive_int, default=int(limits.idle_timeout),
                       metavar="S", help="seconds a connection may stay silent (then: closed)")
    serve.add_argument("--max-connections", type=positive_int, metavar="N",
                       help="open connections beyond which requests but the health check get "
                       "503 (default: the descriptor limit less 64)")
    serve.add_argument(
        "--admin-token", metavar="TOKEN",
        help="token the admin API needs in X-Specmock-Token (default: none on loopback; "
        "generated and printed for any other --host)")
    serve.add_argument(
        "--no-throttle",
        action="store_true",
        help="ignore the contract's throttle rates (x-specmock.throttle): nothing answers 429",
    )
    serve.add_argument(
        "--strict", action="store_true",
        help="refuse to serve a contract with any problem `specmock lint` finds, warnings "
        "included (exit 1); by default each is a warning and everything servable is served")
    serve.add_argument(
        "--stateless",
        action="store_true",
        help="infer no collections from a plain document's resource paths: every operation "
        "answers from its examples or schema (x-specmock collections are served as ever)",
    )
    serve.add_argument(
        "--cors", choices=["on", "off"], default="on",
        help="answer browsers' CORS preflights and let pages on any origin read answers")
    serve.add_argument(
        "--callbacks", choices=["on", "off"], default="on",
        help="send the OpenAPI callbacks an answer triggers (to the URLs clients name)")
    serve.add_argument(
        "--watch", action="store_true",
        help="serve the document anew when one of its files changes (same port; collections "
        "declared as before keep their records)")
    serve.add_argument("--quiet", action="store_true", help="no per-request log lines")
    serve.add_argument("--log-format", choices=["text", "json"], default="text",
                       help="log lines as text, or one JSON object per line")
    serve.add_argument(
        "--no-check-cache",
        action="store_true",
        help="load and check the contract afresh even if it loaded and passed before "
        "(a pass is remembered in $SPECMOCK_CACHE_DIR, default ~/.cache/specmock)",
    )

    proxy = commands.add_parser(
        "proxy", help="forward to a real server, checking its traffic against a contract",
        epilog=PROXY_EPILOG, formatter_class=_HelpFormatter)
    proxy.add_argument(
        "contract",
        help="a bundled contract by name, a directory holding openapi.yaml, or the file")
    proxy.add_argument("--upstream", required=True, help="base URL of the real server")
    proxy.add_argument("--host", default="127.0.0.1", help="address to listen on")
    proxy.add_argument("-p", "--port", type=_port, default=8000, help="port to listen on")
    proxy.add_argument(
        "--rewrite-links",
        action="store_true",
        help="point links in answers at the proxy (default: as the server wrote them)",
    )
    proxy.add_argument(
        "--record",
        metavar="DIR",
        help="write what was seen as examples and seed records (secrets redacted) into DIR",
    )
    proxy.add_argument(
        "--timeout", type=positive_int, default=30, help="seconds to wait for the upstream"
    )
    proxy.add_argument("--quiet", action="store_true", help="no per-violation log lines")

    test = commands.add_parser("test", add_help=False,
                               help="run the property-based contract suites (specmock test --help)")
    test.add_argument("suite_args", nargs=argparse.REMAINDER)

    commands.add_parser("contracts", help="list the bundled contracts (name, title, path)")

    lint = commands.add_parser("lint", help="check contracts; print file:pointer: message lines")
    lint.add_argument("paths", nargs="+",
                      help="bundled contract names, contract directories or openapi.yaml files")
    return parser


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Defaults shown after each option's help; the epilog kept as written."""


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[name]
            return found
    raise KeyError(name)


def parse_arguments(
    arguments: Sequence[str], environ: Mapping[str, str], cwd: Path
) -> argparse.Namespace:
    """The command line, over `SPECMOCK_*` variables, over the configuration file in `cwd`
    (cli_config.py); raises ConfigError for a default the option does not take."""
    from specmock.cli_config import layered_defaults

    parser = build_parser()
    command = arguments[0] if arguments[:1] in (["serve"], ["proxy"]) else None
    defaults: dict[str, object] = {}
    if command is not None:
        sub = _subparser(parser, command)
        defaults = layered_defaults(sub, environ, cwd, command)
        for action in sub._actions:
            if action.dest in defaults:
                action.required = False  # e.g. --upstream given by SPECMOCK_UPSTREAM
        # A repeatable option's default list would be added to, not replaced, by the command line.
        sub.set_defaults(**{k: v for k, v in defaults.items() if not isinstance(v, list)})
    repeated = {k: v for k, v in defaults.items() if isinstance(v, list)}
    args = parser.parse_args(list(arguments))
    for dest, values in repeated.items():
        if not getattr(args, dest):
            setattr(args, dest, values)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `specmock` console script."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["test"]:
        # Everything after `test` belongs to the suites' own parser (argparse's REMAINDER
        # would swallow neither a leading --help nor --contract).
        from specmock_suites.cli import main as run_suites

        return run_suites(arguments[1:])
    from specmock.cli_config import ConfigError

    try:
        args = parse_arguments(arguments, os.environ, Path.cwd())
    except ConfigError as error:
        print(f"specmock: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "lint":
        from specmock.contract import run_lint

        return run_lint(list(args.paths), sys.stdout)
    if args.command == "contracts":
        for found in describe_bundled():
            print(f"{found.name}\t{found.title}\t{found.path}")
        return EXIT_OK
    if args.command == "proxy":
        from specmock.proxy.cli import run_proxy

        return run_proxy(args)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return _serve(args)
    except KeyboardInterrupt:  # Ctrl-C before the server took over its signals: no traceback
        print("specmock: interrupted while starting", file=sys.stderr)
        return EXIT_INTERRUPTED
    except TerminatedError:
        print("specmock: terminated while starting", file=sys.stderr)
        return EXIT_TERMINATED
    finally:
        signal.signal(signal.SIGTERM, previous)


class TerminatedError(BaseException):
    """SIGTERM before the server took over its signals (a BaseException, as KeyboardInterrupt
    is, so no `except Exception` on the way swallows it). Seen by: `main`, which says so."""


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _terminate(signum: int, frame: object) -> None:
    raise TerminatedError


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while compiled extensions are imported and initialised (an
    interrupt raised inside a Rust extension's module init can crash the interpreter), then act
    on the first that came, as if it had come just now."""
    arrived: list[int] = []
    handlers = {sig: signal.signal(sig, lambda number, _: arrived.append(number))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    if arrived:
        raise KeyboardInterrupt if arrived[0] == signal.SIGINT else TerminatedError


def url_host(host: str) -> str:
    """`host` as it stands in a URL: an IPv6 address in brackets."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to host:port (raises OSError: in use, not ours to bind). It listens only
    once the mock is about to say "ready" (`sock.listen()`), so until then a client's connection
    is refused, as readiness probes expect, instead of waiting in the backlog."""
    infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                               flags=socket.AI_PASSIVE)
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


def _logging(args: argparse.Namespace) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if args.log_format == "json":
        from specmock.engine.access import JsonLogFormatter

        handler.setFormatter(JsonLogFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        handlers=[handler])


def _serve(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    _logging(args)
    if not resolve_contract(args.contract).exists():
        print(f"specmock: {args.contract}: {no_such_contract()}", file=sys.stderr)
        return EXIT_USAGE
    try:
        listening = bind(args.host, args.port)
    except OSError as error:
        print(f"specmock: cannot listen on {url_host(args.host)}:{args.port}: "
              f"{error.strerror or error}", file=sys.stderr)
        return EXIT_CANNOT_LISTEN
    try:
        return _serve_on(args, listening, started)
    finally:
        listening.close()


def _serve_on(args: argparse.Namespace, listening: socket.socket, started: float) -> int:
    port = int(listening.getsockname()[1])
    # A child forked now imports the OpenAPI checker while this process loads the contract;
    # it then checks the contract while the engine and the server are imported and the
    # contract compiled (core/prewarmed.py, contract/parallel.py). Hence the late imports.
    from specmock.core.prewarmed import PrewarmedChild

    prewarmed = PrewarmedChild.start(CHECKER_MODULES)  # forked before any handler is swapped
    with _signals_deferred():
        from specmock.contract import load_contract, start_checks
        from specmock.contract.load_cache import load_remembered

    progress = StartupProgress(_say)
    progress.phase(f"loading {args.contract}")
    # A later start of unchanged files takes the remembered load (contract/load_cache.py).
    load = load_contract if args.no_check_cache else load_remembered
    loaded = load(resolve_contract(args.contract))
    checks = start_checks(loaded, remember=not args.no_check_cache, prewarmed=prewarmed)
    progress.phase("importing the engine")
    with _signals_deferred():
        from specmock.engine.app import ContractError, MockEngine
        from specmock.engine.compile import SeedScaleError
        from specmock.engine.options import EngineOptions
        from specmock.http.server import serve_forever

    admin_token = args.admin_token
    if admin_token is None and not is_loopback(args.host):
        admin_token = secrets.token_urlsafe(18)
    options = EngineOptions(
        seed=args.seed,
        token_ttl=args.token_ttl,
        refresh_ttl=args.refresh_ttl,
        dataset_ttl=args.dataset_ttl,
        offset_unit=args.offset_unit,
        seed_scale=dict(args.seed_scale),
        max_body_bytes=args.max_body,
        max_file_store_bytes=args.max_file_store,
        check_responses=args.check_responses,
        admin_token=admin_token,
        allowed_hosts=None if args.any_host else served_names(args.host, args.public_url),
        http=HttpLimits(max_url_bytes=args.max_url_bytes, max_header_bytes=args.max_header_bytes,
                        max_header_count=args.max_headers, request_timeout=args.request_timeout,
                        idle_timeout=args.idle_timeout, max_connections=args.max_connections),
        public_url=(args.public_url or [f"http://{url_host(args.host)}:{port}"])[0].rstrip("/"),
        throttle=not args.no_throttle,
        stateless=args.stateless,
        cors=args.cors == "on",
        callbacks=args.callbacks == "on",
        # With --watch every engine of this run shares one clock and one token secret.
        clock=ControllableClock() if args.watch else None,
        secret=secrets.token_bytes(32) if args.watch else None,
    )
    with ticking(progress):  # after the checks' fork: a fork copies one thread
        try:
            engine = MockEngine.from_loaded(loaded, checks, options, strict=args.strict,
                                              on_phase=progress.phase)
        except SeedScaleError as error:
            print(f"specmock: {error}", file=sys.stderr)
            return EXIT_USAGE
        except ContractError as error:
            for line in error.lines:
                print(line, file=sys.stderr)
            refusing = ("--strict refuses any" if args.strict
                        else f"{error.fatal} of them cannot be served around")
            print(
                f"specmock: {args.contract}: the contract has {len(error.lines)} problem(s) and "
                f"{refusing}; fix them (see `specmock lint`) and serve again",
                file=sys.stderr,
            )
            return EXIT_PROBLEMS
        except Exception as error:  # a contract no check foresaw: one line, never a traceback
            print(f"specmock: {args.contract}: cannot be served: {type(error).__name__}: "
                  f"{str(error).splitlines()[0] if str(error) else ''} (please report this with "
                  "the contract: `specmock lint` should have found it)", file=sys.stderr)
            return EXIT_PROBLEMS
    try:
        listening.listen(2048)
    except OSError as error:
        print(f"specmock: cannot listen on {url_host(args.host)}:{port}: {error.strerror}",
              file=sys.stderr)
        return EXIT_CANNOT_LISTEN
    operations = sum(len(m) for m in engine.contract.routes.values())
    _warn_problems(engine, args.contract)
    for _pointer, note in engine.contract.declarations.notes():  # what state it keeps
        print(f"specmock: {note}", file=sys.stderr)
    print(
        f"specmock: serving {engine.contract.title!r} ({operations} operations) on "
        f"http://{url_host(args.host)}:{port} - ready in {time.perf_counter() - started:.2f}s; "
        f"admin API at /__specmock/",
        file=sys.stderr,
        flush=True,
    )
    if not is_loopback(args.host):
        print(f"specmock: warning: {args.host} is reachable from other machines; the admin API "
              f"(reset, clock, journal, uploads) needs the header X-Specmock-Token: "
              f"{admin_token}", file=sys.stderr, flush=True)
    stop_watching = threading.Event()
    served = _watching(args, engine, loaded.files, options, stop_watching) if args.watch else engine
    try:
        serve_forever(served, args.host, port, sock=listening)
    except OSError as error:
        print(f"specmock: cannot listen on {url_host(args.host)}:{port}: {error.strerror}",
              file=sys.stderr)
        return EXIT_CANNOT_LISTEN
    finally:
        stop_watching.set()
    print("specmock: stopped", file=sys.stderr)
    return EXIT_OK


def _warn_problems(engine: object, contract: str) -> None:
    """The contract's problems it is served despite: lint's lines, then what they cost."""
    from specmock.engine.unservable import UnservableValidator

    problems = getattr(engine, "problems", [])
    routes = getattr(getattr(engine, "contract", None), "routes", {})
    if not problems:
        return
    for problem in problems:
        print(problem, file=sys.stderr)
    unservable = sum(isinstance(op.validator, UnservableValidator)
                     for methods in routes.values() for op in methods.values())
    print(f"specmock: warning: {contract}: {len(problems)} problem(s) (as `specmock lint` "
          f"lists them); serving anyway, {unservable} operation(s) answering 500 for a "
          "problem (--strict refuses to serve)", file=sys.stderr, flush=True)


def _watching(args: argparse.Namespace, engine: MockEngine, files: tuple[Path, ...],
              options: EngineOptions, stop: threading.Event) -> ReloadingEngine:
    """The engine to serve with --watch, and a thread reloading it when a file changes."""
    from specmock.engine.reload import ReloadingEngine, rebuilding, stamps, watch_files

    read = stamps(files)  # as they were read, give or take the compile: edits since count
    served = ReloadingEngine(engine, files, rebuilding(resolve_contract(args.contract), options,
                                                       remember=not args.no_check_cache,
                                                       strict=args.strict))

    def changed() -> None:
        result = served.reload()
        if result.ok:
            kept = ", ".join(result.kept) or "none"
            print(f"specmock: reloaded {args.contract} in {result.seconds:.2f}s "
                  f"({sum(len(m) for m in served.engine.contract.routes.values())} operations; "
                  f"collections kept: {kept})", file=sys.stderr, flush=True)
            return
        for line in result.problems:
            print(line, file=sys.stderr)
        print(f"specmock: {args.contract} changed but has {len(result.problems)} problem(s); "
              "still serving the previous version", file=sys.stderr, flush=True)

    def prewarm() -> None:  # the OpenAPI checker now, not on the first change (a second)
        for module in CHECKER_MODULES:
            importlib.import_module(module)

    def watch() -> None:
        try:
            watch_files(lambda: served.files, changed, stop, since=read)
        except Exception as error:  # e.g. the system's limit of watched files: one line
            print(f"specmock: --watch stopped: {type(error).__name__}: {error}; still serving "
                  "the version loaded last", file=sys.stderr, flush=True)

    threading.Thread(target=watch, name="specmock-watch", daemon=True).start()
    threading.Thread(target=prewarm, name="specmock-prewarm", daemon=True).start()
    print(f"specmock: watching {len(files)} file(s) of {args.contract} for changes",
          file=sys.stderr, flush=True)
    return served


if __name__ == "__main__":
    raise SystemExit(main())
