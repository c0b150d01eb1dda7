"""Public share links: one unlocked achievement, shown to anyone with the link, with only
what the player chose (display name, level, when it was unlocked); never an email or a user
id. Tokens are unguessable; only their digests are stored; a link is revocable.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from questlog_core.errors import NotFound, ValidationFailed
from questlog_core.gamification.ports import GamificationUnitOfWork
from questlog_core.gamification.social import SHARE_PREFIX, ShareLink, new_token, token_digest
from questlog_core.gamification.use_cases.rules import DEFAULT_RULES, GameRules
from questlog_core.kernel.ids import UserId
from questlog_core.ports.platform import Clock, IdFactory

#: the most live share links one player keeps
MAX_SHARES = 100


class ShareChoice(msgspec.Struct, frozen=True, kw_only=True):
    """What a share link shows besides the achievement itself."""

    display_name: bool = True
    level: bool = False
    unlocked_at: bool = True


class IssuedShare(msgspec.Struct, frozen=True, kw_only=True):
    """A new share link; ``token`` is shown this once."""

    link: ShareLink
    token: str


class SharedAchievement(msgspec.Struct, frozen=True, kw_only=True):
    """What a share link shows: the achievement, and only the parts its player chose."""

    key: str
    title: str
    description: str
    unlocked_at: datetime | None
    display_name: str | None
    level: int | None


async def share_achievement(
    user: UserId,
    key: str,
    choice: ShareChoice,
    uow: GamificationUnitOfWork,
    clock: Clock,
    ids: IdFactory,
    rules: GameRules = DEFAULT_RULES,
) -> IssuedShare:
    """A link to one of the caller's *unlocked* achievements (``NotFound`` for an unknown
    key, ``ValidationFailed`` for one not unlocked yet)."""
    if key not in set(rules.achievements.keys()):
        raise NotFound("achievement", key)
    token = new_token(SHARE_PREFIX)
    async with uow:
        progress = await uow.achievements.get(user)
        if key not in progress.unlocked:
            raise ValidationFailed("key", "only an unlocked achievement can be shared")
        live = [s for s in await uow.shares.of(user) if not s.revoked]
        if len(live) >= MAX_SHARES:
            raise ValidationFailed("key", f"at most {MAX_SHARES} live share links")
        link = ShareLink(
            link_id=ids.new_id(),
            token_digest=token_digest(token),
            user=user,
            achievement_key=key,
            show_display_name=choice.display_name,
            show_level=choice.level,
            show_unlocked_at=choice.unlocked_at,
            created_at=clock.now(),
        )
        await uow.shares.add(link)
        await uow.commit()
    return IssuedShare(link=link, token=token)


async def list_shares(user: UserId, uow: GamificationUnitOfWork) -> list[ShareLink]:
    """The caller's share links, revoked ones included (oldest first)."""
    async with uow:
        return await uow.shares.of(user)


async def revoke_share(user: UserId, link_id: UUID, uow: GamificationUnitOfWork) -> None:
    """Make one of the caller's share links show nothing (``NotFound`` for anyone else's)."""
    async with uow:
        link = next((s for s in await uow.shares.of(user) if s.link_id == link_id), None)
        if link is None:
            raise NotFound("share link", link_id)
        link.revoked = True
        await uow.shares.save(link)
        await uow.commit()


async def view_share(
    token: str, uow: GamificationUnitOfWork, rules: GameRules = DEFAULT_RULES
) -> SharedAchievement:
    """What the link shows, to anyone (no sign-in). An unknown or revoked link, or one whose
    achievement is no longer unlocked, is ``NotFound`` alike."""
    async with uow:
        link = await uow.shares.by_digest(token_digest(token))
        if link is None or link.revoked:
            raise NotFound("share link", "this link")
        progress = await uow.achievements.get(link.user)
        player = await uow.players.find(link.user)
    unlocked_at = progress.unlocked.get(link.achievement_key)
    if unlocked_at is None:
        raise NotFound("share link", "this link")
    achievement = rules.achievements.by_key(link.achievement_key)
    return SharedAchievement(
        key=achievement.key,
        title=achievement.title,
        description=achievement.description,
        unlocked_at=unlocked_at if link.show_unlocked_at else None,
        display_name=player.display_name if link.show_display_name and player else None,
        level=player.level if link.show_level and player else None,
    )


__all__ = [
    "MAX_SHARES",
    "IssuedShare",
    "ShareChoice",
    "SharedAchievement",
    "list_shares",
    "revoke_share",
    "share_achievement",
    "view_share",
]
