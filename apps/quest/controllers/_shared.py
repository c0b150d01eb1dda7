"""What the quest controllers share: the quest bus, the quests path, the caller's owner id and
time zone, ETag responses, 201 responses, patch field sets and upload size limits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import msgspec
from litestar import Request, Response
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import HeaderParameter, SkipValidation
from litestar.status_codes import HTTP_201_CREATED

from apps.http.dependencies import container_of
from apps.http.etags import etag
from apps.quest.schemas import QuestOut
from questlog_core.errors import FileTooLarge, ValidationFailed
from questlog_core.identity.tokens import Principal
from questlog_core.identity.users import validate_timezone
from questlog_core.ids import UserId
from questlog_core.kernel.bus import MessageBus
from questlog_core.ports.platform import FileStorage
from questlog_core.quests.bootstrap import bootstrap
from questlog_core.quests.model import Quest
from questlog_core.quests.ports import QuestUnitOfWork
from questlog_core.services import attachments as files
from questlog_core.services import quests as svc

QUESTS_PATH = "/api/v1/quests"
TIMEZONE_HEADER = "X-Timezone"
T = TypeVar("T")

#: the caller's IANA time zone (``Europe/Berlin``); absent or unknown means UTC
TimezoneHeader = Annotated[
    str | None,
    HeaderParameter(
        name=TIMEZONE_HEADER,
        required=False,
        max_length=64,
        description="the caller's IANA time zone; absent or unknown: UTC",
        schema_extra={"one_of": None, "type": "string"},
    ),
]


def _owner(user: Principal) -> UserId:
    return UserId(user.user_id)


def _with_etag(quest: Quest, status_code: int = 200) -> Response[QuestOut]:
    return Response(
        QuestOut.from_domain(quest), status_code=status_code, headers={"ETag": etag(quest.version)}
    )


def owner_timezone(header: str | None) -> str:
    """The caller's IANA time zone from ``X-Timezone``; ``UTC`` when absent or not a known zone
    (a wrong header must not make a completion fail)."""
    if header is None:
        return "UTC"
    try:
        return validate_timezone(header.strip())
    except ValidationFailed:
        return "UTC"


def _created(content: T, location: str) -> Response[T]:
    """201 with ``Location`` pointing at what was made."""
    return Response(content, status_code=HTTP_201_CREATED, headers={"Location": location})


def _patched(data: msgspec.Struct, convert: Callable[[str, Any], Any]) -> dict[str, Any]:
    """The fields a patch sets (``UNSET`` ones left out), each through ``convert(name, value)``
    to the use case's types."""
    changes: dict[str, Any] = {}
    for name in data.__struct_fields__:
        value = getattr(data, name)
        if value is not svc.UNSET:
            changes[name] = convert(name, value)
    return changes


def _refuse_declared_oversize(request: Request[Any, Any, Any], limit: int) -> None:
    """413 from ``Content-Length`` alone, before reading the bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise FileTooLarge(int(declared), limit)


def _max_bytes(storage: FileStorage) -> int:
    limit = getattr(storage, "max_bytes", files.DEFAULT_MAX_ATTACHMENT_BYTES)
    return int(limit)


def provide_quest_bus(state: State) -> MessageBus[QuestUnitOfWork]:
    """The quest context's message bus, bootstrapped once per app from the container's
    ports: commands get a writing unit of work (which invalidates the cached quest reads on
    commit), queries a read-only one."""
    bus: MessageBus[QuestUnitOfWork] | None = getattr(state, "quest_bus", None)
    if bus is None:
        container = container_of(state)
        storage: FileStorage = container.file_storage()
        bus = bootstrap(
            unit_of_work=container.quest_uow,
            reader=container.quest_reader_uow,
            clock=container.clock(),
            ids=container.ids(),
            storage=storage,
            max_attachment_bytes=_max_bytes(storage),
        )
        state.quest_bus = bus
    return bus


#: the quest bus, as a handler parameter (``bus: QuestBus``)
QuestBus = NamedDependency[SkipValidation[MessageBus[QuestUnitOfWork]]]
#: the quest controllers' dependencies: ``bus``
QUEST_BUS: dict[str, Provide] = {"bus": Provide(provide_quest_bus, sync_to_thread=False)}
