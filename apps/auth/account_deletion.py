"""``DELETE /api/v1/auth/account``: the caller deletes their own account."""

from __future__ import annotations

from litestar import Controller, delete
from litestar.params import JSONBody
from litestar.status_codes import HTTP_202_ACCEPTED

from apps.auth.bus import CALLER_IDENTITY_BUS, IdentityBus
from apps.auth.schemas import AccountDeletionOut, DeleteAccountIn
from apps.http.dependencies import CurrentUser
from apps.http.permissions import requires
from questlog_core.identity.rbac import Permission
from questlog_core.identity.use_cases.messages import DeleteAccount
from questlog_core.kernel.ids import UserId


class AccountDeletionController(Controller):
    path = "/api/v1/auth/account"
    tags = ["auth"]
    dependencies = CALLER_IDENTITY_BUS

    @delete(
        "/",
        status_code=HTTP_202_ACCEPTED,
        rate_limited=True,
        **requires(Permission.PROFILE_WRITE),
    )
    async def delete_account(
        self, data: JSONBody[DeleteAccountIn], user: CurrentUser, bus: IdentityBus
    ) -> AccountDeletionOut:
        """Delete the caller's account, with the password asked again (an API token cannot).

        The account is locked at once: every session and token ends and it cannot sign in.
        Every service then deletes its data of the account (quests, XP, achievements, AI
        usage, sessions, the account itself) as it hears the ``AccountDeleted`` event;
        ``docs/moving.md`` says what is kept where and for how long.
        """
        user_id: UserId = await bus.handle(DeleteAccount(principal=user, password=data.password))
        return AccountDeletionOut(
            user_id=user_id,
            status="deleting",
            detail="the account is locked; every service deletes its data of it shortly",
        )
