"""`MockEngine`: one mock instance: its contract compiled, its state, clock, journal, admin API."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specmock.behaviours.faults import Faults, FaultSpecError
from specmock.core.clock import ControllableClock
from specmock.core.exchange import Request, Response
from specmock.core.pointers import escape
from specmock.core.problems import ApiError
from specmock.engine import cors
from specmock.engine.admin import ADMIN_PREFIX, AdminApi
from specmock.engine.callbacks import CallbackSender
from specmock.engine.compile import compile_contract, iter_operations
from specmock.engine.hosts import HostPolicy
from specmock.engine.journal import Journal
from specmock.engine.options import EngineOptions
from specmock.engine.pipeline import Pipeline

if TYPE_CHECKING:  # the contract layer is imported when a contract is loaded
    from specmock.contract import Diagnostic, LoadedContract
    from specmock.contract.parallel import PendingChecks


class ContractError(Exception):
    """The contract has problems; `lines` are the linter's one-line diagnostics.

    Seen by: the CLI (prints the lines, exits 1) and code that builds an engine from a path.
    """

    def __init__(self, lines: list[str], fatal: int | None = None) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines
        self.fatal = len(lines) if fatal is None else fatal
        """How many of the problems refuse serving (all under --strict)."""


class MockEngine:
    """A mock server's whole behaviour as a function from `Request` to `Response`."""

    def __init__(self, document: dict[str, Any], options: EngineOptions | None = None,
                 unservable: Mapping[tuple[str, str], str] | None = None) -> None:
        self.options = options or EngineOptions()
        self.clock = self.options.clock or ControllableClock()
        self.document = document
        self.journal = Journal(self.options.journal_size)
        self.contract = compile_contract(document, self.options, self.clock, unservable)
        self.problems: list[Diagnostic] = []
        """The contract's problems it is served despite (lenient serving), as lint lists them."""
        self.faults = _faults(document, self.options.seed)
        self.callbacks = CallbackSender(self.journal, self.clock)
        self.pipeline = Pipeline(
            self.contract, self.options, self.journal, self.clock, document, self.faults,
            self.callbacks if self.options.callbacks else None,
        )
        self.admin = AdminApi(self)
        self.hosts = HostPolicy.of(self.options.allowed_hosts)

    @classmethod
    def from_path(
        cls, path: str | Path, options: EngineOptions | None = None, *,
        remember_checks: bool = True, strict: bool = False,
    ) -> MockEngine:
        """Load, check and compile a contract (a directory with openapi.yaml, or the file).

        With `remember_checks`, a document that passed the OpenAPI check before on this machine
        is not checked again (mockserver/contract/check_cache.py). `strict`: see `from_loaded`.
        """
        from specmock.contract import load_contract, start_checks

        loaded = load_contract(Path(path))
        return cls.from_loaded(loaded, start_checks(loaded, remember_checks), options,
                               strict=strict)

    @classmethod
    def from_loaded(
        cls, loaded: LoadedContract, checks: PendingChecks, options: EngineOptions | None = None,
        *, strict: bool = False, on_phase: Callable[[str], None] | None = None,
    ) -> MockEngine:
        """Compile a loaded contract while its checks finish (maybe in a child process, see
        mockserver/contract/parallel.py).

        Lenient (the default): the contract's problems are kept in `problems` and everything
        that can be served is (mockserver/contract/servable.py: an operation a problem leaves
        unservable answers 500 naming it); ContractError only for the fatal problems (nothing
        readable, an OpenAPI version not read, wrong `x-specmock` declarations). `strict`:
        ContractError for any problem at all, warnings included. A contract that fails its
        checks may also fail to compile: then the checks' findings are what is reported, not
        the compiler's exception. `on_phase` is told when compiling and when waiting for the
        checks begin (the CLI's progress lines).
        """
        say = on_phase or _silent
        from specmock.contract.lint import all_problems
        from specmock.contract.positions import located
        from specmock.contract.servable import is_fatal, unservable_operations

        # Compiled while the checks run (maybe in a child): the problems that make operations
        # unservable are the loader's (a $ref naming nothing), known already.
        engine: MockEngine | None = None
        failure: Exception | None = None
        if loaded.loaded and not (strict and loaded.diagnostics):
            unservable = unservable_operations(loaded, list(loaded.diagnostics))
            try:
                say(f"compiling {_operation_count(loaded.document)} operations")
                engine = cls(loaded.document, options,
                             {key: str(d) for key, d in unservable.items()})
            except Exception as exc:  # reported below, after the checks have had their say
                failure = exc
        say("checking the contract against the OpenAPI specification")
        problems = all_problems(loaded, checks.result() if loaded.loaded else [])
        fatal = problems if strict else [d for d in problems if is_fatal(d, loaded)]
        if fatal or not loaded.loaded:
            raise ContractError([str(d) for d in problems], fatal=len(fatal or problems))
        if failure is not None and problems:  # they keep the document from compiling at all
            raise ContractError([str(d) for d in problems]) from failure
        if failure is not None:
            raise failure
        assert engine is not None
        failed = [loaded.diagnostic(f"/paths/{escape(template)}/{method.lower()}",
                                    f"this operation cannot be compiled: {reason}")
                  for (template, method), reason in engine.contract.compile_failures.items()]
        if strict and failed:
            raise ContractError([str(d) for d in located(failed)])
        engine.problems = [*problems, *located(failed)]
        return engine

    def handle(self, request: Request) -> Response:
        """Answer a request: the admin API under /__specmock/, the contract everywhere else.

        A Host that cannot be written into links is a 400 first, rendered against the server's
        own address rather than the host that was sent."""
        try:
            self.hosts.check(request)
        except ApiError as refused:
            return self.pipeline.reject(replace(request, base_url=self.options.public_url),
                                        refused)
        if request.path.startswith(ADMIN_PREFIX):
            return self.admin.handle(request)
        if not self.options.cors:
            return self.pipeline.handle(request)
        if cors.is_preflight(request):
            return self.pipeline.answered(request, cors.preflight(request))
        return cors.allow(request, self.pipeline.handle(request))

    def refuse(self, request: Request, error: ApiError) -> Response:
        """`error` in the contract's error shape for a request the HTTP layer will not run
        (a limit broken: 408, 414, 431, 503), journalled like any other."""
        response = self.pipeline.reject(request, error)
        return cors.allow(request, response) if self.options.cors else response

    def malformed(self, request: Request, detail: str) -> Response:
        """400 in the contract's error shape for a request the HTTP layer could not parse
        (`request` holds what it did read: method, path and headers as far as they went)."""
        return self.pipeline.reject(request, ApiError("malformedRequest", detail))

    def keep_journal(self, journal: Journal) -> None:
        """Record into `journal` from now on (a reloaded engine keeps its predecessor's)."""
        self.journal = self.pipeline.journal = self.callbacks.journal = journal

    def reset(self) -> None:
        """State back to the seed, data sets forgotten, journal emptied, clock back to real time."""
        self.contract.state.reset()
        self.pipeline.forget()
        self.contract.representation.forget()
        if self.contract.throttle is not None:
            self.contract.throttle.reset()
        if self.contract.datasets is not None:
            self.contract.datasets.clear()
        self.journal.clear()
        self.clock.reset()
        self.faults.reset()


def _faults(document: dict[str, Any], seed: int) -> Faults:
    """The contract's fault rules (`x-specmock.faults`), checked by lint before we get here."""
    declared = document.get("x-specmock", {}).get("faults", [])
    try:
        return Faults(declared, seed=seed)
    except FaultSpecError as error:
        raise ContractError([f"x-specmock/faults{error.pointer}: {error.message}"]) from None


def _silent(_phase: str) -> None:
    return None


def _operation_count(document: dict[str, Any]) -> int:
    return sum(1 for _ in iter_operations(document))
