"""The contract's users (`auth.users`) and HTTP Basic credentials.

Seen by: the token endpoint (`issueToken`) and operations protected by HTTP Basic.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

_HTTP_WHITESPACE = re.compile(r"[ \t]+")


@dataclass(frozen=True)
class User:
    """A user who may log in; the password is kept out of `repr`."""

    username: str
    password: str = field(repr=False)
    id: int | str


class UserDirectory:
    """The users of one mock instance, checked in constant time per user."""

    def __init__(self, users: Iterable[User]) -> None:
        self._users = tuple(users)
        _refuse_duplicates([user.username for user in self._users], "username")
        _refuse_duplicates([user.id for user in self._users], "id")
        self._by_id = {user.id: user for user in self._users}
        self._secrets = [(user.username.encode(), user.password.encode()) for user in self._users]

    @classmethod
    def from_config(cls, users: list[dict[str, Any]]) -> UserDirectory:
        """Users from the contract's `auth.users`; a missing `id` is the position + 1."""
        return cls(User(username=entry["username"], password=entry["password"],
                        id=entry.get("id", position + 1))
                   for position, entry in enumerate(users))

    @property
    def users(self) -> tuple[User, ...]:
        """All users, in contract order."""
        return self._users

    def authenticate(self, username: str, password: str) -> User | None:
        """The user with these credentials, else None.

        Every user's name and password are compared (with `hmac.compare_digest`), whether or not
        the name is known, so the time taken does not tell which names exist.
        """
        given_name, given_password = username.encode(), password.encode()
        found: User | None = None
        for user, (name, secret) in zip(self._users, self._secrets, strict=True):
            name_matches = hmac.compare_digest(name, given_name)
            password_matches = hmac.compare_digest(secret, given_password)
            if name_matches and password_matches and found is None:
                found = user
        return found

    def by_id(self, user_id: int | str) -> User | None:
        """The user with this id, else None."""
        return self._by_id.get(user_id)


def parse_basic(authorization_header: str) -> tuple[str, str] | None:
    """(username, password) of a `Basic base64(user:pass)` header, else None.

    The scheme may be in any case; the password may contain ':'; the username may not. Other
    schemes, invalid base64, invalid UTF-8 and a missing ':' give None.
    """
    parts = _HTTP_WHITESPACE.split(authorization_header.strip(" \t"))
    if len(parts) != 2 or parts[0].lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(parts[1], validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    username, colon, password = decoded.partition(":")
    return (username, password) if colon else None


def _refuse_duplicates(values: list[Any], what: str) -> None:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"two users have the same {what} {value!r}")
        seen.add(value)
