"""The contract's users and HTTP Basic credentials."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from specmock.behaviours.credentials import User, UserDirectory, parse_basic

USERS: list[dict[str, Any]] = [
    {"username": "demo", "password": "demo-pass-123", "id": 1},
    {"username": "admin", "password": "s3cret:with:colons", "id": "a-1"},
]


def encode_basic(username: str, password: str, scheme: str = "Basic") -> str:
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"{scheme} {token}"


@pytest.fixture
def directory() -> UserDirectory:
    return UserDirectory.from_config(USERS)


# --- authenticate ----------------------------------------------------------------------------

def test_right_password_authenticates_the_user(directory: UserDirectory) -> None:
    # Given the contract's users
    # When a user gives the right password
    user = directory.authenticate("demo", "demo-pass-123")
    # Then that user is answered
    assert user == User(username="demo", password="demo-pass-123", id=1)


def test_wrong_password_authenticates_nobody(directory: UserDirectory) -> None:
    # Given the contract's users
    # When a known user gives a wrong password
    # Then nobody is authenticated
    assert directory.authenticate("demo", "demo-pass-124") is None


def test_another_users_password_authenticates_nobody(directory: UserDirectory) -> None:
    # Given the contract's users
    # When a user gives another user's password
    # Then nobody is authenticated
    assert directory.authenticate("demo", "s3cret:with:colons") is None


def test_unknown_user_authenticates_nobody(directory: UserDirectory) -> None:
    # Given the contract's users
    # When an unknown name is given, even with an existing password
    # Then nobody is authenticated
    assert directory.authenticate("nobody", "demo-pass-123") is None


def test_names_and_passwords_are_case_sensitive(directory: UserDirectory) -> None:
    # Given the contract's users
    # When a name or password differs only in case
    # Then nobody is authenticated
    assert directory.authenticate("Demo", "demo-pass-123") is None
    assert directory.authenticate("demo", "DEMO-PASS-123") is None


def test_non_ascii_credentials_authenticate() -> None:
    # Given a user with a non-ASCII name and password
    directory = UserDirectory([User("jörg", "pässwörd✓", 5)])
    # When they are given
    # Then the user is found (and no ASCII-only comparison raises)
    assert directory.authenticate("jörg", "pässwörd✓") == User("jörg", "pässwörd✓", 5)
    assert directory.authenticate("jorg", "pässwörd✓") is None


def test_empty_credentials_authenticate_nobody(directory: UserDirectory) -> None:
    # Given the contract's users
    # When empty credentials are given
    # Then nobody is authenticated
    assert directory.authenticate("", "") is None


# --- from_config and by_id -------------------------------------------------------------------

def test_missing_ids_default_to_position_plus_one() -> None:
    # Given users from a contract without ids (but one with)
    directory = UserDirectory.from_config([
        {"username": "a", "password": "pa"},
        {"username": "b", "password": "pb"},
        {"username": "c", "password": "pc", "id": 99},
    ])
    # When their ids are read
    # Then they are position + 1, unless given
    assert [user.id for user in directory.users] == [1, 2, 99]


def test_by_id_finds_users_by_integer_and_string_ids(directory: UserDirectory) -> None:
    # Given the contract's users (one with an integer id, one with a string id)
    # When they are looked up by id
    # Then each is found, and an unknown id finds nobody
    assert directory.by_id(1) == User("demo", "demo-pass-123", 1)
    assert directory.by_id("a-1") == User("admin", "s3cret:with:colons", "a-1")
    assert directory.by_id(3) is None
    assert directory.by_id("1") is None


@pytest.mark.parametrize("users", [
    [{"username": "a", "password": "x"}, {"username": "a", "password": "y"}],
    [{"username": "a", "password": "x", "id": 2}, {"username": "b", "password": "y"}],
])
def test_duplicate_names_or_ids_are_refused(users: list[dict[str, Any]]) -> None:
    # Given users sharing a name or an id
    # When a directory is made of them
    # Then a ValueError says which
    with pytest.raises(ValueError, match="same"):
        UserDirectory.from_config(users)


def test_passwords_stay_out_of_repr() -> None:
    # Given a user
    user = User("demo", "demo-pass-123", 1)
    # When it is shown (as in logs and assertion messages)
    # Then the password is not
    assert "demo-pass-123" not in repr(user)


# --- parse_basic -----------------------------------------------------------------------------

def test_parse_basic_reads_the_freezerworks_example() -> None:
    # Given the header from the Freezerworks API document
    header = "Basic ZGVtb1VzZXI6ZGVtb1Bhc3N3b3Jk"
    # When it is parsed
    # Then the documented credentials come out
    assert parse_basic(header) == ("demoUser", "demoPassword")


def test_parse_basic_keeps_colons_in_the_password() -> None:
    # Given credentials whose password contains colons
    header = encode_basic("admin", "s3cret:with:colons")
    # When they are parsed
    # Then the name ends at the first colon and the password keeps the rest
    assert parse_basic(header) == ("admin", "s3cret:with:colons")


@pytest.mark.parametrize("scheme", ["basic", "BASIC", "bAsIc"])
def test_parse_basic_scheme_is_case_insensitive(scheme: str) -> None:
    # Given a Basic header whose scheme is written in another case
    # When it is parsed
    # Then the credentials come out
    assert parse_basic(f"{scheme} ZGVtb1VzZXI6ZGVtb1Bhc3N3b3Jk") == ("demoUser", "demoPassword")


def test_parse_basic_allows_empty_name_and_password() -> None:
    # Given credentials that are just a colon
    # When they are parsed
    # Then both parts are empty (authenticate refuses them, not the parser)
    assert parse_basic(encode_basic("", "")) == ("", "")


@pytest.mark.parametrize("header", [
    "",
    "Basic",
    "Basic ",
    "Basic !!!!",
    "Basic ZGVtb1VzZXI6ZGVtb1Bhc3N3b3J",        # padding missing
    "Basic ZGVtbw==",                            # "demo": no colon
    "Basic /w==",                                # 0xff: not UTF-8
    "Basic ZGVtb1VzZXI6ZGVtb1Bhc3N3b3Jk extra",  # two tokens
    "Basic ZGVtb1VzZXI6ZGVtb1Bhc3N3b3Jké",       # non-ASCII
    "Basic ZGVtb1VzZXI6ZGVt_1Bhc3N3b3Jk",        # base64url, not base64
    "ZGVtb1VzZXI6ZGVtb1Bhc3N3b3Jk",              # no scheme
])
def test_parse_basic_refuses_garbage(header: str) -> None:
    # Given a header that is not well-formed Basic credentials
    # When it is parsed
    # Then there are no credentials
    assert parse_basic(header) is None


@pytest.mark.parametrize("scheme", ["Bearer", "Digest", "Token", "Basically"])
def test_parse_basic_ignores_other_schemes(scheme: str) -> None:
    # Given well-encoded credentials under another scheme
    header = encode_basic("demoUser", "demoPassword", scheme=scheme)
    # When it is parsed
    # Then there are no Basic credentials
    assert parse_basic(header) is None


@given(username=st.text().filter(lambda u: ":" not in u), password=st.text())
def test_parse_basic_round_trips_encoded_credentials(username: str, password: str) -> None:
    # Given any name without a colon and any password, encoded as Basic credentials
    header = encode_basic(username, password)
    # When the header is parsed
    # Then the same name and password come back
    assert parse_basic(header) == (username, password)


@given(header=st.text())
def test_parse_basic_never_raises(header: str) -> None:
    # Given any text as a header
    # When it is parsed
    result = parse_basic(header)
    # Then the answer is None or a pair of strings, never an exception
    assert result is None or (isinstance(result[0], str) and isinstance(result[1], str))
