"""The password policy: length in code points, no truncation, no composition rules, common list."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from questlog_core.errors import ValidationFailed
from questlog_core.identity import PasswordPolicy, common_passwords, normalise_password

policy = PasswordPolicy()


@pytest.mark.parametrize("password", ["12345678", "password", "iloveyou", "qwerty123", "PassWord1"])
def test_the_most_common_passwords_are_refused_whatever_their_case(password: str) -> None:
    with pytest.raises(ValidationFailed, match="common"):
        policy.check(password)


def test_the_common_list_is_shipped_and_sizeable() -> None:
    refused = common_passwords()
    assert 5_000 <= len(refused) <= 20_000
    assert {"password", "12345678", "1q2w3e4r", "football1"} <= refused
    assert all(len(p) >= 8 for p in refused)  # shorter ones fail on length anyway


def test_length_is_8_to_128_code_points() -> None:
    with pytest.raises(ValidationFailed, match="at least 8"):
        policy.check("tulip77")
    assert policy.check("tulip77z") == "tulip77z"
    assert policy.check("🦆" * 8) == "🦆" * 8  # 8 code points, 32 bytes
    assert len(policy.check("z" * 128)) == 128
    with pytest.raises(ValidationFailed, match="at most 128"):
        policy.check("z" * 129)


def test_no_composition_rules() -> None:
    for password in ("all lowercase words here", "ÜBERLANGESWORT", "9081726354019283"):
        assert policy.check(password)


def test_nothing_is_truncated() -> None:
    long = "x" * 100 + "tail"
    assert policy.check(long) == long


def test_the_email_is_not_a_password() -> None:
    with pytest.raises(ValidationFailed, match="email"):
        policy.check("Ada.Lovelace@example.com", email="ada.lovelace@example.com")
    with pytest.raises(ValidationFailed, match="email"):
        policy.check("ada.lovelace", email="ada.lovelace@example.com")


def test_unicode_is_normalised_so_the_same_password_matches() -> None:
    composed, decomposed = "caf\u00e9 au lait", "cafe\u0301 au lait"
    assert normalise_password(composed) == normalise_password(decomposed)
    assert policy.check(decomposed) == composed


@given(st.text(min_size=8, max_size=128).filter(lambda s: len(normalise_password(s)) >= 8))
def test_a_valid_password_is_returned_whole(password: str) -> None:
    normalised = normalise_password(password)
    if len(normalised) > 128 or normalised.casefold() in common_passwords():
        return
    assert policy.check(password) == normalised
