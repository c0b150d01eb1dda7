"""Quest dependency endpoints: list, add and remove a quest's prerequisites."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, delete, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from apps.http.dependencies import (
    CurrentUser,
)
from apps.http.permissions import requires
from apps.quest.controllers._shared import (
    QUEST_BUS,
    QUESTS_PATH,
    QuestBus,
    _owner,
)
from apps.quest.schemas import (
    DependenciesOut,
    DependencyIn,
)
from questlog_core.identity.rbac import Permission
from questlog_core.ids import QuestId
from questlog_core.services import quests as svc


class DependencyController(Controller):
    """A quest's prerequisites (``prerequisite`` must be finished before the quest)."""

    dependencies = QUEST_BUS

    path = QUESTS_PATH + "/{quest_id:uuid}/dependencies"
    tags = ["dependencies"]

    @get("/", **requires(Permission.QUESTS_READ))
    async def list_dependencies(
        self, quest_id: FromPath[UUID], user: CurrentUser, bus: QuestBus
    ) -> DependenciesOut:
        """Prerequisites, dependents and which prerequisites are still open."""
        query = svc.ListDependencies(owner=_owner(user), quest_id=QuestId(quest_id))
        return DependenciesOut.from_domain(await bus.handle(query))

    @post("/", status_code=HTTP_201_CREATED, **requires(Permission.QUESTS_WRITE))
    async def add_dependency(
        self,
        quest_id: FromPath[UUID],
        data: JSONBody[DependencyIn],
        user: CurrentUser,
        bus: QuestBus,
    ) -> DependenciesOut:
        """Add a prerequisite (409 ``dependency-cycle`` with the cycle; adding twice is fine)."""
        owner, qid = _owner(user), QuestId(quest_id)
        await bus.handle(
            svc.AddDependency(
                owner=owner, prerequisite_id=QuestId(data.prerequisite_id), dependent_id=qid
            )
        )
        view = await bus.handle(svc.ListDependencies(owner=owner, quest_id=qid))
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
        bus: QuestBus,
    ) -> None:
        """Remove a prerequisite (404 when there is no such edge)."""
        command = svc.RemoveDependency(
            owner=_owner(user),
            prerequisite_id=QuestId(prerequisite_id),
            dependent_id=QuestId(quest_id),
        )
        await bus.handle(command)
