"""Friends: invite by email or by link, accept, remove, block and unblock; the friends board.

Every use case acts for ``user`` (the caller) on their side of a pair; what another player
did to the pair is never revealed beyond what the caller can see anyway (a block by the other
side looks like nothing happened). See :mod:`questlog_core.gamification.social`.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from questlog_core.errors import DomainError, ErrorKind, NotFound, ValidationFailed
from questlog_core.gamification.leaderboards import Board, BoardRow, is_period, period_of
from questlog_core.gamification.players import default_display_name
from questlog_core.gamification.ports import GamificationUnitOfWork
from questlog_core.gamification.social import (
    FRIEND_LINK_PREFIX,
    FRIEND_LINK_TTL,
    MAX_FRIENDS,
    EmailInvite,
    FriendLink,
    Friendship,
    FriendStatus,
    email_digest,
    new_token,
    token_digest,
)
from questlog_core.gamification.use_cases.queries import BoardPage
from questlog_core.kernel.ids import UserId
from questlog_core.ports.platform import Clock, IdFactory


class PlayerBlocked(DomainError):
    """The caller blocked this player: unblock them before inviting or accepting them."""

    code = "player-blocked"
    kind = ErrorKind.CONFLICT

    def __init__(self, other: object) -> None:
        super().__init__(f"you blocked {other}; unblock them first", user_id=str(other))


class TooManyFriends(DomainError):
    code = "too-many-friends"
    kind = ErrorKind.CONFLICT

    def __init__(self) -> None:
        super().__init__(f"at most {MAX_FRIENDS} friends and open requests", limit=MAX_FRIENDS)


class FriendView(msgspec.Struct, frozen=True, kw_only=True):
    """One other player as the caller sees them in their friends list."""

    user: UserId
    display_name: str
    since: datetime


class FriendsView(msgspec.Struct, frozen=True, kw_only=True):
    friends: tuple[FriendView, ...]
    #: requests others sent the caller (accept or remove them)
    incoming: tuple[FriendView, ...]
    #: requests the caller sent that are not accepted yet
    outgoing: tuple[FriendView, ...]
    #: players the caller blocked
    blocked: tuple[FriendView, ...]


class IssuedLink(msgspec.Struct, frozen=True, kw_only=True):
    """A new invitation link; ``token`` is shown this once (only its digest is kept)."""

    link: FriendLink
    token: str


async def _request(uow: GamificationUnitOfWork, user: UserId, other: UserId, now: datetime) -> None:
    """``user`` asks ``other`` to be friends (a request the other side made is accepted)."""
    current = await uow.friends.between(user, other)
    if current is None:
        if len(await uow.friends.of(user)) >= MAX_FRIENDS:
            raise TooManyFriends()
        await uow.friends.save(
            Friendship.between(
                user, other, status=FriendStatus.PENDING, since=now, requested_by=user
            )
        )
    elif current.status is FriendStatus.BLOCKED:
        if current.blocked_by(user):
            raise PlayerBlocked(other)
        # blocked by the other side: nothing happens, and nothing says so
    elif current.status is FriendStatus.PENDING and current.requested_by == other:
        current.status, current.since = FriendStatus.ACCEPTED, now
        await uow.friends.save(current)


async def invite_by_email(
    user: UserId, email: str, uow: GamificationUnitOfWork, clock: Clock
) -> None:
    """Invite whoever plays with ``email``, or will: the same answer whether the address has
    a player or not (no one learns who plays from it)."""
    local, _, domain = email.rpartition("@")
    if not local or not domain or len(email) > 254:
        raise ValidationFailed("email", "is not an email address")
    digest = email_digest(email)
    now = clock.now()
    async with uow:
        target = await uow.players.by_email_digest(digest)
        if target is None:
            await uow.friends.invite_email(
                EmailInvite(email_digest=digest, inviter=user, created_at=now)
            )
        elif target.user != user:
            await _request(uow, user, target.user, now)
        await uow.commit()


async def welcome_invitations(
    uow: GamificationUnitOfWork, user: UserId, digest: str, now: datetime
) -> None:
    """Turn the invitations that waited for ``user``'s address into friend requests (inside
    the caller's unit of work: the identity consumer, when the account registers)."""
    for invite in await uow.friends.take_email_invites(digest):
        if invite.inviter != user:
            try:
                await _request(uow, invite.inviter, user, now)
            except (PlayerBlocked, TooManyFriends):
                continue  # the inviter changed their mind since (or is full): drop it


async def create_invite_link(
    user: UserId, uow: GamificationUnitOfWork, clock: Clock, ids: IdFactory
) -> IssuedLink:
    """A single-use invitation link, valid for ``FRIEND_LINK_TTL``."""
    now = clock.now()
    token = new_token(FRIEND_LINK_PREFIX)
    link = FriendLink(
        link_id=ids.new_id(),
        token_digest=token_digest(token),
        inviter=user,
        created_at=now,
        expires_at=now + FRIEND_LINK_TTL,
    )
    async with uow:
        await uow.friends.add_link(link)
        await uow.commit()
    return IssuedLink(link=link, token=token)


async def list_invite_links(user: UserId, uow: GamificationUnitOfWork) -> list[FriendLink]:
    async with uow:
        return await uow.friends.links_of(user)


async def revoke_invite_link(user: UserId, link_id: UUID, uow: GamificationUnitOfWork) -> None:
    """Make one of the caller's links unusable (``NotFound`` for anyone else's)."""
    async with uow:
        link = next((k for k in await uow.friends.links_of(user) if k.link_id == link_id), None)
        if link is None:
            raise NotFound("invite link", link_id)
        link.revoked = True
        await uow.friends.save_link(link)
        await uow.commit()


async def accept_invite_link(
    user: UserId, token: str, uow: GamificationUnitOfWork, clock: Clock
) -> UserId:
    """Become friends with the link's inviter (the link is used up); the inviter's id.

    An unknown, expired, used or revoked link, or one from a player who blocked the caller,
    is ``NotFound`` alike.
    """
    now = clock.now()
    async with uow:
        link = await uow.friends.link_by_digest(token_digest(token))
        if link is None or not link.usable(now):
            raise NotFound("invite link", "this link")
        if link.inviter == user:
            raise ValidationFailed("token", "this is your own invitation link")
        current = await uow.friends.between(user, link.inviter)
        if current is not None and current.status is FriendStatus.BLOCKED:
            if current.blocked_by(user):
                raise PlayerBlocked(link.inviter)
            raise NotFound("invite link", "this link")
        if current is None and len(await uow.friends.of(user)) >= MAX_FRIENDS:
            raise TooManyFriends()
        await uow.friends.save(
            Friendship.between(user, link.inviter, status=FriendStatus.ACCEPTED, since=now)
        )
        link.used_by = user
        await uow.friends.save_link(link)
        await uow.commit()
        return link.inviter


async def accept_friend(
    user: UserId, other: UserId, uow: GamificationUnitOfWork, clock: Clock
) -> None:
    """Accept ``other``'s pending request (``NotFound`` if there is none to the caller)."""
    async with uow:
        current = await uow.friends.between(user, other)
        if (
            current is None
            or current.status is not FriendStatus.PENDING
            or current.requested_by != other
        ):
            raise NotFound("friend request", other)
        current.status, current.since = FriendStatus.ACCEPTED, clock.now()
        await uow.friends.save(current)
        await uow.commit()


async def remove_friend(user: UserId, other: UserId, uow: GamificationUnitOfWork) -> None:
    """End a friendship, decline a request or withdraw one (``NotFound`` if there is none)."""
    async with uow:
        current = await uow.friends.between(user, other)
        if current is None or current.status is FriendStatus.BLOCKED:
            raise NotFound("friend", other)
        await uow.friends.delete(user, other)
        await uow.commit()


async def block_player(
    user: UserId, other: UserId, uow: GamificationUnitOfWork, clock: Clock
) -> None:
    """Block ``other``: any friendship or request between the two ends, and their invitations
    to the caller come to nothing until the caller unblocks them."""
    if other == user:
        raise ValidationFailed("user_id", "you cannot block yourself")
    async with uow:
        current = await uow.friends.between(user, other)
        if current is None or current.status is not FriendStatus.BLOCKED:
            current = Friendship.between(
                user, other, status=FriendStatus.BLOCKED, since=clock.now()
            )
        current.set_block(user, True)
        await uow.friends.save(current)
        await uow.commit()


async def unblock_player(user: UserId, other: UserId, uow: GamificationUnitOfWork) -> None:
    """Lift the caller's block of ``other`` (they are not friends again: a new invitation is
    needed); ``NotFound`` if the caller had not blocked them."""
    async with uow:
        current = await uow.friends.between(user, other)
        if current is None or not current.blocked_by(user):
            raise NotFound("blocked player", other)
        current.set_block(user, False)
        if current.blocked_by(current.other(user)):
            await uow.friends.save(current)
        else:
            await uow.friends.delete(user, other)
        await uow.commit()


async def list_friends(user: UserId, uow: GamificationUnitOfWork) -> FriendsView:
    """The caller's friends, open requests both ways and the players they blocked."""
    async with uow:
        relations = await uow.friends.of(user)
        names: dict[UserId, str] = {}
        for f in relations:
            other = f.other(user)
            player = await uow.players.find(other)
            names[other] = (
                player.display_name if player is not None else default_display_name(other)
            )
    groups: dict[str, list[FriendView]] = {k: [] for k in ("friends", "in", "out", "blocked")}
    for f in sorted(relations, key=lambda f: (f.since, str(f.other(user)))):
        other = f.other(user)
        view = FriendView(user=other, display_name=names[other], since=f.since)
        if f.status is FriendStatus.ACCEPTED:
            groups["friends"].append(view)
        elif f.status is FriendStatus.PENDING:
            groups["in" if f.requested_by == other else "out"].append(view)
        elif f.blocked_by(user):
            groups["blocked"].append(view)
        # blocked only by the other side: not shown (a block is not announced)
    return FriendsView(
        friends=tuple(groups["friends"]),
        incoming=tuple(groups["in"]),
        outgoing=tuple(groups["out"]),
        blocked=tuple(groups["blocked"]),
    )


async def get_friends_board(
    user: UserId,
    board: Board,
    uow: GamificationUnitOfWork,
    clock: Clock,
    *,
    period: str | None = None,
) -> BoardPage:
    """The board of the caller and their accepted friends, ranked among themselves (the
    board's own order: XP, then who reached it first). Players who opted out are not on it."""
    chosen = period or period_of(board, clock.now())
    if not is_period(board, chosen):
        return BoardPage(board=board, period=chosen, offset=0, rows=(), me=None)
    async with uow:
        circle = [user] + [
            f.other(user) for f in await uow.friends.of(user) if f.status is FriendStatus.ACCEPTED
        ]
        found = [await uow.leaderboard.rank_of(board, chosen, u) for u in circle]
    ranked = sorted((r for r in found if r is not None), key=lambda r: r.rank)
    rows = tuple(
        BoardRow(rank=i, user=r.user, display_name=r.display_name, xp=r.xp)
        for i, r in enumerate(ranked, start=1)
    )
    me = next((r for r in rows if r.user == user), None)
    return BoardPage(board=board, period=chosen, offset=0, rows=rows, me=me)


__all__ = [
    "FriendView",
    "FriendsView",
    "IssuedLink",
    "PlayerBlocked",
    "TooManyFriends",
    "accept_friend",
    "accept_invite_link",
    "block_player",
    "create_invite_link",
    "get_friends_board",
    "invite_by_email",
    "list_friends",
    "list_invite_links",
    "remove_friend",
    "revoke_invite_link",
    "unblock_player",
    "welcome_invitations",
]
