"""`--watch`: a changed document is served without dropping the port.

`ReloadingEngine` is what the HTTP layer serves: it passes every request to the current
`MockEngine` and, on `reload()`, builds a new one from the document as it now is. The new
engine takes over the old one's clock, journal and token secret (so tokens issued before the
change stay valid) and every collection whose declaration did not change, records and uploads
included; a collection declared anew starts from its seed. A document that no longer loads
or compiles leaves the old engine serving; the problems are returned for the caller to print.

`watch_files` is the watcher loop (watchfiles, the Rust-backed watcher uvicorn's own --reload
uses): it waits for a change to any file of the document, on a thread of its own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from specmock.core.exchange import Request, Response
from specmock.core.problems import ApiError
from specmock.engine.app import ContractError, MockEngine
from specmock.engine.options import EngineOptions

log = logging.getLogger("specmock")

Build = Callable[[MockEngine | None], tuple[MockEngine, tuple[Path, ...]]]
"""Loads, checks and compiles the document (taking over what it can of the engine it is
given), returning the engine and the files it was read from; raises ContractError."""


@dataclass(frozen=True)
class Reloaded:
    """What one reload did: `problems` (the old engine still serves) or the collections kept
    and those started again from their seed."""

    problems: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    renewed: tuple[str, ...] = ()
    seconds: float = 0.0
    files: tuple[Path, ...] = field(default=(), compare=False)

    @property
    def ok(self) -> bool:
        """Whether the new document is being served."""
        return not self.problems


class ReloadingEngine:
    """An engine that can be replaced while serving (duck-typed as a `MockEngine` for the HTTP
    adapter: handle, refuse, malformed, options)."""

    def __init__(self, engine: MockEngine, files: tuple[Path, ...], build: Build) -> None:
        """Serve `engine` (read from `files`); `build` makes each next one."""
        self._build = build
        self.engine, self.files = engine, files
        self._lock = threading.Lock()  # one reload at a time

    @property
    def options(self) -> EngineOptions:
        """The current engine's options (the HTTP limits are read from them)."""
        return self.engine.options

    def handle(self, request: Request) -> Response:
        """Answered by the engine serving now."""
        return self.engine.handle(request)

    def refuse(self, request: Request, error: ApiError) -> Response:
        """See `MockEngine.refuse`."""
        return self.engine.refuse(request, error)

    def malformed(self, request: Request, detail: str) -> Response:
        """See `MockEngine.malformed`."""
        return self.engine.malformed(request, detail)

    def reload(self) -> Reloaded:
        """Serve the document as it is now, or keep serving the old one and say why not."""
        started = time.perf_counter()
        with self._lock:
            old = self.engine
            try:
                new, files = self._build(old)
            except ContractError as error:
                return Reloaded(problems=tuple(error.lines))
            except Exception as error:  # a document no check foresaw: said, never raised
                return Reloaded(problems=(f"cannot be served: {type(error).__name__}: {error}",))
            kept, renewed = carry_state(old, new)
            self.engine, self.files = new, files  # one assignment: requests see old or new
            old.callbacks.close()
        return Reloaded(kept=kept, renewed=renewed, seconds=time.perf_counter() - started,
                        files=files)


def rebuilding(path: Path, options: EngineOptions, remember: bool = True,
               strict: bool = False) -> Build:
    """A `Build` reading the document at `path` again, checked in this process (no child is
    forked from a serving, threaded process) and compiled with `options`, which should hold
    the clock and token secret every engine shares; `strict` refuses a version with any
    problem, as `serve --strict` refused the first."""
    def build(old: MockEngine | None) -> tuple[MockEngine, tuple[Path, ...]]:
        from specmock.contract import load_contract
        from specmock.contract.lint import serve_checks
        from specmock.contract.parallel import PendingChecks

        loaded = load_contract(path)
        checks = PendingChecks(loaded, serve_checks(remember), fork=False)
        engine = MockEngine.from_loaded(loaded, checks, options, strict=strict)
        if old is not None:
            engine.keep_journal(old.journal)
        return engine, loaded.files
    return build


def carry_state(old: MockEngine, new: MockEngine) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Move every collection declared as before from `old` to `new` (the same store object,
    so a write racing the swap lands in the kept one); returns (kept, renewed) names."""
    before, after = old.contract.state, new.contract.state
    kept = tuple(name for name, spec in after.specs.items()
                 if before.specs.get(name) == spec and name in before.collections)
    for name in kept:
        after.collections[name] = before.collections[name]
    if kept:
        after.files = before.files  # uploads belong to kept records
    renewed = tuple(name for name in after.specs if name not in kept)
    return kept, renewed


def watch_files(files: Callable[[], Iterable[Path]], changed: Callable[[], None],
                stop: threading.Event, *, debounce_ms: int = 300,
                since: dict[Path, int] | None = None) -> None:
    """Call `changed` after each change to one of `files()` (asked again after each change,
    since a reload may add or drop files), until `stop` is set.

    `since`, the files' modification times when they were read (`stamps`): a file saved
    before the watcher was armed is a change too, seen once the watcher first reports in."""
    from watchfiles import watch

    pending = since
    while not stop.is_set():
        wanted = {path.resolve() for path in files()}
        folders = {path.parent for path in wanted if path.parent.is_dir()}
        if not folders:
            return
        for found in watch(*sorted(map(str, folders)), stop_event=stop, debounce=debounce_ms,
                           watch_filter=_within(wanted), raise_interrupt=False,
                           rust_timeout=1000, yield_on_timeout=True):
            if not found:  # armed, and quiet for a second
                if pending is not None and stamps(pending) != pending:
                    changed()
                pending = None
                continue
            pending = None
            changed()
            current = {path.resolve() for path in files()}
            if {path.parent for path in current} != folders:
                break  # a file in another folder now: watch the folders afresh
            wanted.clear()  # the filter reads this set: same folders, maybe other files
            wanted.update(current)


def stamps(files: Iterable[Path]) -> dict[Path, int]:
    """Each file's modification time in nanoseconds (-1: gone)."""
    out: dict[Path, int] = {}
    for path in files:
        try:
            out[path] = path.stat().st_mtime_ns
        except OSError:
            out[path] = -1
    return out


def _within(wanted: set[Path]) -> Callable[[object, str], bool]:
    """A watchfiles filter passing changes to the files in `wanted` (read at each change)."""
    def passes(_: object, name: str) -> bool:
        return Path(name).resolve() in wanted
    return passes
