"""TOTP (RFC 6238) in the pure domain: the RFC's own test vectors, the ±1 step window, the
replay guard, the provisioning URI and recovery codes."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from questlog_core.identity.second_factor import (
    hash_recovery_code,
    hotp,
    matching_step,
    new_recovery_codes,
    new_secret,
    normalise_recovery_code,
    provisioning_uri,
    secret_text,
    time_step,
    totp,
)
from questlog_core.ids import UserId

#: RFC 6238 appendix B, SHA-1 column (the seed is the ASCII of "12345678901234567890")
RFC_SECRET = b"12345678901234567890"
RFC_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]
#: RFC 4226 appendix D: HOTP values of the same secret for counters 0..9
RFC_4226 = [
    "755224",
    "287082",
    "359152",
    "969429",
    "338314",
    "254676",
    "287922",
    "162583",
    "399871",
    "520489",
]


@pytest.mark.parametrize(("unix", "expected"), RFC_VECTORS)
def test_the_rfc_6238_vectors(unix: int, expected: str) -> None:
    assert totp(RFC_SECRET, datetime.fromtimestamp(unix, UTC), digits=8) == expected


def test_the_rfc_4226_vectors() -> None:
    assert [hotp(RFC_SECRET, counter) for counter in range(10)] == RFC_4226


instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
secrets_ = st.binary(min_size=10, max_size=32)


@given(secret=secrets_, at=instants, offset=st.integers(min_value=-1, max_value=1))
def test_a_code_of_a_neighbouring_step_matches_that_step(
    secret: bytes, at: datetime, offset: int
) -> None:
    step = time_step(at) + offset
    found = matching_step(secret, hotp(secret, step), at)
    # a code of another step in the window may collide by chance (1 in a million): then the
    # earliest matching step is named, never one outside the window
    assert found is not None
    assert abs(found - time_step(at)) <= 1
    assert hotp(secret, found) == hotp(secret, step)


@given(secret=secrets_, at=instants, offset=st.integers(min_value=2, max_value=10_000))
def test_a_code_two_or_more_steps_away_is_refused(secret: bytes, at: datetime, offset: int) -> None:
    for sign in (1, -1):
        code = hotp(secret, time_step(at) + sign * offset)
        window = {hotp(secret, time_step(at) + d) for d in (-1, 0, 1)}
        if code not in window:  # not a chance collision with a code of the window
            assert matching_step(secret, code, at) is None


def test_a_step_used_already_never_matches_again() -> None:
    secret = new_secret()
    at = datetime(2026, 12, 7, 3, 0, 10, tzinfo=UTC)
    now = time_step(at)
    assert matching_step(secret, hotp(secret, now), at, after_step=now - 1) == now
    assert matching_step(secret, hotp(secret, now), at, after_step=now) is None
    assert matching_step(secret, hotp(secret, now - 1), at, after_step=now) is None
    assert matching_step(secret, hotp(secret, now + 1), at, after_step=now) == now + 1


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "12a456", "１２３４５６", "-12345"])
def test_anything_but_six_ascii_digits_is_refused(typed: str) -> None:
    assert matching_step(new_secret(), typed, datetime.now(UTC)) is None


def test_spaces_in_a_typed_code_are_ignored() -> None:
    secret = new_secret()
    at = datetime.now(UTC)
    code = totp(secret, at)
    assert matching_step(secret, f" {code[:3]} {code[3:]} ", at) == time_step(at)


def test_the_provisioning_uri_is_what_authenticator_apps_read() -> None:
    secret = new_secret()
    uri = urlsplit(provisioning_uri(secret, account="ada+quests@example.com", issuer="Questlog"))
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert uri.path == "/Questlog:ada%2Bquests@example.com"
    query = parse_qs(uri.query)
    assert query == {
        "secret": [secret_text(secret)],
        "issuer": ["Questlog"],
        "algorithm": ["SHA1"],
        "digits": ["6"],
        "period": ["30"],
    }
    padded = secret_text(secret) + "=" * (-len(secret_text(secret)) % 8)
    assert base64.b32decode(padded) == secret
    assert len(secret) == 20


def test_recovery_codes_are_ten_distinct_80_bit_codes() -> None:
    codes = new_recovery_codes()
    assert len(set(codes)) == 10
    for code in codes:
        parts = code.split("-")
        assert [len(p) for p in parts] == [4, 4, 4, 4]
        assert set("".join(parts)) <= set("abcdefghijklmnopqrstuvwxyz234567")


def test_a_recovery_code_hash_ignores_case_dashes_and_spaces_but_not_the_account() -> None:
    user, other = UserId(uuid4()), UserId(uuid4())
    code = "abcd-efgh-ijkl-mnop"
    assert normalise_recovery_code(" ABCD EFGH-ijkl mnop ") == "abcdefghijklmnop"
    assert hash_recovery_code(user, "ABCD EFGH IJKL MNOP") == hash_recovery_code(user, code)
    assert hash_recovery_code(user, code) != hash_recovery_code(other, code)
    assert code not in hash_recovery_code(user, code)


def test_time_steps_are_thirty_seconds_from_the_epoch() -> None:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    assert time_step(epoch + timedelta(seconds=29)) == 0
    assert time_step(epoch + timedelta(seconds=30)) == 1
