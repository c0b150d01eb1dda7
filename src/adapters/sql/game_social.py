"""SQL friends and share links of the game (``FriendRepository``, ``ShareRepository``).

Written in the game's unit of work's transaction; rows are translated explicitly.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql import dialects
from adapters.sql.tables import gamification as t
from adapters.sql.unit_of_work import SqlUnitOfWork
from questlog_core.gamification.social import (
    EmailInvite,
    FriendLink,
    Friendship,
    FriendStatus,
    ShareLink,
    pair,
)
from questlog_core.kernel.ids import UserId


def _friendship(row: Row[Any]) -> Friendship:
    return Friendship(
        user_a=UserId(row.user_a),
        user_b=UserId(row.user_b),
        status=FriendStatus(row.status),
        requested_by=UserId(row.requested_by) if row.requested_by is not None else None,
        blocked_by_a=row.blocked_by_a,
        blocked_by_b=row.blocked_by_b,
        since=row.since,
    )


def _link(row: Row[Any]) -> FriendLink:
    return FriendLink(
        link_id=row.link_id,
        token_digest=row.token_digest,
        inviter=UserId(row.inviter),
        created_at=row.created_at,
        expires_at=row.expires_at,
        used_by=UserId(row.used_by) if row.used_by is not None else None,
        revoked=row.revoked,
    )


def _share(row: Row[Any]) -> ShareLink:
    return ShareLink(
        link_id=row.link_id,
        token_digest=row.token_digest,
        user=UserId(row.user_id),
        achievement_key=row.achievement_key,
        show_display_name=row.show_display_name,
        show_level=row.show_level,
        show_unlocked_at=row.show_unlocked_at,
        created_at=row.created_at,
        revoked=row.revoked,
    )


class _Repository:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    @property
    def _c(self) -> AsyncConnection:
        return self._uow.connection


class SqlFriends(_Repository):
    """Friendships, invitations by email and invitation links."""

    async def between(self, user: UserId, other: UserId) -> Friendship | None:
        a, b = pair(user, other)
        f = t.friendships
        row = (await self._c.execute(select(f).where(f.c.user_a == a, f.c.user_b == b))).first()
        return _friendship(row) if row is not None else None

    async def save(self, friendship: Friendship) -> None:
        f = t.friendships
        values = {
            "user_a": friendship.user_a,
            "user_b": friendship.user_b,
            "status": friendship.status.value,
            "requested_by": friendship.requested_by,
            "blocked_by_a": friendship.blocked_by_a,
            "blocked_by_b": friendship.blocked_by_b,
            "since": friendship.since,
        }
        statement = dialects.insert(self._c, f)
        statement = statement.on_conflict_do_update(
            index_elements=[f.c.user_a, f.c.user_b],
            set_={k: statement.excluded[k] for k in values if k not in ("user_a", "user_b")},
        )
        await self._c.execute(statement, values)

    async def delete(self, user: UserId, other: UserId) -> None:
        a, b = pair(user, other)
        f = t.friendships
        await self._c.execute(delete(f).where(f.c.user_a == a, f.c.user_b == b))

    async def of(self, user: UserId) -> list[Friendship]:
        f = t.friendships
        query = select(f).where(or_(f.c.user_a == user, f.c.user_b == user))
        return [_friendship(r) for r in await self._c.execute(query)]

    async def invite_email(self, invite: EmailInvite) -> None:
        await dialects.insert_if_absent(
            self._c,
            t.email_invites,
            {
                "email_digest": invite.email_digest,
                "inviter": invite.inviter,
                "created_at": invite.created_at,
            },
        )

    async def take_email_invites(self, email_digest: str) -> list[EmailInvite]:
        e = t.email_invites
        rows = list(await self._c.execute(select(e).where(e.c.email_digest == email_digest)))
        await self._c.execute(delete(e).where(e.c.email_digest == email_digest))
        return [
            EmailInvite(
                email_digest=r.email_digest, inviter=UserId(r.inviter), created_at=r.created_at
            )
            for r in rows
        ]

    async def add_link(self, link: FriendLink) -> None:
        await self._c.execute(
            t.friend_links.insert().values(
                link_id=link.link_id,
                token_digest=link.token_digest,
                inviter=link.inviter,
                created_at=link.created_at,
                expires_at=link.expires_at,
                used_by=link.used_by,
                revoked=link.revoked,
            )
        )

    async def link_by_digest(self, token_digest: str) -> FriendLink | None:
        k = t.friend_links
        row = (await self._c.execute(select(k).where(k.c.token_digest == token_digest))).first()
        return _link(row) if row is not None else None

    async def links_of(self, inviter: UserId) -> list[FriendLink]:
        k = t.friend_links
        query = select(k).where(k.c.inviter == inviter).order_by(k.c.created_at, k.c.link_id)
        return [_link(r) for r in await self._c.execute(query)]

    async def save_link(self, link: FriendLink) -> None:
        k = t.friend_links
        await self._c.execute(
            update(k)
            .where(and_(k.c.link_id == link.link_id, k.c.inviter == link.inviter))
            .values(used_by=link.used_by, revoked=link.revoked)
        )


class SqlShares(_Repository):
    """Public share links of achievements."""

    async def add(self, link: ShareLink) -> None:
        await self._c.execute(
            t.share_links.insert().values(
                link_id=link.link_id,
                token_digest=link.token_digest,
                user_id=link.user,
                achievement_key=link.achievement_key,
                show_display_name=link.show_display_name,
                show_level=link.show_level,
                show_unlocked_at=link.show_unlocked_at,
                created_at=link.created_at,
                revoked=link.revoked,
            )
        )

    async def by_digest(self, token_digest: str) -> ShareLink | None:
        s = t.share_links
        row = (await self._c.execute(select(s).where(s.c.token_digest == token_digest))).first()
        return _share(row) if row is not None else None

    async def of(self, user: UserId) -> list[ShareLink]:
        s = t.share_links
        query = select(s).where(s.c.user_id == user).order_by(s.c.created_at, s.c.link_id)
        return [_share(r) for r in await self._c.execute(query)]

    async def save(self, link: ShareLink) -> None:
        s = t.share_links
        await self._c.execute(
            update(s)
            .where(and_(s.c.link_id == link.link_id, s.c.user_id == link.user))
            .values(revoked=link.revoked)
        )


__all__ = ["SqlFriends", "SqlShares"]
