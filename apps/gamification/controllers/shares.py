"""``/api/v1/gamification/share``: public links to one unlocked achievement each.

Creating, listing and revoking are the caller's own links; opening one
(``GET /share/{token}``) needs no sign-in and shows only what its player chose, never an
email or a user id."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, delete, get, post
from litestar.params import FromPath, JSONBody, Parameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from apps.gamification.controllers import GAMIFICATION_PATH
from apps.gamification.controllers._bus import GAME_BUS, GameBus
from apps.gamification.social_schemas import SharedAchievementOut, ShareIn, ShareLinkOut
from apps.http.dependencies import CurrentUser
from apps.http.permissions import public, requires
from questlog_core.gamification.use_cases import social_messages as social
from questlog_core.gamification.use_cases.shares import ShareChoice
from questlog_core.identity.rbac import Permission
from questlog_core.kernel.ids import UserId

SHARE_PATH = f"{GAMIFICATION_PATH}/share"


class ShareController(Controller):
    dependencies = GAME_BUS
    path = SHARE_PATH
    tags = ["gamification"]

    @post(
        "/achievements/{key:str}",
        status_code=HTTP_201_CREATED,
        **requires(Permission.GAMIFICATION_WRITE),
    )
    async def share(
        self,
        request: Request[Any, Any, Any],
        user: CurrentUser,
        bus: GameBus,
        key: Annotated[str, Parameter(max_length=64, description="an achievement key")],
        data: JSONBody[ShareIn],
    ) -> ShareLinkOut:
        """A public link to one of the caller's unlocked achievements (404 for an unknown
        key, 422 for one not unlocked). Its token and URL are shown only here."""
        choice = ShareChoice(
            display_name=data.display_name, level=data.level, unlocked_at=data.unlocked_at
        )
        issued = await bus.handle(
            social.ShareAchievement(user=UserId(user.user_id), key=key, choice=choice)
        )
        base = request.app.state.settings.public_url.rstrip("/")
        # The web client's page for it (``/share/{token}``), which people can open; the JSON
        # is at ``SHARE_PATH/{token}``.
        url = f"{base}/share/{issued.token}"
        return ShareLinkOut.from_domain(issued.link, issued.token, url)

    @get("/links", **requires(Permission.GAMIFICATION_READ))
    async def list_links(self, user: CurrentUser, bus: GameBus) -> list[ShareLinkOut]:
        """The caller's share links, revoked ones included (without their tokens)."""
        links = await bus.handle(social.ListShares(user=UserId(user.user_id)))
        return [ShareLinkOut.from_domain(k) for k in links]

    @delete(
        "/links/{link_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.GAMIFICATION_WRITE),
    )
    async def revoke(self, user: CurrentUser, bus: GameBus, link_id: FromPath[UUID]) -> None:
        """Make one of the caller's share links show nothing from now on."""
        await bus.handle(social.RevokeShare(user=UserId(user.user_id), link_id=link_id))

    @get("/{token:str}", **public())
    async def view(
        self,
        bus: GameBus,
        token: Annotated[str, Parameter(max_length=200, description="the link's token")],
    ) -> SharedAchievementOut:
        """What a share link shows, to anyone: the achievement, and the player's display
        name, level and unlock time only if they chose to show them. An unknown or revoked
        link is a 404."""
        return SharedAchievementOut.from_domain(await bus.handle(social.ViewShare(token=token)))
