"""Operations a contract problem leaves unservable: routed like the others, answered with a 500
that names the problem (lenient serving, mockserver/contract/servable.py says which)."""

from __future__ import annotations

from typing import Any

from specmock.behaviours.outcomes import Call, Outcome
from specmock.core.exchange import Request
from specmock.core.problems import ApiError
from specmock.engine.validation import RequestValidator, ValidInput

UNSERVABLE_PREFIX = "this operation cannot be served: "


def unservable_error(problem: str) -> ApiError:
    """The 500 an unservable operation answers: the problem, with its file, line, column and
    pointer, as `specmock lint` prints it."""
    return ApiError("serverError", UNSERVABLE_PREFIX + problem, code="unservableOperation")


class UnservableValidator(RequestValidator):
    """Stands in for an operation's request validator, which could not be built: every
    request is answered with the 500 (before any input is read, so no check of it can run
    into the same problem)."""

    def __init__(self, problem: str) -> None:  # nothing of the operation is compiled
        self.problem = problem

    @property
    def accepted_media_types(self) -> tuple[str, ...]:
        """None: no body of any type is read."""
        return ()

    @property
    def is_compiled(self) -> bool:
        """Always: there is nothing to compile."""
        return True

    def compile(self) -> Any:
        """Never returns: the operation's 500 (its checks cannot be built)."""
        raise unservable_error(self.problem)

    def validate(self, path_params: dict[str, str], request: Request) -> ValidInput:
        """Never returns: the operation's 500."""
        raise unservable_error(self.problem)


class UnservableHandler:
    """The handler of an unservable operation (never reached: its validator answers first)."""

    def __init__(self, problem: str) -> None:
        self.problem = problem

    def __call__(self, call: Call) -> Outcome:
        """Never returns: the operation's 500."""
        raise unservable_error(self.problem)


def described(exc: Exception) -> str:
    """An exception raised compiling an operation, as one line for its 500 and the warning."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def no_operation() -> dict[str, Any]:
    """An operation object with nothing in it (what an unservable operation's static responder
    is built from)."""
    return {"responses": {}}
