"""``/devices``: the caller's push endpoints (register, list, delete)."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Response, delete, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from apps.http.dependencies import ClockDep, CurrentUser, IdsDep, NotificationUowDep
from apps.http.permissions import requires
from apps.notification.controllers import NOTIFICATIONS_PATH
from apps.notification.schemas import DeviceIn, DeviceOut, platform_of
from questlog_core.identity.rbac import Permission
from questlog_core.ids import UserId
from questlog_core.notifications import use_cases as uc


class DeviceController(Controller):
    path = f"{NOTIFICATIONS_PATH}/devices"
    tags = ["notifications"]

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
        notification_uow: NotificationUowDep,
        clock: ClockDep,
        ids: IdsDep,
        data: JSONBody[DeviceIn],
    ) -> Response[DeviceOut]:
        """Register a push endpoint: 201; 200 with the same device when its token was
        registered before (it is active again)."""
        device, created = await uc.register_device(
            uc.RegisterDevice(
                user=UserId(user.user_id),
                platform=platform_of(data),
                token=data.token,
                label=data.label,
            ),
            notification_uow,
            clock,
            ids,
        )
        return Response(
            DeviceOut.from_domain(device), status_code=HTTP_201_CREATED if created else HTTP_200_OK
        )

    @get("/", **requires(Permission.NOTIFICATIONS_READ))
    async def list_devices(
        self, user: CurrentUser, notification_uow: NotificationUowDep
    ) -> list[DeviceOut]:
        """The caller's devices, oldest first (tokens are never shown back)."""
        devices = await uc.devices_of(UserId(user.user_id), notification_uow)
        return [DeviceOut.from_domain(d) for d in devices]

    @delete(
        "/{device_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.NOTIFICATIONS_WRITE),
    )
    async def remove(
        self, user: CurrentUser, notification_uow: NotificationUowDep, device_id: FromPath[UUID]
    ) -> None:
        """Forget a device (another user's device is a 404)."""
        await uc.remove_device(UserId(user.user_id), device_id, notification_uow)
