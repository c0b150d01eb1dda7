"""The password policy (NIST SP 800-63B style).

* 8 to 128 characters, counted in Unicode code points after NFKC normalisation;
* nothing is ever truncated (argon2 hashes every byte; there is no 72-byte bcrypt cut-off);
* no composition rules (no "one digit, one symbol"): they make passwords worse, not better;
* the most common passwords are refused, as is the account's own email address or its
  local part.

The common-password list is package data (``common_passwords.txt``), loaded on first use.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from questlog_core.errors import ValidationFailed

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
COMMON_PASSWORDS_RESOURCE = "common_passwords.txt"


def normalise_password(password: str) -> str:
    """The form that is hashed and verified: NFKC, so the same password typed on two
    keyboards (composed or decomposed accents, full-width digits) is the same password."""
    return unicodedata.normalize("NFKC", password)


@cache
def common_passwords() -> frozenset[str]:
    """The refused common passwords, case-folded (read from the package once, lazily)."""
    text = (
        resources.files("questlog_core.identity")
        .joinpath(COMMON_PASSWORDS_RESOURCE)
        .read_text(encoding="utf-8")
    )
    return frozenset(
        line.strip().casefold() for line in text.splitlines() if line and not line.startswith("#")
    )


@dataclass(frozen=True, slots=True)
class PasswordPolicy:
    """What a new password must satisfy. The defaults are the product's policy."""

    min_length: int = MIN_PASSWORD_LENGTH
    max_length: int = MAX_PASSWORD_LENGTH
    refuse_common: bool = True

    def check(self, password: str, *, email: str | None = None) -> str:
        """The normalised password to hash, or ``ValidationFailed("password", reason)``."""
        normalised = normalise_password(password)
        length = len(normalised)
        if length < self.min_length:
            raise ValidationFailed("password", f"must be at least {self.min_length} characters")
        if length > self.max_length:
            raise ValidationFailed("password", f"must be at most {self.max_length} characters")
        folded = normalised.casefold()
        if self.refuse_common and folded in common_passwords():
            raise ValidationFailed("password", "is one of the most common passwords")
        if email:
            address = email.casefold()
            if folded in {address, address.partition("@")[0]}:
                raise ValidationFailed("password", "must not be your email address")
        return normalised


__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "PasswordPolicy",
    "common_passwords",
    "normalise_password",
]
