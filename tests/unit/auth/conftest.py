"""A complete auth service on in-memory adapters, a fixed clock and cheap argon2."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from adapters.memory.clock import FixedClock, RandomIds
from adapters.memory.identity import InMemoryIdentityStore
from adapters.memory.rate_limit import MemoryRateLimiter
from adapters.memory.sessions import MemoryTokenDenylist
from adapters.security.hashing import Argon2PasswordHasher, BoundedPasswordHasher
from adapters.security.jwt_tokens import JwtAccessTokens, SigningKey
from questlog_core.ports.platform import EmailMessage
from questlog_core.services.auth import AuthService, AuthSettings

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


@dataclass
class Mailbox:
    """An ``EmailSender`` that keeps what it was asked to send."""

    sent: list[EmailMessage] = field(default_factory=list)

    async def send(self, message: EmailMessage) -> None:
        self.sent.append(message)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.sent if m.to == address]


class CountingHasher:
    """Cheap argon2id (test parameters) that counts verifications."""

    def __init__(self, time_cost: int = 1) -> None:
        self.inner = Argon2PasswordHasher(
            time_cost=time_cost, memory_cost=1024, parallelism=1, allow_below_owasp=True
        )
        self.verified: list[str] = []

    def hash(self, password: str) -> str:
        return self.inner.hash(password)

    def verify(self, stored_hash: str, password: str) -> bool:
        self.verified.append(stored_hash)
        return self.inner.verify(stored_hash, password)

    def needs_rehash(self, stored_hash: str) -> bool:
        return self.inner.needs_rehash(stored_hash)


@dataclass
class AuthWorld:
    service: AuthService
    store: InMemoryIdentityStore
    clock: FixedClock
    mailbox: Mailbox
    hasher: CountingHasher
    limiter: MemoryRateLimiter
    tokens: JwtAccessTokens
    signing_key: SigningKey
    revocations: MemoryTokenDenylist

    def with_hasher(self, hasher: CountingHasher) -> AuthService:
        """The same service and store with another hasher (e.g. new parameters)."""
        return build_service(self, hasher)


def build_service(world: AuthWorld, hasher: CountingHasher) -> AuthService:
    return AuthService(
        uow=world.store.unit_of_work,
        hasher=BoundedPasswordHasher(hasher, max_concurrent=4),
        tokens=world.tokens,
        revocations=world.revocations,
        limiter=world.limiter,
        email=world.mailbox,
        clock=world.clock,
        ids=RandomIds(),
        settings=AuthSettings(),
    )


@pytest.fixture
def world() -> AuthWorld:
    clock = FixedClock(START)
    key = SigningKey.generate()
    settings = AuthSettings()
    tokens = JwtAccessTokens(key, issuer=settings.issuer, audience=settings.audience, clock=clock)
    w = AuthWorld(
        service=None,  # type: ignore[arg-type]  # set just below
        store=InMemoryIdentityStore(),
        clock=clock,
        mailbox=Mailbox(),
        hasher=CountingHasher(),
        limiter=MemoryRateLimiter(clock),
        tokens=tokens,
        signing_key=key,
        revocations=MemoryTokenDenylist(clock),
    )
    w.service = build_service(w, w.hasher)
    return w
