"""JWT issue, verification and refresh, simplejwt style, against a controllable clock."""

from __future__ import annotations

import base64
import json
import random
from dataclasses import replace
from typing import Any

import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from specmock.behaviours.tokens import (
    TokenPair,
    TokenRejected,
    TokenService,
    TokenSettings,
    parse_bearer,
)
from specmock.core.clock import ControllableClock

T0 = 1_700_000_000.0
SECRET = b"s" * 32
OTHER_SECRET = b"o" * 32
BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def make_service(settings: TokenSettings | None = None, secret: bytes = SECRET,
                 seed: int = 0) -> tuple[TokenService, ControllableClock]:
    """A service on a clock that stands still at T0 until a test advances it."""
    clock = ControllableClock(base=lambda: T0)
    return TokenService(settings or TokenSettings(), clock, secret=secret,
                        rng=random.Random(seed)), clock


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_json(value: Any) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def unverified_claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


def rejected_reason(result: object) -> str:
    assert isinstance(result, TokenRejected), result
    return result.reason


def signed_claims(claims: dict[str, Any], secret: bytes = SECRET) -> str:
    """A token with exactly these claims, signed HS256 as the service would sign it."""
    return jwt.encode(claims, secret, algorithm="HS256")


def full_claims(**overrides: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {"token_type": "access", "exp": int(T0) + 60, "iat": int(T0),
                              "jti": "ab" * 16, "user_id": 1}
    claims.update(overrides)
    return claims


# --- issuing and verifying -----------------------------------------------------------------

def test_issued_access_token_verifies_and_carries_user_id_and_type() -> None:
    # Given a token service
    service, _ = make_service()
    # When a pair is issued for user 7 and its access token is verified
    pair = service.issue(7)
    claims = service.verify(pair.access)
    # Then the claims carry the user id, the type and simplejwt's other claims
    assert isinstance(pair, TokenPair)
    assert isinstance(claims, dict)
    assert claims["user_id"] == 7
    assert claims["token_type"] == "access"
    assert claims["iat"] == int(T0)
    assert claims["exp"] == int(T0) + 3600
    assert isinstance(claims["jti"], str)
    assert int(claims["jti"], 16) >= 0


def test_string_user_ids_survive_the_round_trip() -> None:
    # Given a service
    service, _ = make_service()
    # When a token is issued for a string user id
    claims = service.verify(service.issue_access("u-42"))
    # Then the claim holds the same string
    assert isinstance(claims, dict)
    assert claims["user_id"] == "u-42"


def test_access_token_still_works_one_second_before_exp() -> None:
    # Given an access token issued at T0
    service, clock = make_service()
    token = service.issue_access(1)
    # When the clock reaches exp - 1
    clock.advance(3600 - 1)
    # Then the token is accepted
    assert isinstance(service.verify(token), dict)


@pytest.mark.parametrize("past_exp", [0, 1, 86400 * 365])
def test_access_token_is_refused_from_exp_on(past_exp: int) -> None:
    # Given an access token issued at T0
    service, clock = make_service()
    token = service.issue_access(1)
    # When the clock reaches exp (or later)
    clock.advance(3600 + past_exp)
    # Then the token is refused as expired, in simplejwt's words
    result = service.verify(token)
    assert rejected_reason(result) == "expired"
    assert isinstance(result, TokenRejected)
    assert result.detail == "Token is invalid or expired"


def test_refresh_token_expires_after_refresh_ttl() -> None:
    # Given a pair issued with a one-day refresh lifetime
    service, clock = make_service()
    pair = service.issue(1)
    # When the clock passes the access lifetime but not the refresh lifetime
    clock.advance(86400 - 1)
    still_valid = service.verify(pair.refresh, "refresh")
    # ... and then reaches the refresh lifetime
    clock.advance(1)
    expired = service.verify(pair.refresh, "refresh")
    # Then the refresh token works until then, and is refused from then on
    assert isinstance(still_valid, dict)
    assert rejected_reason(expired) == "expired"


def test_time_comes_from_the_injected_clock_not_the_system() -> None:
    # Given a clock advanced ten years past the real time
    service, clock = make_service()
    clock.advance(10 * 365 * 86400)
    # When a token is issued and verified at that time
    token = service.issue_access(1)
    claims = service.verify(token)
    # Then it is valid, and its iat is the clock's time
    assert isinstance(claims, dict)
    assert claims["iat"] == int(clock.now())


def test_every_token_gets_its_own_jti() -> None:
    # Given a service
    service, _ = make_service()
    # When many tokens are issued in the same second
    tokens = [service.issue(1) for _ in range(200)]
    jtis = {unverified_claims(t)["jti"] for pair in tokens for t in (pair.access, pair.refresh)}
    # Then no two share a jti
    assert len(jtis) == 400


def test_the_same_seed_gives_the_same_jtis() -> None:
    # Given two services seeded alike
    first, _ = make_service(seed=5)
    second, _ = make_service(seed=5)
    # When each issues a token at the same time
    # Then the jtis are the same: the jti comes from the seeded rng
    assert (unverified_claims(first.issue_access(1))["jti"]
            == unverified_claims(second.issue_access(1))["jti"])


# --- refresh ---------------------------------------------------------------------------------

def test_refresh_gives_a_new_working_access_token_with_a_new_jti() -> None:
    # Given a pair, and an hour and a half later (the access token has expired)
    service, clock = make_service()
    pair = service.issue(9)
    clock.advance(5400)
    # When the refresh token is exchanged
    access = service.refresh(pair.refresh)
    # Then the new access token works for the same user, with a jti of its own
    assert isinstance(access, str)
    claims = service.verify(access)
    assert isinstance(claims, dict)
    assert claims["user_id"] == 9
    assert claims["exp"] == int(T0) + 5400 + 3600
    assert claims["jti"] not in {unverified_claims(t)["jti"] for t in (pair.access, pair.refresh)}


def test_refresh_with_an_access_token_is_wrong_type() -> None:
    # Given an access token
    service, _ = make_service()
    pair = service.issue(1)
    # When it is used to refresh
    result = service.refresh(pair.access)
    # Then it is refused as the wrong type
    assert rejected_reason(result) == "wrong_type"
    assert isinstance(result, TokenRejected)
    assert result.detail == "Token has wrong type"


def test_a_refresh_token_is_not_an_access_token() -> None:
    # Given a refresh token
    service, _ = make_service()
    pair = service.issue(1)
    # When it is verified as an access token
    result = service.verify(pair.refresh)
    # Then it is refused as the wrong type
    assert rejected_reason(result) == "wrong_type"


def test_an_expired_refresh_token_cannot_refresh() -> None:
    # Given a refresh token whose lifetime has passed
    service, clock = make_service()
    pair = service.issue(1)
    clock.advance(86400)
    # When it is used to refresh
    # Then it is refused as expired
    assert rejected_reason(service.refresh(pair.refresh)) == "expired"


# --- forged and foreign tokens ---------------------------------------------------------------

def test_alg_none_token_is_refused_as_algorithm() -> None:
    # Given a hand-built unsigned token with valid claims
    service, _ = make_service()
    header = b64url_json({"alg": "none", "typ": "JWT"})
    token = f"{header}.{b64url_json(full_claims())}."
    # When it is verified
    # Then it is refused because of its algorithm
    assert rejected_reason(service.verify(token)) == "algorithm"


def test_hs512_token_with_the_right_secret_is_refused_as_algorithm() -> None:
    # Given a token signed HS512 with the service's own secret
    service, _ = make_service()
    token = jwt.encode(full_claims(), SECRET * 2, algorithm="HS512")
    # When it is verified
    # Then it is refused: only HS256 is accepted
    assert rejected_reason(service.verify(token)) == "algorithm"


@pytest.mark.parametrize("alg", ["RS256", "ES256", "PS256", "HS384", "", "hs256"])
def test_tokens_claiming_other_algorithms_are_refused_as_algorithm(alg: str) -> None:
    # Given a token whose header names another algorithm (RS256 as in key-confusion attacks)
    service, _ = make_service()
    header = b64url_json({"alg": alg, "typ": "JWT"})
    token = f"{header}.{b64url_json(full_claims())}.{b64url(b'x' * 32)}"
    # When it is verified
    # Then it is refused because of its algorithm
    assert rejected_reason(service.verify(token)) == "algorithm"


def test_header_without_alg_is_refused_as_algorithm() -> None:
    # Given a token whose header has no alg
    service, _ = make_service()
    token = f"{b64url_json({'typ': 'JWT'})}.{b64url_json(full_claims())}.{b64url(b'x' * 32)}"
    # When it is verified
    # Then it is refused because of its algorithm
    assert rejected_reason(service.verify(token)) == "algorithm"


def test_token_from_another_instance_is_bad_signature() -> None:
    # Given a token issued by another instance (another secret)
    other, _ = make_service(secret=OTHER_SECRET)
    service, _ = make_service()
    token = other.issue_access(1)
    # When this instance verifies it
    # Then the signature is refused
    assert rejected_reason(service.verify(token)) == "bad_signature"


def test_instances_without_a_given_secret_refuse_each_others_tokens() -> None:
    # Given two instances that each made up their own secret (as after a restart)
    clock = ControllableClock(base=lambda: T0)
    before = TokenService(TokenSettings(), clock)
    after = TokenService(TokenSettings(), clock)
    # When a token of the first is verified by the second
    # Then it is refused
    assert rejected_reason(after.verify(before.issue_access(1))) == "bad_signature"


def test_tampered_payload_is_bad_signature() -> None:
    # Given a valid token whose payload is re-encoded with another user id
    service, _ = make_service()
    header, payload, signature = service.issue_access(1).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["user_id"] = 2
    forged = f"{header}.{b64url_json(claims)}.{signature}"
    # When it is verified
    # Then the signature no longer matches
    assert rejected_reason(service.verify(forged)) == "bad_signature"


def test_empty_signature_with_hs256_header_is_bad_signature() -> None:
    # Given a valid token with its signature cut off
    service, _ = make_service()
    header, payload, _ = service.issue_access(1).split(".")
    # When it is verified
    # Then the signature is refused
    assert rejected_reason(service.verify(f"{header}.{payload}.")) == "bad_signature"


@pytest.mark.parametrize("missing", ["token_type", "exp", "iat", "jti", "user_id"])
def test_correctly_signed_token_without_a_required_claim_is_missing_claims(missing: str) -> None:
    # Given a token signed with the right secret but lacking one claim
    service, _ = make_service()
    claims = full_claims()
    del claims[missing]
    # When it is verified
    # Then it is refused for the missing claim
    assert rejected_reason(service.verify(signed_claims(claims))) == "missing_claims"


@pytest.mark.parametrize("token", [
    "",
    "abc",
    "a.b",
    "a.b.c.d",
    "..",
    "é.é.é",
    "eyJhbGciOiJIUzI1NiJ9.é.abc",
    "e30.e30.a",                                   # a 1-character segment is never base64
    "e30=.e30.abc",                                # padding is not base64url as JWTs write it
    "e+0.e30.abc",                                 # '+' is base64, not base64url
    f"{b64url(b'not json')}.e30.abc",
    f"{b64url_json([1, 2])}.e30.abc",              # a header that is not an object
    f"{b64url(bytes([0xff, 0xfe]))}.e30.abc",      # a header that is not UTF-8
    f"{b64url(b'[' * 100_000)}.e30.abc",           # deep enough to exhaust a recursive parser
])
def test_malformed_tokens_are_refused_as_malformed(token: str) -> None:
    # Given a string that is not a well-formed JWT
    service, _ = make_service()
    # When it is verified
    # Then it is refused as malformed, not with an exception
    assert rejected_reason(service.verify(token)) == "malformed"


def test_signed_token_whose_payload_is_not_json_is_refused() -> None:
    # Given a token with our header and a valid signature over a payload that is not JSON
    service, _ = make_service()
    signing_input = f"{b64url_json({'alg': 'HS256', 'typ': 'JWT'})}.{b64url(b'not json')}"
    signature = jwt.get_algorithm_by_name("HS256").sign(signing_input.encode(), SECRET)
    # When it is verified
    result = service.verify(f"{signing_input}.{b64url(signature)}")
    # Then it is refused as malformed
    assert rejected_reason(result) == "malformed"


def test_a_lenient_decoder_would_accept_a_changed_last_character_but_we_refuse_it() -> None:
    # Given a valid token, and a copy whose signature's last character differs only in the
    # unused low bits (43 base64url characters carry 258 bits for a 256-bit HMAC)
    service, _ = make_service()
    token = service.issue_access(1)
    last = token[-1]
    twin = BASE64URL[BASE64URL.index(last) ^ 1]
    changed = token[:-1] + twin

    def decoded(text: str) -> bytes:
        return base64.urlsafe_b64decode(text.rsplit(".", 1)[1] + "=")

    assert decoded(changed) == decoded(token)  # the same signature bytes
    # When the changed token is verified
    # Then it is refused: segments must be canonical base64url
    assert rejected_reason(service.verify(changed)) == "malformed"


# --- properties ------------------------------------------------------------------------------

user_ids = st.one_of(st.integers(min_value=-(2**53), max_value=2**53),
                     st.text(max_size=20))
replacement_characters = st.one_of(st.sampled_from(BASE64URL + ".=+/ "), st.characters())


@given(user_id=user_ids, token_type=st.sampled_from(["access", "refresh"]), data=st.data())
def test_any_single_character_change_of_a_valid_token_is_refused(
        user_id: int | str, token_type: str, data: st.DataObject) -> None:
    # Given a valid token
    service, _ = make_service()
    pair = service.issue(user_id)
    token = pair.access if token_type == "access" else pair.refresh
    assert isinstance(service.verify(token, token_type), dict)
    # When one character is replaced by another
    position = data.draw(st.integers(min_value=0, max_value=len(token) - 1), label="position")
    character = data.draw(replacement_characters.filter(lambda c: c != token[position]),
                          label="character")
    changed = token[:position] + character + token[position + 1:]
    # Then the changed token is refused (canonical base64url leaves no equivalent spelling)
    assert isinstance(service.verify(changed, token_type), TokenRejected)


@given(text=st.text())
def test_arbitrary_text_is_refused_without_an_exception(text: str) -> None:
    # Given any text
    service, _ = make_service()
    # When it is verified as a token
    result = service.verify(text)
    # Then the answer is a refusal, never an exception
    assert isinstance(result, TokenRejected)


@given(header=st.binary(), payload=st.binary(), signature=st.binary())
def test_arbitrary_base64url_segments_are_refused_without_an_exception(
        header: bytes, payload: bytes, signature: bytes) -> None:
    # Given three well-encoded segments of arbitrary bytes
    service, _ = make_service()
    token = ".".join(b64url(part) for part in (header, payload, signature))
    # When they are verified as a token
    # Then the answer is a refusal, never an exception
    assert isinstance(service.verify(token), TokenRejected)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


@given(header=st.dictionaries(st.text(), json_values, max_size=4),
       payload=json_values, signature=st.binary(max_size=40))
def test_arbitrary_json_segments_are_refused_without_an_exception(
        header: dict[str, Any], payload: Any, signature: bytes) -> None:
    # Given a token made of an arbitrary JSON header and payload and a random signature
    service, _ = make_service()
    token = f"{b64url_json(header)}.{b64url_json(payload)}.{b64url(signature)}"
    # When it is verified
    # Then the answer is a refusal, never an exception
    assert isinstance(service.verify(token), TokenRejected)


# --- settings --------------------------------------------------------------------------------

def test_settings_override_changes_the_ttl_of_newly_issued_tokens() -> None:
    # Given a service whose access lifetime is overridden to a minute (as --token-ttl does)
    service, clock = make_service()
    issued_before = service.issue_access(1)
    service.settings = replace(service.settings, access_ttl=60)
    # When a token is issued after the override
    issued_after = service.issue_access(1)
    # Then it lives a minute; the token issued before keeps its hour
    assert unverified_claims(issued_after)["exp"] == int(T0) + 60
    clock.advance(60)
    assert rejected_reason(service.verify(issued_after)) == "expired"
    assert isinstance(service.verify(issued_before), dict)


def test_with_settings_gives_a_service_with_other_ttls_and_the_same_secret() -> None:
    # Given a service, and one derived from it with other lifetimes
    service, _ = make_service()
    derived = service.with_settings(access_ttl=30, refresh_ttl=90)
    # When the derived service issues a pair
    pair = derived.issue(1)
    # Then the lifetimes are the new ones and the original service accepts the tokens
    assert derived.settings.access_ttl == 30
    assert service.settings.access_ttl == 3600
    assert unverified_claims(pair.access)["exp"] == int(T0) + 30
    assert unverified_claims(pair.refresh)["exp"] == int(T0) + 90
    assert isinstance(service.verify(pair.access), dict)


def test_claim_names_come_from_the_settings() -> None:
    # Given settings that name the user id claim `sub` and the type claim `typ`
    service, _ = make_service(TokenSettings(user_id_claim="sub", token_type_claim="typ"))
    # When a token is issued for an integer user id
    claims = service.verify(service.issue_access(3))
    # Then the claims use those names
    assert isinstance(claims, dict)
    assert claims["sub"] == 3
    assert claims["typ"] == "access"
    assert "user_id" not in claims


@pytest.mark.parametrize("settings", [
    {"access_ttl": 0},
    {"refresh_ttl": -5},
    {"access_ttl": True},
    {"user_id_claim": "token_type"},
    {"user_id_claim": "exp"},
    {"token_type_claim": ""},
])
def test_nonsensical_settings_are_refused(settings: dict[str, Any]) -> None:
    # Given settings that could not give working tokens
    # When they are made
    # Then a ValueError says so
    with pytest.raises(ValueError, match="must be"):
        TokenSettings(**settings)


# --- parse_bearer ----------------------------------------------------------------------------

@pytest.mark.parametrize(("header", "expected"), [
    ("Bearer abc.def.ghi", "abc.def.ghi"),
    ("bearer abc.def.ghi", "abc.def.ghi"),
    ("BEARER abc.def.ghi", "abc.def.ghi"),
    ("Bearer   abc.def.ghi  ", "abc.def.ghi"),
    ("Bearer\tabc", "abc"),
    ("Bearer", None),
    ("Bearer ", None),
    ("", None),
    ("abc.def.ghi", None),
    ("Bearer abc def", None),
    ("Basic ZGVtbzpkZW1v", None),
    ("JWT abc.def.ghi", None),
    ("Bearerabc", None),
])
def test_parse_bearer(header: str, expected: str | None) -> None:
    # Given an Authorization header
    # When its bearer token is read
    # Then exactly one token after a case-insensitive Bearer scheme is found, else None
    assert parse_bearer(header) == expected


@given(token=st.from_regex(r"[A-Za-z0-9._~+/=-]+", fullmatch=True),
       scheme=st.sampled_from(["Bearer", "bearer", "BeArEr"]))
def test_parse_bearer_returns_the_token_it_was_given(token: str, scheme: str) -> None:
    # Given a bearer header around any token68 string
    # When it is parsed
    # Then the token comes back unchanged
    assert parse_bearer(f"{scheme} {token}") == token


# --- time claims, as PyJWT checks them under simplejwt ----------------------------------------

@pytest.mark.parametrize("claim", ["nbf", "iat"])
def test_a_token_whose_time_claim_is_still_to_come_is_refused(claim: str) -> None:
    # Given a correctly signed token whose nbf (or iat) lies a second after the clock's reading
    service, _ = make_service()
    token = signed_claims(full_claims(**{claim: int(T0) + 1}))

    # When it is verified
    result = service.verify(token)

    # Then it is refused as not yet valid, with simplejwt's words
    assert rejected_reason(result) == "not_yet_valid"
    assert isinstance(result, TokenRejected)
    assert result.detail == "Token is invalid or expired"


def test_a_token_becomes_valid_when_the_clock_reaches_its_nbf() -> None:
    # Given a token not valid before ten seconds from now
    service, clock = make_service()
    token = signed_claims(full_claims(nbf=int(T0) + 10))
    assert rejected_reason(service.verify(token)) == "not_yet_valid"

    # When the clock reaches that moment
    clock.advance(10)

    # Then it verifies
    assert isinstance(service.verify(token), dict)


@given(st.sampled_from(["nbf", "iat"]), st.one_of(st.text(max_size=5), st.booleans(),
                                                  st.lists(st.integers(), max_size=2)))
def test_a_time_claim_that_is_not_a_number_is_refused(claim: str, value: Any) -> None:
    service, _ = make_service()
    token = signed_claims(full_claims(**{claim: value}))
    assert isinstance(service.verify(token), TokenRejected)
