"""The game's social commands and queries as messages for the bus: friends, invitations, the
friends board and share links (see :mod:`.messages` for the rest of the game's).

The use cases in :mod:`.friends` and :mod:`.shares` keep their own signatures;
:func:`social_handlers` binds each message to its use case with the ports injected at
bootstrap (:mod:`questlog_core.gamification.bootstrap`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import msgspec

from questlog_core.gamification.leaderboards import Board
from questlog_core.gamification.ports import GamificationUnitOfWork
from questlog_core.gamification.social import FriendLink, ShareLink
from questlog_core.gamification.use_cases.friends import (
    FriendsView,
    IssuedLink,
    accept_friend,
    accept_invite_link,
    block_player,
    create_invite_link,
    get_friends_board,
    invite_by_email,
    list_friends,
    list_invite_links,
    remove_friend,
    revoke_invite_link,
    unblock_player,
)
from questlog_core.gamification.use_cases.queries import BoardPage
from questlog_core.gamification.use_cases.rules import DEFAULT_RULES, GameRules
from questlog_core.gamification.use_cases.shares import (
    IssuedShare,
    ShareChoice,
    SharedAchievement,
    list_shares,
    revoke_share,
    share_achievement,
    view_share,
)
from questlog_core.kernel.clock import Clock, IdFactory
from questlog_core.kernel.ids import UserId

__all__ = [
    "SOCIAL_QUERIES",
    "AcceptFriend",
    "AcceptInviteLink",
    "BlockPlayer",
    "CreateInviteLink",
    "GetFriendsBoard",
    "InviteByEmail",
    "ListFriends",
    "ListInviteLinks",
    "ListShares",
    "RemoveFriend",
    "RevokeInviteLink",
    "RevokeShare",
    "ShareAchievement",
    "UnblockPlayer",
    "ViewShare",
    "social_handlers",
]


class ListFriends(msgspec.Struct, frozen=True, kw_only=True):
    """The caller's friends, requests both ways, and the players they blocked."""

    user: UserId


class InviteByEmail(msgspec.Struct, frozen=True, kw_only=True):
    user: UserId
    email: str


class CreateInviteLink(msgspec.Struct, frozen=True, kw_only=True):
    user: UserId


class ListInviteLinks(msgspec.Struct, frozen=True, kw_only=True):
    user: UserId


class RevokeInviteLink(msgspec.Struct, frozen=True, kw_only=True):
    user: UserId
    link_id: UUID


class AcceptInviteLink(msgspec.Struct, frozen=True, kw_only=True):
    """Become friends with the link's inviter; answers the inviter."""

    user: UserId
    token: str


class AcceptFriend(msgspec.Struct, frozen=True, kw_only=True):
    user: UserId
    other: UserId


class RemoveFriend(msgspec.Struct, frozen=True, kw_only=True):
    user: UserId
    other: UserId


class BlockPlayer(msgspec.Struct, frozen=True, kw_only=True):
    user: UserId
    other: UserId


class UnblockPlayer(msgspec.Struct, frozen=True, kw_only=True):
    user: UserId
    other: UserId


class GetFriendsBoard(msgspec.Struct, frozen=True, kw_only=True):
    """The caller and their accepted friends ranked among themselves on one board."""

    user: UserId
    board: Board
    period: str | None = None


class ShareAchievement(msgspec.Struct, frozen=True, kw_only=True):
    user: UserId
    key: str
    choice: ShareChoice


class ListShares(msgspec.Struct, frozen=True, kw_only=True):
    user: UserId


class RevokeShare(msgspec.Struct, frozen=True, kw_only=True):
    user: UserId
    link_id: UUID


class ViewShare(msgspec.Struct, frozen=True, kw_only=True):
    """What a share link shows, to anyone (no user: the token is the only key)."""

    token: str


#: the social messages that only read (the bus gives them a read-only unit of work)
SOCIAL_QUERIES: frozenset[type[msgspec.Struct]] = frozenset(
    {ListFriends, ListInviteLinks, GetFriendsBoard, ListShares, ViewShare}
)

Handler = Callable[[Any, GamificationUnitOfWork], Awaitable[Any]]


def social_handlers(
    clock: Clock, ids: IdFactory, rules: GameRules = DEFAULT_RULES
) -> dict[type[msgspec.Struct], Handler]:
    """Every social command and query mapped to its use case, ready for the message bus."""

    async def friends(q: ListFriends, uow: GamificationUnitOfWork) -> FriendsView:
        return await list_friends(q.user, uow)

    async def invite(cmd: InviteByEmail, uow: GamificationUnitOfWork) -> None:
        await invite_by_email(cmd.user, cmd.email, uow, clock)

    async def new_link(cmd: CreateInviteLink, uow: GamificationUnitOfWork) -> IssuedLink:
        return await create_invite_link(cmd.user, uow, clock, ids)

    async def links(q: ListInviteLinks, uow: GamificationUnitOfWork) -> list[FriendLink]:
        return await list_invite_links(q.user, uow)

    async def revoke_link(cmd: RevokeInviteLink, uow: GamificationUnitOfWork) -> None:
        await revoke_invite_link(cmd.user, cmd.link_id, uow)

    async def accept_link(cmd: AcceptInviteLink, uow: GamificationUnitOfWork) -> UserId:
        return await accept_invite_link(cmd.user, cmd.token, uow, clock)

    async def accept(cmd: AcceptFriend, uow: GamificationUnitOfWork) -> None:
        await accept_friend(cmd.user, cmd.other, uow, clock)

    async def remove(cmd: RemoveFriend, uow: GamificationUnitOfWork) -> None:
        await remove_friend(cmd.user, cmd.other, uow)

    async def block(cmd: BlockPlayer, uow: GamificationUnitOfWork) -> None:
        await block_player(cmd.user, cmd.other, uow, clock)

    async def unblock(cmd: UnblockPlayer, uow: GamificationUnitOfWork) -> None:
        await unblock_player(cmd.user, cmd.other, uow)

    async def board(q: GetFriendsBoard, uow: GamificationUnitOfWork) -> BoardPage:
        return await get_friends_board(q.user, q.board, uow, clock, period=q.period)

    async def share(cmd: ShareAchievement, uow: GamificationUnitOfWork) -> IssuedShare:
        return await share_achievement(cmd.user, cmd.key, cmd.choice, uow, clock, ids, rules)

    async def shares(q: ListShares, uow: GamificationUnitOfWork) -> list[ShareLink]:
        return await list_shares(q.user, uow)

    async def revoke(cmd: RevokeShare, uow: GamificationUnitOfWork) -> None:
        await revoke_share(cmd.user, cmd.link_id, uow)

    async def view(q: ViewShare, uow: GamificationUnitOfWork) -> SharedAchievement:
        return await view_share(q.token, uow, rules)

    return {
        ListFriends: friends,
        InviteByEmail: invite,
        CreateInviteLink: new_link,
        ListInviteLinks: links,
        RevokeInviteLink: revoke_link,
        AcceptInviteLink: accept_link,
        AcceptFriend: accept,
        RemoveFriend: remove,
        BlockPlayer: block,
        UnblockPlayer: unblock,
        GetFriendsBoard: board,
        ShareAchievement: share,
        ListShares: shares,
        RevokeShare: revoke,
        ViewShare: view,
    }
