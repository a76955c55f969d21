"""Defaults of `specmock serve` and `specmock proxy` from the environment and a configuration
file.

Precedence: command line > `SPECMOCK_<OPTION>` environment variables > `specmock.toml` in the
current directory (or, without one, the `[tool.specmock]` table of its pyproject.toml) >
built-in defaults. An option's variable is its long name in capitals with `_` for `-`
(`--token-ttl` is `SPECMOCK_TOKEN_TTL`); a file key is the long name (`token-ttl` or
`token_ttl`). The file's top-level keys are serve options; proxy options sit in its `[proxy]`
table (`SPECMOCK_UPSTREAM`, or `upstream = ...` under `[proxy]`). A variable named after an
option both commands have (`SPECMOCK_PORT`) sets it for both. A switch takes true/false (1/0,
yes/no, on/off); a repeatable option takes a comma-separated list in a variable and a list in
a file.
"""

from __future__ import annotations

import argparse
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ENV_PREFIX = "SPECMOCK_"
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


class ConfigError(ValueError):
    """A default from the environment or a file that the option does not take. Seen by: the
    command line, which prints it as one line and exits 2."""


def env_name(action: argparse.Action) -> str:
    """The environment variable of an option."""
    return ENV_PREFIX + action.dest.upper()


def options_of(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """The parser's optional arguments by dest (help and version excluded)."""
    skipped = (argparse._HelpAction, argparse._VersionAction)
    return {a.dest: a for a in parser._actions if a.option_strings and not isinstance(a, skipped)}


# Tables of the configuration file that hold another command's defaults, not serve options.
COMMAND_TABLES = ("proxy",)


def read_file(cwd: Path) -> tuple[Path | None, dict[str, Any]]:
    """The configuration file in `cwd` and its table of defaults (none: `(None, {})`)."""
    own, project = cwd / "specmock.toml", cwd / "pyproject.toml"
    for path in (own, project):
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as error:
            raise ConfigError(f"{path}: not readable as TOML: {error}") from None
        if path == own:
            return path, data
        table = data.get("tool", {}).get("specmock")
        if table is not None:
            if not isinstance(table, dict):
                raise ConfigError(f"{path}: [tool.specmock] must be a table")
            return path, table
    return None, {}


def command_table(path: Path | None, table: dict[str, Any], command: str) -> dict[str, Any]:
    """The file's defaults for one command: the top level for serve, a table for the others."""
    if command == "serve":
        return {k: v for k, v in table.items() if k not in COMMAND_TABLES}
    section = table.get(command, {})
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: {command}: must be a table of {command} options")
    return section


def layered_defaults(
    parser: argparse.ArgumentParser, environ: Mapping[str, str], cwd: Path, command: str = "serve"
) -> dict[str, Any]:
    """Each option's default from the environment, else the file (converted and checked as
    the command line would); options set in neither are left out."""
    actions = options_of(parser)
    found: dict[str, Any] = {}
    path, whole = read_file(cwd)
    prefix = "" if command == "serve" else f"{command}."
    for key, value in command_table(path, whole, command).items():
        action = actions.get(str(key).replace("-", "_"))
        if action is None:
            names = ", ".join(sorted(a.option_strings[-1].lstrip("-") for a in actions.values()))
            raise ConfigError(
                f"{path}: {prefix}{key}: not an option of specmock {command} ({names})"
            )
        found[action.dest] = _from_file(action, value, f"{path}: {prefix}{key}")
    for dest, action in actions.items():
        name = env_name(action)
        if name in environ:
            found[dest] = _from_text(action, environ[name], name)
    return found


def _from_text(action: argparse.Action, text: str, where: str) -> Any:
    if action.nargs == 0:  # a switch
        lowered = text.strip().lower()
        if lowered in _TRUE or lowered in _FALSE:
            return lowered in _TRUE
        raise ConfigError(f"{where}={text!r}: expected true or false")
    if isinstance(action, argparse._AppendAction):
        return [_convert(action, part.strip(), where) for part in text.split(",") if part.strip()]
    return _convert(action, text, where)


def _from_file(action: argparse.Action, value: Any, where: str) -> Any:
    if action.nargs == 0:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if isinstance(action, argparse._AppendAction):
        values = value if isinstance(value, list) else [value]
        return [_convert(action, str(v), where) for v in values]
    if isinstance(value, (dict, list, bool)):
        raise ConfigError(f"{where}: expected a single value, got {value!r}")
    return _convert(action, str(value), where)


def _convert(action: argparse.Action, text: str, where: str) -> Any:
    convert = action.type if callable(action.type) else str
    try:
        value = convert(text)
    except (argparse.ArgumentTypeError, ValueError) as error:
        raise ConfigError(f"{where}={text!r}: {error}") from None
    if action.choices is not None and value not in action.choices:
        choices = ", ".join(map(str, action.choices))
        raise ConfigError(f"{where}={text!r}: expected one of {choices}")
    return value
