"""TOTP secrets at rest: AES-GCM sealing opens only with its key, and refuses altered values."""

from __future__ import annotations

import os

import pytest

from adapters.security.sealing import AesGcmSealer


def test_a_sealed_secret_opens_with_its_key_and_does_not_show_the_secret() -> None:
    sealer = AesGcmSealer(os.urandom(32))
    secret = b"12345678901234567890"
    sealed = sealer.seal(secret)
    assert sealed.startswith("v1.")
    assert secret.hex() not in sealed
    assert sealer.seal(secret) != sealed  # a new nonce every time
    assert sealer.open(sealed) == secret


def test_another_key_or_an_altered_value_does_not_open() -> None:
    sealer = AesGcmSealer(os.urandom(32))
    sealed = sealer.seal(b"secret")
    with pytest.raises(ValueError, match="does not open"):
        AesGcmSealer(os.urandom(32)).open(sealed)
    flipped = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    with pytest.raises(ValueError, match="sealed value"):
        sealer.open(flipped)
    with pytest.raises(ValueError, match="sealed value"):
        sealer.open("plain text")


def test_a_value_sealed_for_another_purpose_does_not_open_as_a_totp_secret() -> None:
    key = os.urandom(32)
    sealed = AesGcmSealer(key, purpose=b"something else").seal(b"secret")
    with pytest.raises(ValueError, match="sealed value"):
        AesGcmSealer(key).open(sealed)


def test_the_key_must_be_32_bytes() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        AesGcmSealer(b"short")
