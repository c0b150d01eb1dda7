"""In-memory friends and share links of the game (reference semantics of the social ports).

Part of :mod:`adapters.memory.gamification`'s unit of work: every write changes the working
copy and is replayed on the shared state at commit (so an uncommitted change vanishes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

import msgspec

from questlog_core.gamification.social import (
    EmailInvite,
    FriendLink,
    Friendship,
    ShareLink,
    pair,
)
from questlog_core.kernel.ids import UserId

if TYPE_CHECKING:

    class _SocialUnitOfWork(Protocol):
        @property
        def _social(self) -> SocialState: ...

        _social_ops: list[Callable[[SocialState], object]]


@dataclass
class SocialState:
    friendships: dict[tuple[UserId, UserId], Friendship] = field(default_factory=dict)
    email_invites: dict[tuple[str, UserId], EmailInvite] = field(default_factory=dict)
    links: dict[UUID, FriendLink] = field(default_factory=dict)
    shares: dict[UUID, ShareLink] = field(default_factory=dict)

    def copy(self) -> SocialState:
        r = msgspec.structs.replace
        return SocialState(
            friendships={k: r(f) for k, f in self.friendships.items()},
            email_invites=dict(self.email_invites),
            links={k: r(v) for k, v in self.links.items()},
            shares={k: r(v) for k, v in self.shares.items()},
        )


class _Writes:
    def __init__(self, uow: _SocialUnitOfWork) -> None:
        self._uow = uow

    @property
    def _state(self) -> SocialState:
        return self._uow._social

    def _write(self, op: Callable[[SocialState], object]) -> None:
        op(self._state)
        self._uow._social_ops.append(op)


class InMemoryFriends(_Writes):
    async def between(self, user: UserId, other: UserId) -> Friendship | None:
        found = self._state.friendships.get(pair(user, other))
        return msgspec.structs.replace(found) if found is not None else None

    async def save(self, friendship: Friendship) -> None:
        stored = msgspec.structs.replace(friendship)
        key = (friendship.user_a, friendship.user_b)
        self._write(lambda s: s.friendships.__setitem__(key, msgspec.structs.replace(stored)))

    async def delete(self, user: UserId, other: UserId) -> None:
        key = pair(user, other)
        self._write(lambda s: s.friendships.pop(key, None))

    async def of(self, user: UserId) -> list[Friendship]:
        return [
            msgspec.structs.replace(f)
            for f in self._state.friendships.values()
            if user in (f.user_a, f.user_b)
        ]

    async def invite_email(self, invite: EmailInvite) -> None:
        key = (invite.email_digest, invite.inviter)
        self._write(lambda s: s.email_invites.setdefault(key, invite))

    async def take_email_invites(self, email_digest: str) -> list[EmailInvite]:
        found = [i for (d, _), i in self._state.email_invites.items() if d == email_digest]

        def take(s: SocialState) -> None:
            for invite in found:
                s.email_invites.pop((invite.email_digest, invite.inviter), None)

        self._write(take)
        return found

    async def add_link(self, link: FriendLink) -> None:
        await self.save_link(link)

    async def link_by_digest(self, token_digest: str) -> FriendLink | None:
        found = next(
            (k for k in self._state.links.values() if k.token_digest == token_digest), None
        )
        return msgspec.structs.replace(found) if found is not None else None

    async def links_of(self, inviter: UserId) -> list[FriendLink]:
        return [
            msgspec.structs.replace(k) for k in self._state.links.values() if k.inviter == inviter
        ]

    async def save_link(self, link: FriendLink) -> None:
        stored = msgspec.structs.replace(link)
        self._write(lambda s: s.links.__setitem__(stored.link_id, msgspec.structs.replace(stored)))


class InMemoryShares(_Writes):
    async def add(self, link: ShareLink) -> None:
        await self.save(link)

    async def by_digest(self, token_digest: str) -> ShareLink | None:
        found = next(
            (k for k in self._state.shares.values() if k.token_digest == token_digest), None
        )
        return msgspec.structs.replace(found) if found is not None else None

    async def of(self, user: UserId) -> list[ShareLink]:
        return [msgspec.structs.replace(k) for k in self._state.shares.values() if k.user == user]

    async def save(self, link: ShareLink) -> None:
        stored = msgspec.structs.replace(link)
        self._write(lambda s: s.shares.__setitem__(stored.link_id, msgspec.structs.replace(stored)))


__all__ = ["InMemoryFriends", "InMemoryShares", "SocialState"]
