"""Quest endpoints: create (one or many), list with its query filters, plan, read, edit, delete."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, cast
from uuid import UUID

from litestar import Controller, MediaType, Request, Response, delete, get, patch, post
from litestar.exceptions import HTTPException
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from apps.http.dependencies import (
    READ_AHEAD,
    CurrentUser,
    quest_read_ahead,
)
from apps.http.etags import IfMatch, etag, expected_version
from apps.http.permissions import requires
from apps.http.text import SPACE
from apps.quest.controllers._shared import (
    QUEST_BUS,
    QUESTS_PATH,
    QuestBus,
    _owner,
    _patched,
    _with_etag,
)
from apps.quest.reads import (
    QUEST_VIEWS,
    QuestReadsDep,
    QuestViewsDep,
    page_key,
    quest_page_read_ahead,
)
from apps.quest.schemas import (
    BulkQuestsIn,
    BulkQuestsOut,
    PlanOut,
    QuestIn,
    QuestOut,
    QuestPageOut,
    QuestPatch,
)
from questlog_core.identity.rbac import Permission
from questlog_core.ids import QuestId, UserId
from questlog_core.ports.quests import DEFAULT_PAGE_SIZE, TEXT_QUERY_MAX_LENGTH, QuestSort
from questlog_core.quests.model import QuestStatus
from questlog_core.services import quests as svc

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


def _quest_value(name: str, value: Any) -> Any:
    if name in {"tags", "checklist"}:
        return tuple(value)
    if name == "recurrence" and value is not None:
        return value.to_domain()
    if name == "parent_id" and value is not None:
        return QuestId(value)
    return value


class QuestController(Controller):
    """Quests: create (one or many), list, read, edit and delete."""

    dependencies = QUEST_BUS

    path = QUESTS_PATH
    tags = ["quests"]

    @post("/", status_code=HTTP_201_CREATED, **requires(Permission.QUESTS_WRITE))
    async def create_quest(
        self,
        data: JSONBody[QuestIn],
        user: CurrentUser,
        bus: QuestBus,
    ) -> Response[QuestOut]:
        """Create a quest. Answers 201 with ``Location`` and ``ETag``."""
        quest = await bus.handle(_create_command(_owner(user), data))
        response = _with_etag(quest, HTTP_201_CREATED)
        response.headers["Location"] = f"{QUESTS_PATH}/{quest.id}"
        return response

    @post("/bulk", status_code=HTTP_201_CREATED, **requires(Permission.QUESTS_WRITE))
    async def create_quests(
        self,
        data: JSONBody[BulkQuestsIn],
        user: CurrentUser,
        bus: QuestBus,
    ) -> BulkQuestsOut:
        """Create up to 100 quests at once: all of them, or none (422 names the item)."""
        owner = _owner(user)
        command = svc.CreateQuests(
            owner=owner, quests=tuple(_create_command(owner, item) for item in data.quests)
        )
        created = await bus.handle(command)
        return BulkQuestsOut(items=[QuestOut.from_domain(q) for q in created])

    @get(
        "/",
        dependencies=QUEST_VIEWS,
        opt={READ_AHEAD: quest_page_read_ahead},
        **requires(Permission.QUESTS_READ),
    )
    async def list_quests(
        self,
        request: Request[Any, Any, Any],
        user: CurrentUser,
        quest_views: QuestViewsDep,
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
    ) -> Response[QuestPageOut]:
        """A page of the caller's quests, filtered and sorted (cursor pagination)."""
        statuses = tuple(s.strip() for value in status or () for s in value.split(",") if s.strip())
        body = await quest_views.page(
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
            # Cached per query string in the owner's quest generation: any committed write
            # of the owner's quests orphans every cached page.
            page_key(request.scope["query_string"]),
        )
        # The page is its JSON body already (a QuestPageOut, encoded once when it was
        # loaded): sent as it is, not decoded and encoded again.
        return Response(cast("QuestPageOut", body), media_type=MediaType.JSON)

    @get("/plan", **requires(Permission.QUESTS_READ))
    async def plan(self, user: CurrentUser, bus: QuestBus) -> PlanOut:
        """Every open quest in an order that respects the dependencies, with the critical path."""
        return PlanOut.from_domain(await bus.handle(svc.PlanQuests(owner=_owner(user))))

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
        bus: QuestBus,
        if_match: IfMatch = None,
    ) -> Response[QuestOut]:
        """Change some fields. With ``If-Match`` the change applies only to that version
        (else 412); without it, to the current version."""
        owner, qid = _owner(user), QuestId(quest_id)
        version = expected_version(if_match)
        if version is None:
            version = (await bus.handle(svc.GetQuest(owner=owner, quest_id=qid))).version
        quest = await bus.handle(
            svc.UpdateQuest(
                owner=owner, quest_id=qid, expected_version=version, **_patched(data, _quest_value)
            )
        )
        return _with_etag(quest)

    @delete(
        "/{quest_id:uuid}", status_code=HTTP_204_NO_CONTENT, **requires(Permission.QUESTS_WRITE)
    )
    async def delete_quest(
        self,
        quest_id: FromPath[UUID],
        user: CurrentUser,
        bus: QuestBus,
        if_match: IfMatch = None,
    ) -> None:
        """Delete a quest, its dependency edges and its attachments; sub-quests become
        top-level. ``If-Match`` is optional. One unit of work: the files are removed from
        storage after the commit, by the subscriber of the event it records."""
        command = svc.DeleteQuest(
            owner=_owner(user),
            quest_id=QuestId(quest_id),
            expected_version=expected_version(if_match),
        )
        await bus.handle(command)
