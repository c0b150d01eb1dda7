"""``GET``/``PUT /preferences``: what the caller hears about, where, and when not."""

from __future__ import annotations

from litestar import Controller, get, put
from litestar.params import JSONBody

from apps.http.dependencies import CurrentUser
from apps.http.permissions import requires
from apps.notification.controllers import NOTIFICATIONS_PATH
from apps.notification.dependencies import DEPENDENCIES, NotificationBus
from apps.notification.schemas import PreferencesIO
from questlog_core.identity.rbac import Permission
from questlog_core.ids import UserId
from questlog_core.notifications.messages import GetPreferences, SetPreferences


class PreferencesController(Controller):
    path = f"{NOTIFICATIONS_PATH}/preferences"
    tags = ["notifications"]
    dependencies = DEPENDENCIES

    @get("/", **requires(Permission.NOTIFICATIONS_READ))
    async def read_preferences(self, user: CurrentUser, bus: NotificationBus) -> PreferencesIO:
        """The caller's preferences (the defaults until they change them)."""
        prefs = await bus.handle(GetPreferences(user=UserId(user.user_id)))
        return PreferencesIO.from_domain(prefs)

    @put("/", **requires(Permission.NOTIFICATIONS_WRITE))
    async def replace_preferences(
        self, user: CurrentUser, bus: NotificationBus, data: JSONBody[PreferencesIO]
    ) -> PreferencesIO:
        """Replace the caller's preferences: channels per kind, quiet hours (in the caller's
        time zone), global opt-out of email and push, reminder offsets."""
        cmd = SetPreferences(user=UserId(user.user_id), preferences=data.to_domain())
        prefs = await bus.handle(cmd)
        return PreferencesIO.from_domain(prefs)
