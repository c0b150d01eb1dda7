"""Two-step sign-in: time-based one-time passwords (TOTP, RFC 6238) and recovery codes.

The algorithm is implemented here with the standard library (``hmac``, ``hashlib``): HOTP
(RFC 4226) over the number of 30-second steps since the Unix epoch, SHA-1, six digits, which
is what every authenticator app (Google Authenticator, Aegis, 1Password, ...) computes from an
``otpauth://totp/...`` URI. It is small, pure, and tested against the RFC 6238 vectors, so no
third-party dependency is taken for it.

* **Window.** A code of the current step, the one before or the one after is accepted
  (clocks drift, and people type slowly): :data:`WINDOW` steps either side.
* **Replay.** A code proves a *step*; once a step has been accepted for an account, that step
  and every earlier one are refused (RFC 6238 §5.2). The repositories keep the last step used
  and move it forward with a compare-and-set, so two concurrent sign-ins with one code cannot
  both win.
* **Recovery codes** are ten random 80-bit codes shown once; only a keyed SHA-256 of each is
  stored (keyed by the account, so equal codes of two accounts never share a hash). 80 bits of
  randomness make a slow password hash unnecessary, as for the other tokens of this service,
  and a lookup is one index probe instead of ten argon2 checks per attempt.
* **Secrets at rest** are sealed (authenticated encryption) by a :class:`SecretSealer` the
  composition root provides (AES-GCM with a key kept in a file): a copy of the database alone
  does not let anyone mint codes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import quote, urlencode

from questlog_core.kernel.errors import DomainError, ErrorKind
from questlog_core.kernel.ids import UserId

#: seconds per step (RFC 6238's default, and what authenticator apps assume)
PERIOD = 30
#: digits per code
DIGITS = 6
#: steps accepted either side of the current one
WINDOW = 1
#: bytes of a new secret (160 bits: the HMAC-SHA-1 block size RFC 4226 recommends)
SECRET_BYTES = 20
#: how many recovery codes a confirmed enrolment gets
RECOVERY_CODES = 10
#: characters of a recovery code (without the dashes): 16 x 5 bits = 80 bits
_RECOVERY_LENGTH = 16
#: lower-case base32 without the easily confused 0/1 (they never appear in RFC 4648 base32)
_RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


def hotp(secret: bytes, counter: int, digits: int = DIGITS) -> str:
    """The HOTP value (RFC 4226) of ``secret`` at ``counter``, zero-padded to ``digits``."""
    digest = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    binary = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(binary % 10**digits).zfill(digits)


def time_step(at: datetime, period: int = PERIOD) -> int:
    """The TOTP step of instant ``at`` (whole ``period``-second steps since the epoch)."""
    return int(at.timestamp()) // period


def totp(secret: bytes, at: datetime, digits: int = DIGITS) -> str:
    """The TOTP code (RFC 6238, SHA-1) of ``secret`` at instant ``at``."""
    return hotp(secret, time_step(at), digits)


def matching_step(
    secret: bytes, code: str, at: datetime, *, after_step: int | None = None
) -> int | None:
    """The step within :data:`WINDOW` of ``at`` whose code is ``code``, or ``None``.

    Steps up to ``after_step`` (the last one this account used) never match: a code is good
    once. Every candidate is compared in constant time, whatever matched first.
    """
    candidate = code.strip().replace(" ", "")
    if len(candidate) != DIGITS or not candidate.isascii() or not candidate.isdigit():
        return None
    now = time_step(at)
    found: int | None = None
    for step in range(now - WINDOW, now + WINDOW + 1):
        if hmac.compare_digest(hotp(secret, step), candidate) and found is None:
            found = step
    if found is None or (after_step is not None and found <= after_step):
        return None
    return found


def new_secret() -> bytes:
    """A fresh random TOTP secret."""
    return secrets.token_bytes(SECRET_BYTES)


def secret_text(secret: bytes) -> str:
    """The secret as authenticator apps want it typed: base32, no padding."""
    return base64.b32encode(secret).decode("ascii").rstrip("=")


def provisioning_uri(secret: bytes, *, account: str, issuer: str) -> str:
    """The ``otpauth://totp/...`` URI an authenticator app reads (usually as a QR code)."""
    label = quote(f"{issuer}:{account}", safe="@:")
    query = urlencode(
        {
            "secret": secret_text(secret),
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": PERIOD,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """``count`` fresh recovery codes, ``xxxx-xxxx-xxxx-xxxx`` (80 random bits each)."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4)))
    return codes


def normalise_recovery_code(code: str) -> str:
    """A typed recovery code as stored: lower case, no spaces or dashes."""
    return "".join(ch for ch in code.strip().lower() if ch not in " -")


def hash_recovery_code(user_id: UserId, code: str) -> str:
    """The hex HMAC-SHA-256 of a (normalised) recovery code, keyed by its account."""
    key = user_id.bytes
    return hmac.new(key, normalise_recovery_code(code).encode(), hashlib.sha256).hexdigest()


class NoEnrolmentWaiting(DomainError):
    """A confirming code arrived, but the account has no unconfirmed authenticator (409)."""

    code = "no-enrolment-waiting"
    kind = ErrorKind.CONFLICT

    def __init__(self) -> None:
        super().__init__("there is no enrolment waiting for a code: enrol first")


class SecondFactorOff(DomainError):
    """Something only an account with two-step sign-in on can do was asked of one without
    it (409)."""

    code = "second-factor-off"
    kind = ErrorKind.CONFLICT

    def __init__(self) -> None:
        super().__init__("two-step sign-in is not on for this account")


class SecretSealer(Protocol):
    """Authenticated encryption of TOTP secrets at rest (the adapter holds the key)."""

    def seal(self, secret: bytes) -> str:
        """``secret`` encrypted, as text for a column."""
        ...

    def open(self, sealed: str) -> bytes:
        """The secret back; ``ValueError`` if ``sealed`` was altered or sealed by another key."""
        ...


@dataclass(slots=True)
class SecondFactor:
    """An account's authenticator: pending until a first code confirms it."""

    user_id: UserId
    sealed_secret: str
    created_at: datetime
    confirmed_at: datetime | None = None
    #: the last step accepted (codes of it and earlier steps are refused)
    last_used_step: int | None = None

    @property
    def enabled(self) -> bool:
        """Confirmed: sign-ins need a code."""
        return self.confirmed_at is not None

    def copy(self) -> SecondFactor:
        return replace(self)


@dataclass(slots=True)
class RecoveryCode:
    """One stored recovery code (its hash only)."""

    user_id: UserId
    code_hash: str
    created_at: datetime
    used_at: datetime | None = None

    def copy(self) -> RecoveryCode:
        return replace(self)


@dataclass(slots=True)
class SignInChallenge:
    """A password sign-in waiting for its second step: single use, short-lived, and spent
    after a few wrong codes. Only the hash of the challenge token is stored."""

    token_hash: str
    user_id: UserId
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    failures: int = 0

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at

    def copy(self) -> SignInChallenge:
        return replace(self)


class SecondFactorRepository(Protocol):
    """Authenticators, recovery codes and sign-in challenges, all by account.

    The ``bool`` methods are compare-and-set: exactly one of any number of concurrent callers
    gets ``True``."""

    async def get(self, user_id: UserId) -> SecondFactor | None: ...

    async def put_pending(self, factor: SecondFactor) -> bool:
        """Store an unconfirmed factor, replacing an unconfirmed one; ``False`` (nothing
        stored) if the account has a confirmed one."""
        ...

    async def confirm(self, user_id: UserId, at: datetime, step: int) -> bool:
        """Confirm the pending factor with the code of ``step``."""
        ...

    async def use_step(self, user_id: UserId, step: int) -> bool:
        """Accept ``step`` if it is later than the last step used (replay protection)."""
        ...

    async def remove(self, user_id: UserId) -> bool:
        """Delete the account's factor and its recovery codes; ``False`` if it had none."""
        ...

    async def replace_recovery_codes(self, codes: list[RecoveryCode]) -> None:
        """Make ``codes`` the account's only recovery codes (all of one account)."""
        ...

    async def use_recovery_code(self, user_id: UserId, code_hash: str, at: datetime) -> bool:
        """Spend an unused recovery code of this account."""
        ...

    async def recovery_codes_left(self, user_id: UserId) -> int: ...

    async def add_challenge(self, challenge: SignInChallenge) -> None: ...

    async def forget_challenges(self, user_id: UserId, *, ended_before: datetime) -> int:
        """Delete the account's challenges that were used or expired before ``ended_before``
        (each new challenge sweeps its account's old ones, so the table stays small)."""
        ...

    async def challenge(self, token_hash: str) -> SignInChallenge | None: ...

    async def spend_challenge(self, token_hash: str, at: datetime) -> bool:
        """Mark an unused challenge used."""
        ...

    async def fail_challenge(self, token_hash: str) -> int:
        """Count one wrong code against the challenge; the failures so far."""
        ...


#: how long a sign-in challenge lasts
CHALLENGE_TTL = timedelta(minutes=5)
#: wrong codes one challenge takes before it is spent (sign in with the password again)
CHALLENGE_MAX_FAILURES = 5
#: the prefix of a challenge token (tells it apart from the other tokens in logs and bug reports)
CHALLENGE_PREFIX = "qlc_"

__all__ = [
    "CHALLENGE_MAX_FAILURES",
    "CHALLENGE_PREFIX",
    "CHALLENGE_TTL",
    "DIGITS",
    "PERIOD",
    "RECOVERY_CODES",
    "WINDOW",
    "NoEnrolmentWaiting",
    "RecoveryCode",
    "SecondFactor",
    "SecondFactorOff",
    "SecondFactorRepository",
    "SecretSealer",
    "SignInChallenge",
    "hash_recovery_code",
    "hotp",
    "matching_step",
    "new_recovery_codes",
    "new_secret",
    "normalise_recovery_code",
    "provisioning_uri",
    "secret_text",
    "time_step",
    "totp",
]
