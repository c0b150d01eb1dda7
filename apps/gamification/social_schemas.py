"""Request and response bodies of the game's social routes: friends and share links.

No body carries an email address back out: an invitation by email takes one in, and what
comes back is only ``{"status": "invited"}``, the same whether the address plays or not.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from questlog_core.gamification import use_cases as game
from questlog_core.gamification.social import FriendLink, ShareLink


class FriendOut(msgspec.Struct, frozen=True, kw_only=True):
    """Another player: their id (to accept, remove or block them) and display name."""

    user_id: UUID
    display_name: str
    since: datetime

    @classmethod
    def from_domain(cls, view: game.FriendView) -> FriendOut:
        return cls(user_id=view.user, display_name=view.display_name, since=view.since)


class FriendsOut(msgspec.Struct, frozen=True, kw_only=True):
    """The caller's friends, requests to them, their requests, and whom they blocked."""

    friends: list[FriendOut]
    incoming: list[FriendOut]
    outgoing: list[FriendOut]
    blocked: list[FriendOut]

    @classmethod
    def from_domain(cls, view: game.FriendsView) -> FriendsOut:
        def out(views: tuple[game.FriendView, ...]) -> list[FriendOut]:
            return [FriendOut.from_domain(v) for v in views]

        return cls(
            friends=out(view.friends),
            incoming=out(view.incoming),
            outgoing=out(view.outgoing),
            blocked=out(view.blocked),
        )


class EmailInviteIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Invite whoever plays (or will play) with this address."""

    email: Annotated[
        str,
        msgspec.Meta(
            min_length=3,
            max_length=254,
            pattern="^[^@]+@[^@]+$",
            description="an email address",
        ),
    ]


class InvitedOut(msgspec.Struct, frozen=True, kw_only=True):
    """The same answer whether the address has a player or not."""

    status: str = "invited"


class InviteLinkOut(msgspec.Struct, frozen=True, kw_only=True):
    """An invitation link. ``token`` appears only in the answer that created it: the invitee
    sends it to ``POST /friends/links/accept``."""

    link_id: UUID
    created_at: datetime
    expires_at: datetime
    used: bool
    revoked: bool
    token: str | None = None

    @classmethod
    def from_domain(cls, link: FriendLink, token: str | None = None) -> InviteLinkOut:
        return cls(
            link_id=link.link_id,
            created_at=link.created_at,
            expires_at=link.expires_at,
            used=link.used_by is not None,
            revoked=link.revoked,
            token=token,
        )


class AcceptLinkIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The token of someone's invitation link (in the body: tokens stay out of URLs here)."""

    token: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class NewFriendOut(msgspec.Struct, frozen=True, kw_only=True):
    user_id: UUID


class ShareIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What the public page shows besides the achievement (nothing else is ever shown)."""

    display_name: bool = True
    level: bool = False
    unlocked_at: bool = True


class ShareLinkOut(msgspec.Struct, frozen=True, kw_only=True):
    """A share link. ``token`` and ``url`` appear only in the answer that created it."""

    link_id: UUID
    achievement_key: str
    display_name: bool
    level: bool
    unlocked_at: bool
    created_at: datetime
    revoked: bool
    token: str | None = None
    #: the page that shows it to anyone (the web client's ``/share/{token}``)
    url: str | None = None

    @classmethod
    def from_domain(
        cls, link: ShareLink, token: str | None = None, url: str | None = None
    ) -> ShareLinkOut:
        return cls(
            link_id=link.link_id,
            achievement_key=link.achievement_key,
            display_name=link.show_display_name,
            level=link.show_level,
            unlocked_at=link.show_unlocked_at,
            created_at=link.created_at,
            revoked=link.revoked,
            token=token,
            url=url,
        )


class SharedAchievementOut(msgspec.Struct, frozen=True, kw_only=True):
    """A shared achievement: ``null`` for what its player chose not to show."""

    key: str
    title: str
    description: str
    unlocked_at: datetime | None
    display_name: str | None
    level: int | None

    @classmethod
    def from_domain(cls, shown: game.SharedAchievement) -> SharedAchievementOut:
        return cls(
            key=shown.key,
            title=shown.title,
            description=shown.description,
            unlocked_at=shown.unlocked_at,
            display_name=shown.display_name,
            level=shown.level,
        )
