"""``/api/v1/gamification/friends``: invitations by email and by link, accepting, removing,
blocking. Every route acts on the caller's side of a pair; another player's relations are
never readable or changeable (an id the caller has no relation with is a 404)."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, delete, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from apps.gamification.controllers import GAMIFICATION_PATH
from apps.gamification.social_schemas import (
    AcceptLinkIn,
    EmailInviteIn,
    FriendsOut,
    InvitedOut,
    InviteLinkOut,
    NewFriendOut,
)
from apps.http.dependencies import ClockDep, CurrentUser, GameUowDep, IdsDep
from apps.http.permissions import requires
from questlog_core.identity.rbac import Permission
from questlog_core.ids import UserId
from questlog_core.services import gamification as game


class FriendsController(Controller):
    path = f"{GAMIFICATION_PATH}/friends"
    tags = ["gamification"]

    @get("/", **requires(Permission.GAMIFICATION_READ))
    async def list_friends(self, user: CurrentUser, game_uow: GameUowDep) -> FriendsOut:
        """The caller's friends, requests both ways, and the players they blocked."""
        return FriendsOut.from_domain(await game.list_friends(UserId(user.user_id), game_uow))

    @post(
        "/invitations",
        status_code=HTTP_202_ACCEPTED,
        **requires(Permission.GAMIFICATION_WRITE),
    )
    async def invite_by_email(
        self,
        user: CurrentUser,
        game_uow: GameUowDep,
        clock: ClockDep,
        data: JSONBody[EmailInviteIn],
    ) -> InvitedOut:
        """Invite the player with this address, or whoever registers with it later. 202 and
        the same body whether the address plays or not; a player who blocked the caller never
        sees the invitation."""
        await game.invite_by_email(UserId(user.user_id), data.email, game_uow, clock)
        return InvitedOut()

    @post("/links", status_code=HTTP_201_CREATED, **requires(Permission.GAMIFICATION_WRITE))
    async def create_link(
        self,
        user: CurrentUser,
        game_uow: GameUowDep,
        clock: ClockDep,
        ids: IdsDep,
    ) -> InviteLinkOut:
        """A single-use invitation link valid for 7 days; its token is shown only here (the
        invitee sends it to ``POST /friends/links/accept``)."""
        issued = await game.create_invite_link(UserId(user.user_id), game_uow, clock, ids)
        return InviteLinkOut.from_domain(issued.link, issued.token)

    @get("/links", **requires(Permission.GAMIFICATION_READ))
    async def list_links(self, user: CurrentUser, game_uow: GameUowDep) -> list[InviteLinkOut]:
        """The caller's invitation links (without their tokens)."""
        links = await game.list_invite_links(UserId(user.user_id), game_uow)
        return [InviteLinkOut.from_domain(k) for k in links]

    @delete(
        "/links/{link_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.GAMIFICATION_WRITE),
    )
    async def revoke_link(
        self, user: CurrentUser, game_uow: GameUowDep, link_id: FromPath[UUID]
    ) -> None:
        """Make one of the caller's links unusable."""
        await game.revoke_invite_link(UserId(user.user_id), link_id, game_uow)

    @post(
        "/links/accept",
        status_code=200,
        names_resources=True,
        **requires(Permission.GAMIFICATION_WRITE),
    )
    async def accept_link(
        self, user: CurrentUser, game_uow: GameUowDep, clock: ClockDep, data: JSONBody[AcceptLinkIn]
    ) -> NewFriendOut:
        """Become friends with the link's inviter (the link is used up). An unknown, used,
        revoked or expired link is a 404."""
        inviter = await game.accept_invite_link(UserId(user.user_id), data.token, game_uow, clock)
        return NewFriendOut(user_id=inviter)

    @post(
        "/{user_id:uuid}/accept",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.GAMIFICATION_WRITE),
    )
    async def accept(
        self, user: CurrentUser, game_uow: GameUowDep, clock: ClockDep, user_id: FromPath[UUID]
    ) -> None:
        """Accept that player's request to the caller (404 if there is none)."""
        await game.accept_friend(UserId(user.user_id), UserId(user_id), game_uow, clock)

    @delete(
        "/{user_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.GAMIFICATION_WRITE),
    )
    async def remove(
        self, user: CurrentUser, game_uow: GameUowDep, user_id: FromPath[UUID]
    ) -> None:
        """End the friendship with that player, or decline or withdraw a request (404 if the
        caller has none with them)."""
        await game.remove_friend(UserId(user.user_id), UserId(user_id), game_uow)

    @post(
        "/{user_id:uuid}/block",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.GAMIFICATION_WRITE),
    )
    async def block(
        self, user: CurrentUser, game_uow: GameUowDep, clock: ClockDep, user_id: FromPath[UUID]
    ) -> None:
        """Block that player: any friendship or request ends, and their invitations come to
        nothing until unblocked."""
        await game.block_player(UserId(user.user_id), UserId(user_id), game_uow, clock)

    @delete(
        "/{user_id:uuid}/block",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.GAMIFICATION_WRITE),
    )
    async def unblock(
        self, user: CurrentUser, game_uow: GameUowDep, user_id: FromPath[UUID]
    ) -> None:
        """Lift the caller's block (404 if they had not blocked that player)."""
        await game.unblock_player(UserId(user.user_id), UserId(user_id), game_uow)
