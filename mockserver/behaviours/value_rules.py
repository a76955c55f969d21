"""Rules on one field's value beyond what a JSON Schema can say, each with its own message.

A collection declares them per field (`valueRules`, docs/extensions.md) as an ordered list; the
first rule that fails answers 400 on that field with the rule's message. Rules read a part of
the value (`slice: [start, end]`, default the whole value) and check one thing:

- `pattern`: the value matches the regular expression;
- `date` (a `strftime` format): the part is a valid date; with `past: true` it is before today
  (`pastMessage` says so otherwise);
- `time` (a `strftime` format): the part is a valid time;
- `atMostHighestId: <collection>`: the part, read as an integer, is not above the highest
  integer id in that collection (`{value}` and `{highest}` fill the message).

`today` and the collections come from the caller, so the rules stay pure and testable.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any


class RuleBrokenError(ValueError):
    """A value broke a rule; the message is the rule's."""


def check_value(
    value: Any,
    rules: Sequence[Mapping[str, Any]],
    today: dt.date,
    highest_id: Callable[[str], int | None],
) -> None:
    """Raise `RuleBrokenError` with the first failing rule's message; pass silently otherwise."""
    text = str(value)
    for rule in rules:
        start, end = rule.get("slice", (0, len(text)))
        part = text[start:end]
        message = str(rule.get("message", "The value is not valid."))
        if "pattern" in rule:
            if re.search(str(rule["pattern"]), text) is None:
                raise RuleBrokenError(message)
        elif "date" in rule:
            _check_date(part, rule, message, today)
        elif "time" in rule:
            try:
                dt.datetime.strptime(part, str(rule["time"]))
            except ValueError:
                raise RuleBrokenError(message) from None
        elif "atMostHighestId" in rule:
            _check_highest(part, rule, message, highest_id)


def _check_date(part: str, rule: Mapping[str, Any], message: str, today: dt.date) -> None:
    try:
        day = dt.datetime.strptime(part, str(rule["date"])).date()
    except ValueError:
        raise RuleBrokenError(message) from None
    if rule.get("past") and day >= today:
        raise RuleBrokenError(str(rule.get("pastMessage", message)))


def _check_highest(
    part: str, rule: Mapping[str, Any], message: str, highest_id: Callable[[str], int | None]
) -> None:
    try:
        number = int(part)
    except ValueError:
        raise RuleBrokenError(message.format(value=part, highest="none")) from None
    highest = highest_id(str(rule["atMostHighestId"]))
    if highest is None or number > highest:
        raise RuleBrokenError(message.format(value=number, highest=highest))
