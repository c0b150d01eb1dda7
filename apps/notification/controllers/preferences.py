"""``GET``/``PUT /preferences``: what the caller hears about, where, and when not."""

from __future__ import annotations

from litestar import Controller, get, put
from litestar.params import JSONBody

from apps.http.dependencies import CurrentUser, NotificationUowDep
from apps.http.permissions import requires
from apps.notification.controllers import NOTIFICATIONS_PATH
from apps.notification.schemas import PreferencesIO
from questlog_core.identity.rbac import Permission
from questlog_core.ids import UserId
from questlog_core.notifications import use_cases as uc


class PreferencesController(Controller):
    path = f"{NOTIFICATIONS_PATH}/preferences"
    tags = ["notifications"]

    @get("/", **requires(Permission.NOTIFICATIONS_READ))
    async def read_preferences(
        self, user: CurrentUser, notification_uow: NotificationUowDep
    ) -> PreferencesIO:
        """The caller's preferences (the defaults until they change them)."""
        prefs = await uc.preferences_of(UserId(user.user_id), notification_uow)
        return PreferencesIO.from_domain(prefs)

    @put("/", **requires(Permission.NOTIFICATIONS_WRITE))
    async def replace_preferences(
        self, user: CurrentUser, notification_uow: NotificationUowDep, data: JSONBody[PreferencesIO]
    ) -> PreferencesIO:
        """Replace the caller's preferences: channels per kind, quiet hours (in the caller's
        time zone), global opt-out of email and push, reminder offsets."""
        prefs = await uc.set_preferences(UserId(user.user_id), data.to_domain(), notification_uow)
        return PreferencesIO.from_domain(prefs)
