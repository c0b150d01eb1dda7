"""Sealing secrets at rest: AES-256-GCM (``cryptography``), the
:class:`~questlog_core.identity.second_factor.SecretSealer` of TOTP secrets.

A sealed value is ``v1.`` + URL-safe base64 of a random 96-bit nonce followed by the ciphertext
and its tag. The associated data names the purpose, so a value sealed for something else with
the same key never opens as a TOTP secret. A changed or foreign value fails to open
(``ValueError``): a tampered row cannot be turned into a usable secret.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = "v1."
_NONCE_BYTES = 12


class AesGcmSealer:
    """Seals and opens secrets with one 32-byte key (kept in a file by the composition root)."""

    def __init__(self, key: bytes, purpose: bytes = b"questlog totp secret") -> None:
        if len(key) != 32:
            raise ValueError("the sealing key must be 32 bytes")
        self._aead = AESGCM(key)
        self._purpose = purpose

    def seal(self, secret: bytes) -> str:
        """``secret`` encrypted and authenticated, as ASCII text."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = nonce + self._aead.encrypt(nonce, secret, self._purpose)
        return _VERSION + base64.urlsafe_b64encode(sealed).decode("ascii")

    def open(self, sealed: str) -> bytes:
        """The secret back; ``ValueError`` if the value was altered or sealed by another key."""
        if not sealed.startswith(_VERSION):
            raise ValueError("not a sealed value")
        try:
            raw = base64.urlsafe_b64decode(sealed[len(_VERSION) :].encode("ascii"))
            return self._aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], self._purpose)
        except (InvalidTag, ValueError) as error:
            raise ValueError("the sealed value does not open with this key") from error


__all__ = ["AesGcmSealer"]
