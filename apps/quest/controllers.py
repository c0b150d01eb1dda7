"""Quest service endpoints: thin controllers over the quest and attachment use cases.

Each handler parses (msgspec bodies, typed path/query parameters), calls one use case with the
caller's id as owner, and maps the result to a response Struct. Domain errors become problem
details in the shared exception handler (:mod:`apps.http.problems`); nothing here builds an
error response. Owner scoping is the repositories': another user's id is simply not found.
Each route declares the permission it needs (reads ``quests:read``, writes ``quests:write``,
signed file URLs public); the app-level guard of :mod:`apps.http.permissions` checks it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Protocol, TypeVar, runtime_checkable
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.exceptions import HTTPException
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from apps.http.dependencies import (
    READ_AHEAD,
    ClockDep,
    CurrentUser,
    FileStorageDep,
    IdsDep,
    QuestReadsDep,
    QuestUowDep,
    quest_read_ahead,
)
from apps.http.etags import IfMatch, etag, expected_version
from apps.http.permissions import public, requires
from apps.http.text import SPACE
from apps.quest.schemas import (
    AttachmentDownloadOut,
    AttachmentOut,
    BulkQuestsIn,
    BulkQuestsOut,
    CategoryIn,
    CategoryOut,
    CategoryPatch,
    ChecklistTickIn,
    CompletionOut,
    DependenciesOut,
    DependencyIn,
    InstantiateIn,
    InstantiationOut,
    PlanOut,
    ProgressIn,
    QuestIn,
    QuestOut,
    QuestPageOut,
    QuestPatch,
    TemplateIn,
    TemplateOut,
    TemplatePatch,
    UploadGrantOut,
    UploadUrlIn,
)
from questlog_core.errors import FileTooLarge, NotFound, ValidationFailed
from questlog_core.identity.rbac import Permission
from questlog_core.identity.tokens import Principal
from questlog_core.identity.users import validate_timezone
from questlog_core.ids import AttachmentId, CategoryId, QuestId, TemplateId, UserId
from questlog_core.ports.platform import FileStorage
from questlog_core.ports.quests import DEFAULT_PAGE_SIZE, TEXT_QUERY_MAX_LENGTH, QuestSort
from questlog_core.quests.model import Quest, QuestStatus
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


_STATUS = "(?:" + "|".join(s.value for s in QuestStatus) + ")"
#: one ``status`` value: statuses separated by commas (spaces and empty items ignored)
_STATUS_LIST = {
    "type": "string",
    "pattern": f"^{SPACE}*(?:{_STATUS}{SPACE}*)?(?:,{SPACE}*(?:{_STATUS}{SPACE}*)?)*$",
}


def _TEXT_QUERY(description: str) -> Any:
    """An optional text filter (absent, never null)."""
    return QueryParameter(
        max_length=TEXT_QUERY_MAX_LENGTH,
        description=description,
        schema_extra={"one_of": None, "type": "string"},
    )


def _unparseable(name: str, reason: str) -> HTTPException:
    """A 400 naming a query parameter that cannot be read as its type."""
    return HTTPException(status_code=400, detail=f"{name}: {reason}", extra={"field": name})


def _MOMENT(description: str) -> Any:
    """A date-time query parameter: RFC 3339 with its offset (``2026-03-01T09:00:00+01:00``)."""
    return QueryParameter(
        description=f"{description}; RFC 3339 with an offset",
        max_length=64,
        schema_extra={"format": "date-time", "one_of": None, "type": "string"},
    )


def _moment(name: str, value: str | None) -> datetime | None:
    """Parse a date-time query parameter; 400 naming it when it is not RFC 3339.

    Litestar's own ``datetime`` parameters also accept numbers as Unix times, which the
    document (``format: date-time``) does not promise, so these are read as text.
    """
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise _unparseable(name, "must be an RFC 3339 date-time") from None


def _flag(name: str, value: str | None) -> bool | None:
    """A boolean query parameter: ``true`` or ``false`` (400 otherwise; Litestar's own reads
    ``null`` as absent and ``1``/``yes`` as true, which the document does not promise)."""
    if value is None:
        return None
    if value not in {"true", "false"}:
        raise _unparseable(name, "must be true or false")
    return value == "true"


def _quest_id(name: str, value: str | None) -> QuestId | None:
    """A quest id query parameter; 400 naming it when it is not a UUID (Litestar's own UUID
    parameters read ``null`` as absent, which the document does not promise)."""
    if value is None:
        return None
    try:
        return QuestId(UUID(value))
    except ValueError:
        raise _unparseable(name, "must be a UUID") from None


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


def _create_command(owner: UserId, data: JSONBody[QuestIn]) -> svc.CreateQuest:
    return svc.CreateQuest(
        owner=owner,
        title=data.title,
        notes=data.notes,
        category=data.category,
        tags=tuple(data.tags),
        difficulty=data.difficulty,
        priority=data.priority,
        due=data.due,
        estimate_minutes=data.estimate_minutes,
        recurrence=None if data.recurrence is None else data.recurrence.to_domain(),
        parent_id=None if data.parent_id is None else QuestId(data.parent_id),
        checklist=tuple(data.checklist),
    )


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


def _quest_value(name: str, value: Any) -> Any:
    if name in {"tags", "checklist"}:
        return tuple(value)
    if name == "recurrence" and value is not None:
        return value.to_domain()
    if name == "parent_id" and value is not None:
        return QuestId(value)
    return value


def _template_value(name: str, value: Any) -> Any:
    if name == "steps":
        return tuple(s.to_domain() for s in value)
    if name in {"tags", "checklist"}:
        return tuple(value)
    return value


def _refuse_declared_oversize(request: Request[Any, Any, Any], limit: int) -> None:
    """413 from ``Content-Length`` alone, before reading the bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise FileTooLarge(int(declared), limit)


class QuestController(Controller):
    """Quests: create (one or many), list, read, edit and delete."""

    path = QUESTS_PATH
    tags = ["quests"]

    @post("/", status_code=HTTP_201_CREATED, **requires(Permission.QUESTS_WRITE))
    async def create_quest(
        self,
        data: JSONBody[QuestIn],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
    ) -> Response[QuestOut]:
        """Create a quest. Answers 201 with ``Location`` and ``ETag``."""
        quest = await svc.create_quest(_create_command(_owner(user), data), uow, clock, ids)
        response = _with_etag(quest, HTTP_201_CREATED)
        response.headers["Location"] = f"{QUESTS_PATH}/{quest.id}"
        return response

    @post("/bulk", status_code=HTTP_201_CREATED, **requires(Permission.QUESTS_WRITE))
    async def create_quests(
        self,
        data: JSONBody[BulkQuestsIn],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
    ) -> BulkQuestsOut:
        """Create up to 100 quests at once: all of them, or none (422 names the item)."""
        owner = _owner(user)
        command = svc.CreateQuests(
            owner=owner, quests=tuple(_create_command(owner, item) for item in data.quests)
        )
        created = await svc.create_quests(command, uow, clock, ids)
        return BulkQuestsOut(items=[QuestOut.from_domain(q) for q in created])

    @get("/", **requires(Permission.QUESTS_READ))
    async def list_quests(
        self,
        user: CurrentUser,
        uow: QuestUowDep,
        status: Annotated[
            list[str] | None,
            QueryParameter(
                description="todo, active, done, abandoned, archived; repeat or comma-separate. "
                "Default: every status but archived.",
                schema_extra={"one_of": None, "type": "array", "items": _STATUS_LIST},
            ),
        ] = None,
        category: Annotated[str | None, _TEXT_QUERY("category name")] = None,
        tag: Annotated[str | None, _TEXT_QUERY("a tag")] = None,
        due_after: Annotated[str | None, _MOMENT("inclusive")] = None,
        due_before: Annotated[str | None, _MOMENT("exclusive")] = None,
        blocked: Annotated[
            str | None,
            QueryParameter(
                description="true: only blocked quests; false: only unblocked",
                schema_extra={"one_of": None, "type": "boolean"},
            ),
        ] = None,
        text: Annotated[str | None, _TEXT_QUERY("in title or notes")] = None,
        parent_id: Annotated[
            str | None,
            QueryParameter(
                max_length=36, schema_extra={"one_of": None, "type": "string", "format": "uuid"}
            ),
        ] = None,
        sort: Annotated[
            str,
            QueryParameter(
                description="created, updated, due or priority",
                schema_extra={"enum": [s.value for s in QuestSort]},
            ),
        ] = "created",
        descending: FromQuery[bool] = False,
        cursor: Annotated[
            str | None,
            QueryParameter(
                max_length=500,
                description="next_cursor of the previous page",
                schema_extra={"one_of": None, "type": "string"},
            ),
        ] = None,
        limit: Annotated[
            int, QueryParameter(description="page size, clamped to 1..200")
        ] = DEFAULT_PAGE_SIZE,
    ) -> QuestPageOut:
        """A page of the caller's quests, filtered and sorted (cursor pagination)."""
        statuses = tuple(s.strip() for value in status or () for s in value.split(",") if s.strip())
        page = await svc.list_quests(
            svc.ListQuests(
                owner=_owner(user),
                status=statuses,
                category=category,
                tag=tag,
                due_after=_moment("due_after", due_after),
                due_before=_moment("due_before", due_before),
                blocked=_flag("blocked", blocked),
                text=text,
                parent_id=_quest_id("parent_id", parent_id),
                sort=sort,
                descending=descending,
                cursor=cursor,
                limit=limit,
            ),
            uow,
        )
        return QuestPageOut(
            items=[QuestOut.from_domain(q) for q in page.items], next_cursor=page.next_cursor
        )

    @get("/plan", **requires(Permission.QUESTS_READ))
    async def plan(self, user: CurrentUser, uow: QuestUowDep) -> PlanOut:
        """Every open quest in an order that respects the dependencies, with the critical path."""
        return PlanOut.from_domain(await svc.plan_quests(svc.PlanQuests(owner=_owner(user)), uow))

    @get("/{quest_id:uuid}", opt={READ_AHEAD: quest_read_ahead}, **requires(Permission.QUESTS_READ))
    async def get_quest(
        self, quest_id: FromPath[UUID], user: CurrentUser, quest_reads: QuestReadsDep
    ) -> Response[QuestOut]:
        """One quest, with its ``ETag``."""
        # Read-aside cache, scoped by owner (another user's id is a miss, then a 404 from
        # the repository); every committed quest write invalidates its owner's entries.
        quest = await quest_reads.get(_owner(user), quest_id)
        return Response(quest, headers={"ETag": etag(quest.version)})

    @patch("/{quest_id:uuid}", **requires(Permission.QUESTS_WRITE))
    async def update_quest(
        self,
        quest_id: FromPath[UUID],
        data: JSONBody[QuestPatch],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
        if_match: IfMatch = None,
    ) -> Response[QuestOut]:
        """Change some fields. With ``If-Match`` the change applies only to that version
        (else 412); without it, to the current version."""
        owner, qid = _owner(user), QuestId(quest_id)
        version = expected_version(if_match)
        if version is None:
            version = (await svc.get_quest(svc.GetQuest(owner=owner, quest_id=qid), uow)).version
        quest = await svc.update_quest(
            svc.UpdateQuest(
                owner=owner, quest_id=qid, expected_version=version, **_patched(data, _quest_value)
            ),
            uow,
            clock,
            ids,
        )
        return _with_etag(quest)

    @delete(
        "/{quest_id:uuid}", status_code=HTTP_204_NO_CONTENT, **requires(Permission.QUESTS_WRITE)
    )
    async def delete_quest(
        self,
        quest_id: FromPath[UUID],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
        storage: FileStorageDep,
        if_match: IfMatch = None,
    ) -> None:
        """Delete a quest, its dependency edges and its attachments; sub-quests become
        top-level. ``If-Match`` is optional."""
        owner, qid = _owner(user), QuestId(quest_id)
        attached = await files.list_attachments(
            files.ListAttachments(owner=owner, quest_id=qid), uow
        )
        await svc.delete_quest(
            svc.DeleteQuest(owner=owner, quest_id=qid, expected_version=expected_version(if_match)),
            uow,
            clock,
            ids,
        )
        await files.forget_files(storage, attached)


class QuestProgressController(Controller):
    """A quest's status changes, progress and checklist."""

    path = QUESTS_PATH + "/{quest_id:uuid}"
    tags = ["quests"]

    @post("/start", status_code=200, **requires(Permission.QUESTS_WRITE))
    async def start(
        self,
        quest_id: FromPath[UUID],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
    ) -> Response[QuestOut]:
        """todo → active."""
        command = svc.StartQuest(owner=_owner(user), quest_id=QuestId(quest_id))
        return _with_etag(await svc.start_quest(command, uow, clock, ids))

    @post("/complete", status_code=200, **requires(Permission.QUESTS_WRITE))
    async def complete(
        self,
        quest_id: FromPath[UUID],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
        timezone: TimezoneHeader = None,
    ) -> CompletionOut:
        """Complete a quest (409 ``quest-blocked`` listing unfinished prerequisites)."""
        command = svc.CompleteQuest(
            owner=_owner(user), quest_id=QuestId(quest_id), owner_timezone=owner_timezone(timezone)
        )
        return CompletionOut.from_domain(await svc.complete_quest(command, uow, clock, ids))

    @post("/reopen", status_code=200, **requires(Permission.QUESTS_WRITE))
    async def reopen(
        self,
        quest_id: FromPath[UUID],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
    ) -> Response[QuestOut]:
        """done → todo within 24 h of completion; abandoned → todo any time."""
        command = svc.ReopenQuest(owner=_owner(user), quest_id=QuestId(quest_id))
        return _with_etag(await svc.reopen_quest(command, uow, clock, ids))

    @post("/abandon", status_code=200, **requires(Permission.QUESTS_WRITE))
    async def abandon(
        self,
        quest_id: FromPath[UUID],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
    ) -> Response[QuestOut]:
        """todo/active → abandoned (it stops blocking its dependents)."""
        command = svc.AbandonQuest(owner=_owner(user), quest_id=QuestId(quest_id))
        return _with_etag(await svc.abandon_quest(command, uow, clock, ids))

    @post("/archive", status_code=200, **requires(Permission.QUESTS_WRITE))
    async def archive(
        self,
        quest_id: FromPath[UUID],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
    ) -> Response[QuestOut]:
        """Any status → archived (read-only, hidden from default listings)."""
        command = svc.ArchiveQuest(owner=_owner(user), quest_id=QuestId(quest_id))
        return _with_etag(await svc.archive_quest(command, uow, clock, ids))

    @put("/progress", **requires(Permission.QUESTS_WRITE))
    async def set_progress(
        self,
        quest_id: FromPath[UUID],
        data: JSONBody[ProgressIn],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
    ) -> Response[QuestOut]:
        """Set the percentage (0..100) of a quest without a checklist or sub-quests."""
        command = svc.SetProgress(
            owner=_owner(user), quest_id=QuestId(quest_id), progress=data.progress
        )
        return _with_etag(await svc.set_progress(command, uow, clock, ids))

    @put("/checklist/{index:int}", **requires(Permission.QUESTS_WRITE))
    async def tick_checklist_item(
        self,
        quest_id: FromPath[UUID],
        index: FromPath[int],
        data: JSONBody[ChecklistTickIn],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
    ) -> Response[QuestOut]:
        """Tick (``done: true``) or untick checklist item ``index``; progress follows."""
        command = svc.TickChecklistItem(
            owner=_owner(user), quest_id=QuestId(quest_id), index=index, done=data.done
        )
        return _with_etag(await svc.tick_checklist_item(command, uow, clock, ids))


class DependencyController(Controller):
    """A quest's prerequisites (``prerequisite`` must be finished before the quest)."""

    path = QUESTS_PATH + "/{quest_id:uuid}/dependencies"
    tags = ["dependencies"]

    @get("/", **requires(Permission.QUESTS_READ))
    async def list_dependencies(
        self, quest_id: FromPath[UUID], user: CurrentUser, uow: QuestUowDep
    ) -> DependenciesOut:
        """Prerequisites, dependents and which prerequisites are still open."""
        query = svc.ListDependencies(owner=_owner(user), quest_id=QuestId(quest_id))
        return DependenciesOut.from_domain(await svc.list_dependencies(query, uow))

    @post("/", status_code=HTTP_201_CREATED, **requires(Permission.QUESTS_WRITE))
    async def add_dependency(
        self,
        quest_id: FromPath[UUID],
        data: JSONBody[DependencyIn],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
    ) -> DependenciesOut:
        """Add a prerequisite (409 ``dependency-cycle`` with the cycle; adding twice is fine)."""
        owner, qid = _owner(user), QuestId(quest_id)
        await svc.add_dependency(
            svc.AddDependency(
                owner=owner, prerequisite_id=QuestId(data.prerequisite_id), dependent_id=qid
            ),
            uow,
            clock,
            ids,
        )
        view = await svc.list_dependencies(svc.ListDependencies(owner=owner, quest_id=qid), uow)
        return DependenciesOut.from_domain(view)

    @delete(
        "/{prerequisite_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.QUESTS_WRITE),
    )
    async def remove_dependency(
        self,
        quest_id: FromPath[UUID],
        prerequisite_id: FromPath[UUID],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
    ) -> None:
        """Remove a prerequisite (404 when there is no such edge)."""
        command = svc.RemoveDependency(
            owner=_owner(user),
            prerequisite_id=QuestId(prerequisite_id),
            dependent_id=QuestId(quest_id),
        )
        await svc.remove_dependency(command, uow, clock, ids)


def _max_bytes(storage: FileStorage) -> int:
    limit = getattr(storage, "max_bytes", files.DEFAULT_MAX_ATTACHMENT_BYTES)
    return int(limit)


class AttachmentController(Controller):
    """Files on a quest: direct or presigned upload, listing, download URL, delete."""

    path = QUESTS_PATH + "/{quest_id:uuid}/attachments"
    tags = ["attachments"]

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        request_max_body_size=files.DEFAULT_MAX_ATTACHMENT_BYTES,
        **requires(Permission.QUESTS_WRITE),
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        quest_id: FromPath[UUID],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
        storage: FileStorageDep,
        filename: Annotated[str, QueryParameter(max_length=1000)] = "attachment",
    ) -> AttachmentOut:
        """Direct upload: the raw request body is the file, ``Content-Type`` its media type
        (413 over the size limit)."""
        limit = _max_bytes(storage)
        _refuse_declared_oversize(request, limit)
        body = await request.body()
        content_type = request.headers.get("content-type") or "application/octet-stream"
        command = files.AttachFile(
            owner=_owner(user),
            quest_id=QuestId(quest_id),
            filename=filename,
            content_type=content_type,
            data=body,
        )
        attachment = await files.attach_file(command, uow, clock, ids, storage, max_bytes=limit)
        return AttachmentOut.from_domain(attachment)

    @post("/upload-url", status_code=HTTP_201_CREATED, **requires(Permission.QUESTS_WRITE))
    async def upload_url(
        self,
        quest_id: FromPath[UUID],
        data: JSONBody[UploadUrlIn],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
        storage: FileStorageDep,
    ) -> UploadGrantOut:
        """Presigned upload: a pending attachment and a URL to ``PUT`` the bytes to; confirm
        with ``POST .../{attachment_id}/confirm`` afterwards."""
        command = files.RequestUpload(
            owner=_owner(user),
            quest_id=QuestId(quest_id),
            filename=data.filename,
            content_type=data.content_type,
            size=data.size,
        )
        grant = await files.request_upload(
            command, uow, clock, ids, storage, max_bytes=_max_bytes(storage)
        )
        return UploadGrantOut.from_domain(grant)

    @post("/{attachment_id:uuid}/confirm", status_code=200, **requires(Permission.QUESTS_WRITE))
    async def confirm(
        self,
        quest_id: FromPath[UUID],
        attachment_id: FromPath[UUID],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
        storage: FileStorageDep,
    ) -> AttachmentOut:
        """The presigned upload is done: measure it and mark the attachment stored
        (409 ``upload-incomplete`` if the bytes are not there)."""
        command = files.ConfirmUpload(
            owner=_owner(user),
            quest_id=QuestId(quest_id),
            attachment_id=AttachmentId(attachment_id),
        )
        attachment = await files.confirm_upload(
            command, uow, clock, ids, storage, max_bytes=_max_bytes(storage)
        )
        return AttachmentOut.from_domain(attachment)

    @get("/", **requires(Permission.QUESTS_READ))
    async def list_attachments(
        self, quest_id: FromPath[UUID], user: CurrentUser, uow: QuestUowDep
    ) -> list[AttachmentOut]:
        """The quest's attachments, oldest first."""
        query = files.ListAttachments(owner=_owner(user), quest_id=QuestId(quest_id))
        return [AttachmentOut.from_domain(a) for a in await files.list_attachments(query, uow)]

    @get("/{attachment_id:uuid}", **requires(Permission.QUESTS_READ))
    async def get_attachment(
        self,
        quest_id: FromPath[UUID],
        attachment_id: FromPath[UUID],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        storage: FileStorageDep,
    ) -> AttachmentDownloadOut:
        """Metadata and a short-lived download URL (``null`` while the upload is pending)."""
        query = files.GetAttachment(
            owner=_owner(user),
            quest_id=QuestId(quest_id),
            attachment_id=AttachmentId(attachment_id),
        )
        return AttachmentDownloadOut.from_domain(
            await files.get_attachment(query, uow, clock, storage)
        )

    @delete(
        "/{attachment_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        **requires(Permission.QUESTS_WRITE),
    )
    async def delete_attachment(
        self,
        quest_id: FromPath[UUID],
        attachment_id: FromPath[UUID],
        user: CurrentUser,
        uow: QuestUowDep,
        storage: FileStorageDep,
    ) -> None:
        """Remove the attachment and its bytes."""
        command = files.DeleteAttachment(
            owner=_owner(user),
            quest_id=QuestId(quest_id),
            attachment_id=AttachmentId(attachment_id),
        )
        await files.delete_attachment(command, uow, storage)


class TemplateController(Controller):
    """Reusable quest patterns: CRUD and instantiation."""

    path = "/api/v1/templates"
    tags = ["templates"]

    @post("/", status_code=HTTP_201_CREATED, **requires(Permission.QUESTS_WRITE))
    async def create_template(
        self,
        data: JSONBody[TemplateIn],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
    ) -> Response[TemplateOut]:
        """Save a template (placeholders like ``{client}`` in the title patterns)."""
        command = svc.CreateTemplate(
            owner=_owner(user),
            name=data.name,
            title_pattern=data.title_pattern,
            notes=data.notes,
            category=data.category,
            tags=tuple(data.tags),
            difficulty=data.difficulty,
            priority=data.priority,
            estimate_minutes=data.estimate_minutes,
            checklist=tuple(data.checklist),
            steps=tuple(s.to_domain() for s in data.steps),
        )
        template = await svc.create_template(command, uow, clock, ids)
        return _created(TemplateOut.from_domain(template), f"/api/v1/templates/{template.id}")

    @get("/", **requires(Permission.QUESTS_READ))
    async def list_templates(self, user: CurrentUser, uow: QuestUowDep) -> list[TemplateOut]:
        """The caller's templates by name."""
        found = await svc.list_templates(svc.ListTemplates(owner=_owner(user)), uow)
        return [TemplateOut.from_domain(t) for t in found]

    @get("/{template_id:uuid}", **requires(Permission.QUESTS_READ))
    async def get_template(
        self, template_id: FromPath[UUID], user: CurrentUser, uow: QuestUowDep
    ) -> TemplateOut:
        query = svc.GetTemplate(owner=_owner(user), template_id=TemplateId(template_id))
        return TemplateOut.from_domain(await svc.get_template(query, uow))

    @patch("/{template_id:uuid}", **requires(Permission.QUESTS_WRITE))
    async def update_template(
        self,
        template_id: FromPath[UUID],
        data: JSONBody[TemplatePatch],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
    ) -> TemplateOut:
        """Change some fields; the template is re-validated as a whole."""
        command = svc.UpdateTemplate(
            owner=_owner(user),
            template_id=TemplateId(template_id),
            **_patched(data, _template_value),
        )
        return TemplateOut.from_domain(await svc.update_template(command, uow, clock, ids))

    @delete(
        "/{template_id:uuid}", status_code=HTTP_204_NO_CONTENT, **requires(Permission.QUESTS_WRITE)
    )
    async def delete_template(
        self,
        template_id: FromPath[UUID],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
    ) -> None:
        """Delete a template; quests made from it stay."""
        command = svc.DeleteTemplate(owner=_owner(user), template_id=TemplateId(template_id))
        await svc.delete_template(command, uow, clock, ids)

    @post(
        "/{template_id:uuid}/instantiate",
        status_code=HTTP_201_CREATED,
        **requires(Permission.QUESTS_WRITE),
    )
    async def instantiate(
        self,
        template_id: FromPath[UUID],
        data: JSONBody[InstantiateIn],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
        timezone: TimezoneHeader = None,
    ) -> Response[InstantiationOut]:
        """Make the root quest, its step quests and their dependencies, all or nothing."""
        command = svc.InstantiateTemplate(
            owner=_owner(user),
            template_id=TemplateId(template_id),
            values=dict(data.values),
            due=data.due,
            timezone=data.timezone if data.timezone is not None else owner_timezone(timezone),
        )
        made = await svc.instantiate_template(command, uow, clock, ids)
        return _created(InstantiationOut.from_domain(made), f"{QUESTS_PATH}/{made.root.id}")


class CategoryController(Controller):
    """Named, coloured labels for quests."""

    path = "/api/v1/categories"
    tags = ["categories"]

    @post("/", status_code=HTTP_201_CREATED, **requires(Permission.QUESTS_WRITE))
    async def create_category(
        self,
        data: JSONBody[CategoryIn],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
    ) -> Response[CategoryOut]:
        """Create a category (409 when the caller has one by that name, in any case)."""
        command = svc.CreateCategory(owner=_owner(user), name=data.name, color=data.color)
        category = await svc.create_category(command, uow, clock, ids)
        return _created(CategoryOut.from_domain(category), f"/api/v1/categories/{category.id}")

    @get("/", **requires(Permission.QUESTS_READ))
    async def list_categories(self, user: CurrentUser, uow: QuestUowDep) -> list[CategoryOut]:
        found = await svc.list_categories(svc.ListCategories(owner=_owner(user)), uow)
        return [CategoryOut.from_domain(c) for c in found]

    @get("/{category_id:uuid}", **requires(Permission.QUESTS_READ))
    async def get_category(
        self, category_id: FromPath[UUID], user: CurrentUser, uow: QuestUowDep
    ) -> CategoryOut:
        query = svc.GetCategory(owner=_owner(user), category_id=CategoryId(category_id))
        return CategoryOut.from_domain(await svc.get_category(query, uow))

    @patch("/{category_id:uuid}", **requires(Permission.QUESTS_WRITE))
    async def update_category(
        self,
        category_id: FromPath[UUID],
        data: JSONBody[CategoryPatch],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
    ) -> CategoryOut:
        """Rename (carried over to the quests filed under the old name) or recolour."""
        command = svc.UpdateCategory(
            owner=_owner(user),
            category_id=CategoryId(category_id),
            name=data.name,
            color=data.color,
        )
        return CategoryOut.from_domain(await svc.update_category(command, uow, clock, ids))

    @delete(
        "/{category_id:uuid}", status_code=HTTP_204_NO_CONTENT, **requires(Permission.QUESTS_WRITE)
    )
    async def delete_category(
        self,
        category_id: FromPath[UUID],
        user: CurrentUser,
        uow: QuestUowDep,
        clock: ClockDep,
        ids: IdsDep,
    ) -> None:
        """Delete a category; quests keep the name as plain text."""
        command = svc.DeleteCategory(owner=_owner(user), category_id=CategoryId(category_id))
        await svc.delete_category(command, uow, clock, ids)


# -- signed file URLs (local and in-memory storage) ---------------------------------------


@runtime_checkable
class SignedUrlStorage(Protocol):
    """A storage whose upload/download URLs this app serves (local folder, in-memory)."""

    def verify_signed_url(
        self,
        key: FromPath[str],
        expires: str | int,
        signature: str,
        *,
        method: Any,
        content_type: str | None = None,
    ) -> None: ...


def _signed_storage(storage: FileStorage, key: str) -> SignedUrlStorage:
    if not isinstance(storage, SignedUrlStorage):
        # S3 hands out its own URLs; nothing is served here then.
        raise NotFound("file", key)
    return storage


class FileController(Controller):
    """Serves the signed URLs of storages that have no URL service of their own. No bearer
    token: the HMAC signature in the query string is the authorization (method, key, expiry
    and, for uploads, the content type are all signed)."""

    path = "/api/v1/files"
    tags = ["files"]

    @get("/{key:path}", signed_url=True, **public())
    async def download(
        self,
        key: FromPath[str],
        storage: FileStorageDep,
        expires: Annotated[str, QueryParameter(max_length=20)],
        signature: Annotated[str, QueryParameter(max_length=200)],
    ) -> Response[bytes]:
        """The file's bytes, served as a download."""
        key = key.lstrip("/")
        _signed_storage(storage, key).verify_signed_url(key, expires, signature, method="GET")
        data = await storage.get(key)
        head = getattr(storage, "head", None)
        media_type = (await head(key)).content_type if head is not None else None
        return Response(
            data,
            media_type=media_type or "application/octet-stream",
            headers={
                # Never rendered inline: an uploaded HTML file must not run as this origin.
                "Content-Disposition": "attachment",
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "private, max-age=60",
            },
        )

    @put(
        "/{key:path}",
        status_code=HTTP_204_NO_CONTENT,
        request_max_body_size=files.DEFAULT_MAX_ATTACHMENT_BYTES,
        signed_url=True,
        **public(),
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        key: FromPath[str],
        storage: FileStorageDep,
        expires: Annotated[str, QueryParameter(max_length=20)],
        signature: Annotated[str, QueryParameter(max_length=200)],
        ct: Annotated[str, QueryParameter(max_length=255, description="the granted type")],
    ) -> None:
        """Store the body under the signed key. ``Content-Type`` must be the one granted."""
        key = key.lstrip("/")
        _signed_storage(storage, key).verify_signed_url(
            key, expires, signature, method="PUT", content_type=ct
        )
        if request.headers.get("content-type") != ct:
            raise ValidationFailed("content_type", f"this upload URL accepts only {ct!r}")
        limit = _max_bytes(storage)
        _refuse_declared_oversize(request, limit)
        body = await request.body()
        if len(body) > limit:
            raise FileTooLarge(len(body), limit)
        await storage.put(key, body, ct)


__all__ = [
    "AttachmentController",
    "CategoryController",
    "DependencyController",
    "FileController",
    "QuestController",
    "QuestProgressController",
    "TemplateController",
    "owner_timezone",
]
