"""The form checks of credentials a document declares nothing to verify against."""

from __future__ import annotations

import base64

from hypothesis import given
from hypothesis import strategies as st

from specmock.behaviours import credential_forms as forms

TOKEN68 = st.from_regex(r"[A-Za-z0-9\-._~+/]+=*", fullmatch=True)
NAMES = st.text(st.characters(exclude_characters=":", exclude_categories=("Cs",)), min_size=0)
PASSWORDS = st.text(st.characters(exclude_categories=("Cs",)))
DIGEST = {"username": '"ops"', "realm": '"api"', "nonce": '"0a4f"', "uri": '"/a"',
          "response": '"6629fa"'}


def _digest(params: dict[str, str]) -> str:
    return "Digest " + ", ".join(f"{k}={v}" for k, v in params.items())


@given(TOKEN68)
def test_any_token68_bearer_is_well_formed(token: str) -> None:
    """Given a token68, when sent as `Bearer <token>`, then it is the credential."""
    assert forms.bearer_token(f"Bearer {token}") == token


@given(TOKEN68, TOKEN68)
def test_a_bearer_of_two_words_is_malformed(first: str, second: str) -> None:
    """Given two words after Bearer, then the header is not a bearer credential."""
    assert forms.bearer_token(f"Bearer {first} {second}") is None


def test_a_bearer_token_with_characters_outside_token68_is_malformed() -> None:
    """Given a token with a comma, then it is not a token68."""
    assert forms.bearer_token("Bearer abc,def") is None


@given(NAMES, PASSWORDS)
def test_basic_names_the_user_whatever_the_password_holds(user: str, password: str) -> None:
    """Given base64 of user:password (the password may hold colons), then the user is named."""
    encoded = base64.b64encode(f"{user}:{password}".encode()).decode()
    assert forms.basic_user(f"Basic {encoded}") == user


def test_basic_without_a_colon_is_malformed() -> None:
    """Given base64 of a text without ':', then there is no user."""
    assert forms.basic_user("Basic " + base64.b64encode(b"staff").decode()) is None


def test_a_complete_digest_authorization_names_its_user() -> None:
    """Given the five parameters RFC 7616 requires (and unquoted extras), then the user."""
    header = _digest({**DIGEST, "qop": "auth", "nc": "00000001", "algorithm": "SHA-256"})
    assert forms.digest_user(header) == "ops"


@given(st.sampled_from(forms.DIGEST_PARAMETERS))
def test_a_digest_authorization_missing_one_parameter_is_malformed(left_out: str) -> None:
    """Given a Digest authorization without one required parameter, then it is refused and
    that parameter is named as missing."""
    params = {k: v for k, v in DIGEST.items() if k != left_out}
    assert forms.digest_user(_digest(params)) is None
    parsed = forms.digest_parameters(_digest(params))
    assert parsed is not None
    assert forms.digest_missing(parsed) == [left_out]


def test_digest_items_without_values_are_not_a_digest_authorization() -> None:
    """Given words that are no auth-params, then nothing is parsed."""
    assert forms.digest_parameters("Digest hello world") is None


def test_another_scheme_is_recognised_in_any_case() -> None:
    """Given `lockersig <credentials>` for the scheme LockerSig, then the credentials."""
    assert forms.scheme_credentials("lockersig key=7", "LockerSig") == "key=7"
    assert forms.scheme_credentials("Bearer key=7", "LockerSig") is None


def test_a_cookie_is_found_by_its_exact_name() -> None:
    """Given several cookies, then only the exact name counts, and an empty value is none."""
    assert forms.cookie_value("theme=dark; sid=abc", "sid") == "abc"
    assert forms.cookie_value("old_sid=abc", "sid") is None
    assert forms.cookie_value("sid=", "sid") is None


def test_a_query_key_must_have_a_value() -> None:
    """Given a blank and a filled value, then the filled one is the key."""
    assert forms.query_value((("key", ""), ("key", "k1")), "key") == "k1"
    assert forms.query_value((("key", ""),), "key") is None
