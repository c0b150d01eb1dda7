"""``/devices``: the caller's push endpoints (register, list, delete)."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Response, delete, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from apps.http.dependencies import CurrentUser
from apps.http.permissions import requires
from apps.notification.controllers import NOTIFICATIONS_PATH
from apps.notification.dependencies import DEPENDENCIES, NotificationBus
from apps.notification.schemas import DeviceIn, DeviceOut, platform_of
from questlog_core.identity.rbac import Permission
from questlog_core.ids import UserId
from questlog_core.notifications.messages import ListDevices, RegisterDevice, RemoveDevice


class DeviceController(Controller):
    path = f"{NOTIFICATIONS_PATH}/devices"
    tags = ["notifications"]
    dependencies = DEPENDENCIES

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        responses={
            HTTP_200_OK: ResponseSpec(DeviceOut, description="The token was registered before.")
        },
        **requires(Permission.NOTIFICATIONS_WRITE),
    )
    async def register(
        self,
        user: CurrentUser,
        bus: NotificationBus,
        data: JSONBody[DeviceIn],
    ) -> Response[DeviceOut]:
        """Register a push endpoint: 201; 200 with the same device when its token was
        registered before (it is active again)."""
        cmd = RegisterDevice(
            user=UserId(user.user_id),
            platform=platform_of(data),
            token=data.token,
            label=data.label,
        )
        device, created = await bus.handle(cmd)
        return Response(
            DeviceOut.from_domain(device), status_code=HTTP_201_CREATED if created else HTTP_200_OK
        )

    @get("/", **requires(Permission.NOTIFICATIONS_READ))
    async def list_devices(self, user: CurrentUser, bus: NotificationBus) -> list[DeviceOut]:
        """The caller's devices, oldest first (tokens are never shown back)."""
        devices = await bus.handle(ListDevices(user=UserId(user.user_id)))
        return [DeviceOut.from_domain(d) for d in devices]

    @delete(
        "/{device_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.NOTIFICATIONS_WRITE),
    )
    async def remove(
        self, user: CurrentUser, bus: NotificationBus, device_id: FromPath[UUID]
    ) -> None:
        """Forget a device (another user's device is a 404)."""
        await bus.handle(RemoveDevice(user=UserId(user.user_id), device_id=device_id))
