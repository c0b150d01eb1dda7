"""``/api/v1/gamification/friends``: invitations by email and by link, accepting, removing,
blocking. Every route acts on the caller's side of a pair; another player's relations are
never readable or changeable (an id the caller has no relation with is a 404)."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, delete, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from apps.gamification.controllers import GAMIFICATION_PATH
from apps.gamification.controllers._bus import GAME_BUS, GameBus
from apps.gamification.social_schemas import (
    AcceptLinkIn,
    EmailInviteIn,
    FriendsOut,
    InvitedOut,
    InviteLinkOut,
    NewFriendOut,
)
from apps.http.dependencies import CurrentUser
from apps.http.permissions import requires
from questlog_core.gamification.use_cases import social_messages as social
from questlog_core.identity.rbac import Permission
from questlog_core.kernel.ids import UserId


class FriendsController(Controller):
    dependencies = GAME_BUS
    path = f"{GAMIFICATION_PATH}/friends"
    tags = ["gamification"]

    @get("/", **requires(Permission.GAMIFICATION_READ))
    async def list_friends(self, user: CurrentUser, bus: GameBus) -> FriendsOut:
        """The caller's friends, requests both ways, and the players they blocked."""
        return FriendsOut.from_domain(
            await bus.handle(social.ListFriends(user=UserId(user.user_id)))
        )

    @post(
        "/invitations",
        status_code=HTTP_202_ACCEPTED,
        **requires(Permission.GAMIFICATION_WRITE),
    )
    async def invite_by_email(
        self,
        user: CurrentUser,
        bus: GameBus,
        data: JSONBody[EmailInviteIn],
    ) -> InvitedOut:
        """Invite the player with this address, or whoever registers with it later. 202 and
        the same body whether the address plays or not; a player who blocked the caller never
        sees the invitation."""
        await bus.handle(social.InviteByEmail(user=UserId(user.user_id), email=data.email))
        return InvitedOut()

    @post("/links", status_code=HTTP_201_CREATED, **requires(Permission.GAMIFICATION_WRITE))
    async def create_link(
        self,
        user: CurrentUser,
        bus: GameBus,
    ) -> InviteLinkOut:
        """A single-use invitation link valid for 7 days; its token is shown only here (the
        invitee sends it to ``POST /friends/links/accept``)."""
        issued = await bus.handle(social.CreateInviteLink(user=UserId(user.user_id)))
        return InviteLinkOut.from_domain(issued.link, issued.token)

    @get("/links", **requires(Permission.GAMIFICATION_READ))
    async def list_links(self, user: CurrentUser, bus: GameBus) -> list[InviteLinkOut]:
        """The caller's invitation links (without their tokens)."""
        links = await bus.handle(social.ListInviteLinks(user=UserId(user.user_id)))
        return [InviteLinkOut.from_domain(k) for k in links]

    @delete(
        "/links/{link_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.GAMIFICATION_WRITE),
    )
    async def revoke_link(self, user: CurrentUser, bus: GameBus, link_id: FromPath[UUID]) -> None:
        """Make one of the caller's links unusable."""
        await bus.handle(social.RevokeInviteLink(user=UserId(user.user_id), link_id=link_id))

    @post(
        "/links/accept",
        status_code=200,
        names_resources=True,
        **requires(Permission.GAMIFICATION_WRITE),
    )
    async def accept_link(
        self, user: CurrentUser, bus: GameBus, data: JSONBody[AcceptLinkIn]
    ) -> NewFriendOut:
        """Become friends with the link's inviter (the link is used up). An unknown, used,
        revoked or expired link is a 404."""
        inviter = await bus.handle(
            social.AcceptInviteLink(user=UserId(user.user_id), token=data.token)
        )
        return NewFriendOut(user_id=inviter)

    @post(
        "/{user_id:uuid}/accept",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.GAMIFICATION_WRITE),
    )
    async def accept(self, user: CurrentUser, bus: GameBus, user_id: FromPath[UUID]) -> None:
        """Accept that player's request to the caller (404 if there is none)."""
        await bus.handle(social.AcceptFriend(user=UserId(user.user_id), other=UserId(user_id)))

    @delete(
        "/{user_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.GAMIFICATION_WRITE),
    )
    async def remove(self, user: CurrentUser, bus: GameBus, user_id: FromPath[UUID]) -> None:
        """End the friendship with that player, or decline or withdraw a request (404 if the
        caller has none with them)."""
        await bus.handle(social.RemoveFriend(user=UserId(user.user_id), other=UserId(user_id)))

    @post(
        "/{user_id:uuid}/block",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.GAMIFICATION_WRITE),
    )
    async def block(self, user: CurrentUser, bus: GameBus, user_id: FromPath[UUID]) -> None:
        """Block that player: any friendship or request ends, and their invitations come to
        nothing until unblocked."""
        await bus.handle(social.BlockPlayer(user=UserId(user.user_id), other=UserId(user_id)))

    @delete(
        "/{user_id:uuid}/block",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.GAMIFICATION_WRITE),
    )
    async def unblock(self, user: CurrentUser, bus: GameBus, user_id: FromPath[UUID]) -> None:
        """Lift the caller's block (404 if they had not blocked that player)."""
        await bus.handle(social.UnblockPlayer(user=UserId(user.user_id), other=UserId(user_id)))
