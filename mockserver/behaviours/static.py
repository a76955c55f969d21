"""Static answers: the contract's documented response, chosen as Prism chooses it.

Preferences come from the `Prefer` header or the `__code`/`__example`/`__dynamic`/`__seed` query
parameters (behaviours/prefer.py). Status: `Prefer: code=N` picks N (declared as N, as its range
`NXX`, or through `default`); without it the lowest 2xx, else the lowest 3xx, else the lowest
other status except 401/403 (those are the authenticator's to give), else `default` (as 200).
Media type: the best the `Accept` header allows (q-values, wildcards; JSON preferred on ties);
nothing acceptable is a 406.
Body: a named example (`Prefer: example=name`), else the media type's `example`, else its first
`examples` entry, else data generated from the schema (its own examples where they validate);
`Prefer: dynamic=true` always generates (from the schema; a media type with an example and no
schema keeps its example). Nothing documented at all is an empty body.

Generated data is seeded per (seed, operation, status, media type), so one seed gives one body
whatever order requests come in. Dynamic bodies also count the requests, so each differs while
the sequence stays reproducible; `Prefer: seed=N` makes one request's body reproducible on its own.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from specmock.behaviours.fake import GenerationError, conforms, generate, resolve_ref
from specmock.behaviours.prefer import Preference
from specmock.core.documents import copy_json
from specmock.core.problems import ApiError

_AUTH_STATUSES = (401, 403)
_DEFAULT_SUBTYPE = {"application": "json", "text": "plain"}
_NEGOTIATION_CACHE_SIZE = 256


@dataclass(frozen=True)
class StaticAnswer:
    """One answer: status, media type (None: no body), body (a JSON-able value; b"" when the
    document gives nothing to answer with) and
    headers (lower-case names, values in OpenAPI's `simple` string form)."""

    status: int
    media_type: str | None
    body: Any
    headers: dict[str, str]
    schema: Any = field(default=None, compare=False)
    """The schema the body was generated from (None: it is an example)."""


@dataclass(frozen=True)
class _Range:
    """One media range of an Accept header."""

    type: str
    subtype: str
    q: float


class StaticResponder:
    """Compiled once per operation at start-up; answers with a dict lookup once warm.

    Answers that are not dynamic and use the instance's seed are cached per (status, media type,
    example), so their bodies are shared objects: callers must not mutate them.
    """

    def __init__(self, operation: dict[str, Any], document: dict[str, Any], seed: int = 0) -> None:
        self._document = document
        self._seed = seed
        self._operation_id = str(operation.get("operationId") or "this operation")
        self._responses: dict[str, dict[str, Any]] = {
            _status_key(key): _as_dict(resolve_ref(document, response))
            for key, response in (operation.get("responses") or {}).items()
        }
        self._choice = _default_choice(list(self._responses))
        self._cache: dict[tuple[int, str | None, str | None, str | None], StaticAnswer] = {}
        self._negotiated: dict[tuple[str, str], tuple[str, str]] = {}
        self._dynamic_count = itertools.count()

    def answer(self, preference: Preference, accept: str = "*/*") -> StaticAnswer:
        """The answer the preference and the Accept header call for.

        Raises `ApiError`: 404 when the status or example asked for is not declared (as Prism),
        500 when the operation declares no response at all, 406 when no declared media type is
        acceptable.
        """
        status, key = self._status(preference.code)
        response = self._responses[key]
        content = _as_dict(response.get("content"))
        media_type, media_key = self._media_type(status, key, content, accept)
        dynamic = bool(preference.dynamic) and preference.example is None
        cacheable = not dynamic and preference.seed is None
        # The answered type as well as the key: a wildcard key (`*/*`) answers several types.
        cache_key = (status, media_type, media_key, preference.example)
        if cacheable and cache_key in self._cache:
            return self._cache[cache_key]
        rng = self._rng(preference, status, media_key, dynamic)
        media = _as_dict(resolve_ref(self._document, content[media_key])) if media_key else {}
        body, schema = self._body(media, preference.example, status, media_key, rng, dynamic)
        headers = self._headers(response, status, rng, dynamic)
        answer = StaticAnswer(status, media_type, body, headers, schema)
        if cacheable:
            self._cache[cache_key] = answer
        return answer

    # status

    def _status(self, code: int | None) -> tuple[int, str]:
        if code is None:
            if self._choice is None:
                raise self._no_response("any status")
            return self._choice
        for key in (str(code), f"{code // 100}XX", "default"):
            if key in self._responses:
                return code, key
        declared = ", ".join(self._responses) or "none"
        # A client asked for what the document lacks: a 404, as Prism answers it.
        raise ApiError(
            kind="notFound", status=404, code="NOT_FOUND",
            detail=f"Requested status code {code} is not defined in the document for "
                   f"{self._operation_id} (declared: {declared}).",
        )

    def error_answer(self, statuses: tuple[int, ...], preference: Preference,
                     accept: str = "*/*", fill: Callable[[int], dict[str, Any]] | None = None
                     ) -> StaticAnswer | None:
        """The document's own answer for an invalid request, or None where it declares none.

        `statuses` in order of preference (Prism's 422 then 400 for a failed validation): the
        first declared exactly, else a range (`4XX`) of one, else `default`, answered with the
        first status. A named example is used only where the request also asked for that status
        (as in Prism); a media type that `Accept` refuses is answered anyway (the error matters
        more than the negotiation). Where the body would be generated, `fill(status)` (the
        mock's own account of the error, for the status answered) is answered instead if the
        schema accepts it, else laid over the generated object's members of the same names
        (`message` takes `detail`) if that is accepted: a client then reads what went wrong
        where the document says it is.
        """
        found = self._error_status(statuses)
        if found is None:
            return None
        example = preference.example if preference.code == found else None
        asked = Preference(code=found, example=example, dynamic=preference.dynamic,
                           seed=preference.seed)
        try:
            answer = self.answer(asked, accept)
        except ApiError as error:
            if error.kind != "notAcceptable":
                raise
            answer = self.answer(asked, "*/*")
        if fill is None or answer.schema is None:
            return answer
        body = _filled(self._document, answer.schema, answer.body, fill(answer.status))
        return StaticAnswer(answer.status, answer.media_type, body, answer.headers)

    def _error_status(self, statuses: tuple[int, ...]) -> int | None:
        for status in statuses:
            if str(status) in self._responses:
                return status
        for status in statuses:
            if f"{status // 100}XX" in self._responses:
                return status
        return statuses[0] if statuses and "default" in self._responses else None

    def _no_response(self, what: str) -> ApiError:
        declared = ", ".join(self._responses) or "none"
        return ApiError(
            kind="serverError", status=500, code="NO_RESPONSE_DEFINED",
            detail=f"No response with {what} is declared for {self._operation_id} "
                   f"(declared: {declared}).",
        )

    # media type

    def _media_type(self, status: int, key: str, content: dict[str, Any],
                    accept: str) -> tuple[str | None, str | None]:
        """(media type to answer with, content key it comes from); (None, None): no body."""
        if not content:
            return None, None
        memo = (key, accept)
        if memo not in self._negotiated:
            chosen = negotiate(list(content), accept)
            if chosen is None:
                raise ApiError(
                    kind="notAcceptable", status=406,
                    detail=f"The {status} response of {self._operation_id} comes as "
                           f"{', '.join(content)}; none is acceptable to Accept: {accept}.",
                )
            if len(self._negotiated) >= _NEGOTIATION_CACHE_SIZE:
                self._negotiated.clear()  # Accept values vary little; this only bounds memory
            self._negotiated[memo] = chosen
        media_type, media_key = self._negotiated[memo]
        return media_type, media_key

    # body and headers

    def _rng(self, preference: Preference, status: int, media_key: str | None,
             dynamic: bool) -> random.Random:
        seed = self._seed if preference.seed is None else preference.seed
        salt = f"{seed}|{self._operation_id}|{status}|{media_key}"
        if dynamic and preference.seed is None:
            salt += f"|{next(self._dynamic_count)}"
        return random.Random(salt)  # a str seed is hashed with SHA-512: stable across runs

    def _body(self, media: dict[str, Any], name: str | None, status: int, media_key: str | None,
              rng: random.Random, dynamic: bool) -> tuple[Any, Any]:
        """(the body, the schema it was generated from or None)."""
        if name is not None:
            return self._named_example(media, name, status, media_key), None
        schema = media.get("schema")
        if not dynamic or schema is None:
            # Without a schema there is nothing to generate: the example is the only data.
            found = _documented_example(self._document, media)
            if found is not _MISSING:
                return copy_json(found), None
        if schema is None:
            # nothing documented: an empty body, never a made-up `null`
            return (b"" if media_key else None), None
        return self._generated(schema, rng, dynamic, f"the {status} body"), schema

    def _named_example(self, media: dict[str, Any], name: str, status: int,
                       media_key: str | None) -> Any:
        examples = _as_dict(media.get("examples"))
        if name not in examples:
            available = ", ".join(examples) or "none"
            # What the document lacks, as Prism answers it: a 404 that names what exists.
            raise ApiError(
                kind="notFound", status=404, code="NOT_FOUND",
                detail=f'No example named "{name}" in the {status} response of '
                       f"{self._operation_id} ({media_key or 'no body'}); available: {available}.",
            )
        example = _as_dict(resolve_ref(self._document, examples[name]))
        if "value" not in example:
            raise ApiError(
                kind="badRequest", field="Prefer", pointer="/header/Prefer",
                detail=f'Example "{name}" has only an externalValue, '
                       "which specmock does not fetch.",
            )
        return copy_json(example["value"])

    def _headers(self, response: dict[str, Any], status: int, rng: random.Random,
                 dynamic: bool) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, spec in _as_dict(response.get("headers")).items():
            if name.lower() == "content-type":
                continue  # OpenAPI: a Content-Type header definition is ignored
            header = _as_dict(resolve_ref(self._document, spec))
            value = self._header_value(header, rng, dynamic, f"the {status} header {name}")
            if value is not _MISSING:
                out[name.lower()] = header_text(value)
        return out

    def _header_value(self, header: dict[str, Any], rng: random.Random, dynamic: bool,
                      what: str) -> Any:
        if not dynamic:
            found = _documented_example(self._document, header)
            if found is not _MISSING:
                return found
        schema = header.get("schema")
        if schema is None:
            content = _as_dict(header.get("content"))
            schema = next((_as_dict(m).get("schema") for m in content.values()), None)
        if schema is None:
            return _MISSING
        return self._generated(schema, rng, dynamic, what)

    def _generated(self, schema: Any, rng: random.Random, dynamic: bool, what: str) -> Any:
        try:
            return generate(schema, self._document, rng, direction="response",
                            use_examples=not dynamic)
        except GenerationError as error:
            raise ApiError(
                kind="serverError", status=500,
                detail=f"specmock cannot generate {what} of {self._operation_id} from its "
                       f"schema: {error}.",
            ) from error


_MISSING: Any = object()
# Members of documented error shapes that say what `fill` (problem+json) says by another name.
_FILL_ALIASES = {"message": "detail", "error": "title", "code": "status", "statusCode": "status"}


def _fill_value(name: str, fill: dict[str, Any]) -> Any:
    """What `fill` says for a member called `name`: its own, or an alias's (a `message`
    also says where, since nothing else in such a shape may)."""
    if name in fill:
        return fill[name]
    source = _FILL_ALIASES.get(name)
    if source is None or source not in fill:
        return _MISSING
    value = fill[source]
    pointer = fill.get("pointer")
    if source == "detail" and pointer and pointer not in str(value):
        return f"{value} (at {pointer})"
    return value


def _filled(document: dict[str, Any], schema: Any, generated: Any, fill: dict[str, Any]) -> Any:
    """`fill` where the schema accepts it, else the generated object with the members `fill`
    also has (or their aliases) taken from it where that is accepted, else `generated`."""
    candidates: list[Any] = [fill]
    if isinstance(generated, dict):
        overlay = dict(generated)
        for name in generated:
            value = _fill_value(name, fill)
            if value is not _MISSING:
                overlay[name] = value
        candidates.append(overlay)
    for candidate in candidates:
        if conforms(candidate, schema, document, direction="response"):
            return candidate
    return generated


def _documented_example(document: dict[str, Any], holder: dict[str, Any]) -> Any:
    """A media type's or header's `example`, else the value of its first usable `examples`
    entry (entries with only an externalValue are skipped), else `_MISSING`."""
    if "example" in holder:
        return holder["example"]
    for entry in _as_dict(holder.get("examples")).values():
        example = resolve_ref(document, entry)
        if isinstance(example, dict) and "value" in example:
            return example["value"]
    return _MISSING


def header_text(value: Any) -> str:
    """A header value in OpenAPI's `simple` style: arrays and objects comma-separated."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, list):
        return ",".join(header_text(item) for item in value)
    if isinstance(value, dict):
        return ",".join(f"{k},{header_text(v)}" for k, v in value.items())
    return " ".join(str(value).splitlines())  # a header value cannot span lines


# --- status choice ------------------------------------------------------------------------------

def _status_key(key: Any) -> str:
    """A `responses` key as text: YAML reads `200:` as an int; ranges in upper case."""
    text = str(key).strip()
    return "default" if text.lower() == "default" else text.upper()


def _range_key(key: str) -> int | None:
    """The class digit of a range key such as "4XX"."""
    if len(key) == 3 and key[0] in "12345" and key[1:] == "XX":
        return int(key[0])
    return None


def _default_choice(keys: list[str]) -> tuple[int, str] | None:
    """(status, key) answered when the request prefers no code."""
    explicit = sorted(int(k) for k in keys if k.isdigit())
    for klass in (2, 3):
        codes = [c for c in explicit if c // 100 == klass]
        if codes:
            return codes[0], str(codes[0])
        if f"{klass}XX" in keys:
            return klass * 100, f"{klass}XX"
    others = [c for c in explicit if c not in _AUTH_STATUSES]
    if others:
        return others[0], str(others[0])
    ranges = sorted(c for c in (_range_key(k) for k in keys) if c is not None)
    if ranges:
        return ranges[0] * 100, f"{ranges[0]}XX"
    if "default" in keys:
        return 200, "default"
    return (explicit[0], str(explicit[0])) if explicit else None


# --- content negotiation ------------------------------------------------------------------------

def parse_accept(accept: str) -> list[_Range]:
    """The media ranges of an Accept header; an empty or unreadable header accepts anything."""
    ranges: list[_Range] = []
    for part in accept.split(","):
        media, *params = part.split(";")
        media = media.strip().lower()
        if media == "*":
            media = "*/*"
        kind, slash, subtype = media.partition("/")
        if not slash or not kind or not subtype:
            continue
        q = _quality(params)
        if q is not None:
            ranges.append(_Range(kind, subtype, q))
    return ranges or [_Range("*", "*", 1.0)]


def _quality(params: list[str]) -> float | None:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(1.0, max(0.0, float(value.strip())))
            except ValueError:
                return None  # an unreadable q: the range is ignored
    return 1.0


def _specificity(accepted: _Range, declared: str) -> int | None:
    """How specifically a range matches a declared media type: 3 exact, 2 `type/*`, 1 `*/*`,
    0 only by JSON suffix (`application/json` for `application/vnd.siren+json`); None: no match."""
    kind, _, subtype = declared.partition("/")
    kind_ok = "*" in (accepted.type, kind) or accepted.type == kind
    subtype_ok = "*" in (accepted.subtype, subtype) or accepted.subtype == subtype
    if kind_ok and subtype_ok:
        return 1 + (accepted.type != "*") + (accepted.subtype != "*")
    if (accepted.type, accepted.subtype) == ("application", "json") and _json_like(declared):
        return 0
    return None


def _json_like(media_type: str) -> bool:
    return media_type in ("application/json", "*/*", "application/*") or media_type.endswith(
        "+json")


def negotiate(declared: list[str], accept: str) -> tuple[str, str] | None:
    """(media type to answer with, declared content key) best for the Accept header, or None.

    Each declared type takes the q of the most specific range that matches it. Highest q wins;
    then a real match over a JSON-suffix one; then JSON-like types; then declaration order.
    """
    ranges = parse_accept(accept)
    best: tuple[tuple[float, bool, bool, int], str, _Range] | None = None
    for index, key in enumerate(declared):
        bare = key.split(";")[0].strip().lower()
        matches = [(s, r) for r in ranges if (s := _specificity(r, bare)) is not None]
        if not matches:
            continue
        specificity, chosen = max(matches, key=lambda m: m[0])
        if chosen.q <= 0:
            continue
        rank = (chosen.q, specificity > 0, _json_like(bare), -index)
        if best is None or rank > best[0]:
            best = (rank, key, chosen)
    if best is None:
        return None
    _, key, chosen = best
    return _concrete(key, chosen), key


def _concrete(key: str, accepted: _Range) -> str:
    """The declared type, or for a wildcard declaration (`*/*`, `text/*`) a concrete one."""
    bare = key.split(";")[0].strip()
    if "*" not in bare:
        return key
    if "*" not in (accepted.type, accepted.subtype):
        return f"{accepted.type}/{accepted.subtype}"
    kind = bare.split("/")[0]
    if kind == "*":
        return "application/json"
    return f"{kind}/{_DEFAULT_SUBTYPE.get(kind, 'octet-stream')}"


# --- helpers ------------------------------------------------------------------------------------

def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
