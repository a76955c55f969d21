"""What lenient serving does with a contract's problems: which refuse serving altogether, and
which operations a problem leaves unservable.

Most problems (a missing `info` or response `description`, `example` beside `examples`, a
`default` its schema refuses, a JSON Schema keyword in a 3.0 document) leave every operation
servable: they are warnings, as in Prism. Two kinds are not:

- fatal ones (`is_fatal`): a document that could not be read, is not OpenAPI of a version the
  mock reads, whose `paths` is not a mapping, or whose `x-specmock` declarations are wrong.
  Those declarations are the mock's own behaviour language; serving a half-understood
  declaration (a collection without its id, a token endpoint without users) would answer
  wrongly without saying so, and a contract that uses them is written for specmock, so it
  can be fixed.
- a `$ref` that names nothing, reached from an operation (directly, or through the components
  it uses): that operation cannot be validated or answered, so it answers 500 naming the
  problem (`unservable_operations`), and every other operation is served.
"""

from __future__ import annotations

from typing import Any

from specmock.contract.diagnostics import Diagnostic
from specmock.contract.model import LoadedContract, RefError
from specmock.contract.operations import iter_operations
from specmock.contract.pointers import escape, parse_pointer
from specmock.contract.positions import located
from specmock.contract.resolver import is_ref

EXTENSION = "x-specmock"
SUPPORTED_VERSIONS = ("2.0", "3.0", "3.1")


def is_fatal(diagnostic: Diagnostic, contract: LoadedContract) -> bool:
    """Whether a problem stops `specmock serve` even when it is lenient (see the module)."""
    if not contract.loaded:
        return True
    if not diagnostic.is_error:
        return False
    tokens = parse_pointer(diagnostic.pointer) if diagnostic.pointer.startswith("/") else ()
    if EXTENSION in tokens or tokens == ("paths",):  # `paths` itself malformed: nothing to serve
        return True
    return tokens[:1] == ("openapi",) and not _known_version(contract)


def _known_version(contract: LoadedContract) -> bool:
    version = contract.document.get("openapi", contract.document.get("swagger"))
    return isinstance(version, str) and version[:3] in SUPPORTED_VERSIONS


def unservable_operations(
    contract: LoadedContract, problems: list[Diagnostic]
) -> dict[tuple[str, str], Diagnostic]:
    """(template, METHOD) of every operation a `$ref` that names nothing makes unservable, and
    the problem to name in its 500 (the loader's diagnostic for that `$ref` where there is one)."""
    out: dict[tuple[str, str], Diagnostic] = {}
    document = contract.document
    for ref in iter_operations(document):
        item = document["paths"][ref.template]
        roots = [(ref.pointer, ref.operation)]
        if "parameters" in item:  # path-level parameters apply to every operation of the path
            roots.append((f"/paths/{escape(ref.template)}/parameters", item["parameters"]))
        broken = _first_broken_ref(contract, roots)
        if broken is not None:
            out[(ref.template, ref.method.upper())] = _problem_for(contract, problems, *broken)
    return out


def _first_broken_ref(
    contract: LoadedContract, roots: list[tuple[str, Any]]
) -> tuple[str, str] | None:
    """(pointer, $ref) of the first reference under `roots` that names nothing, following
    those that resolve (each target once)."""
    seen: set[str] = set()
    stack = list(reversed(roots))
    while stack:
        pointer, node = stack.pop()
        if is_ref(node):
            target = str(node["$ref"])
            if target in seen:
                continue
            seen.add(target)
            try:
                resolved = contract.resolve(target)
            except RefError:
                return f"{pointer}/$ref", target
            stack.append((target[1:], resolved))
            continue
        if isinstance(node, dict):
            items = [(f"{pointer}/{escape(str(k))}", v) for k, v in node.items()]
        elif isinstance(node, list):
            items = [(f"{pointer}/{i}", v) for i, v in enumerate(node)]
        else:
            continue
        stack.extend(item for item in reversed(items) if isinstance(item[1], dict | list))
    return None


def _problem_for(
    contract: LoadedContract, problems: list[Diagnostic], pointer: str, target: str
) -> Diagnostic:
    file, source_pointer = contract.locate(pointer)
    found = next((p for p in problems if p.file == file and p.pointer == source_pointer), None)
    return located([found or contract.diagnostic(pointer, f"unresolvable $ref {target!r}")])[0]
