"""Quest create and edit (difficulty, due, recurrence, prerequisites, checklist) and the
breakdown of a quest into steps: a preview first, created only when the person confirms."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath

from apps.web.controllers.account import PAGE
from apps.web.navigation import flash_cookie, page
from apps.web.rendering import see_other
from apps.web.session import Visit

DIFFICULTIES = ("trivial", "easy", "medium", "hard", "epic")
PRIORITIES = ((0, "none"), (1, "low"), (2, "medium"), (3, "high"), (4, "critical"))
#: the repeat choices the form offers; any other RFC 5545 rule can be typed in
REPEATS = (
    ("", "does not repeat"),
    ("FREQ=DAILY", "every day"),
    ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "every weekday"),
    ("FREQ=WEEKLY", "every week"),
    ("FREQ=MONTHLY", "every month"),
)


class FormError(ValueError):
    """A form value the page can say is wrong before asking the API."""


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def quest_body(form: FormMultiDict, timezone: str) -> dict[str, Any]:
    """The ``QuestIn`` JSON a quest form describes (due read in the player's time zone)."""
    body: dict[str, Any] = {
        "title": str(form.get("title", "")).strip(),
        "notes": str(form.get("notes", "")),
        "difficulty": str(form.get("difficulty", "medium")),
        "checklist": [
            line.strip() for line in str(form.get("checklist", "")).splitlines() if line.strip()
        ],
    }
    priority = str(form.get("priority", "0"))
    body["priority"] = int(priority) if priority.isdigit() else 0
    due = str(form.get("due", "")).strip()
    if due:
        try:
            moment = datetime.fromisoformat(due)
        except ValueError:
            raise FormError("due: not a date and time") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=_zone(timezone))
        body["due"] = moment.isoformat()
    else:
        body["due"] = None
    estimate = str(form.get("estimate_minutes", "")).strip()
    if estimate and not estimate.isdigit():
        raise FormError("estimate: whole minutes")
    body["estimate_minutes"] = int(estimate) if estimate else None
    rule = str(form.get("rrule", "")).strip() or str(form.get("repeat", "")).strip()
    body["recurrence"] = {"rule": rule, "timezone": timezone} if rule else None
    return body


def _due_local(quest: dict[str, Any], timezone: str) -> str:
    if not quest.get("due"):
        return ""
    moment = datetime.fromisoformat(quest["due"]).astimezone(_zone(timezone))
    return moment.strftime("%Y-%m-%dT%H:%M")


class QuestPages(Controller):
    path = "/quests"

    async def _editor(
        self,
        visit: Visit,
        *,
        quest: dict[str, Any] | None,
        chosen: set[str],
        error: str | None = None,
        status: int = 200,
        values: dict[str, Any] | None = None,
    ) -> Response[str]:
        profile = await visit.get("/api/v1/gamification/profile")
        timezone = profile.body["timezone"] if profile.ok else "UTC"
        listed = await visit.get(
            "/api/v1/quests", params={"status": ["todo", "active", "done"], "limit": 200}
        )
        candidates = [
            q
            for q in (listed.body["items"] if listed.ok else [])
            if not quest or q["id"] != quest["id"]
        ]
        shown = values or {}
        if quest and not values:
            rule = quest["recurrence"]["rule"] if quest.get("recurrence") else ""
            shown = {
                **quest,
                "due_local": _due_local(quest, timezone),
                "checklist_text": "\n".join(item["text"] for item in quest["checklist"]),
                "repeat": rule if rule in dict(REPEATS) else "",
                "rrule": "" if rule in dict(REPEATS) else rule,
            }
        return await page(
            visit,
            "quest_form.html",
            status=status,
            quest=quest,
            values=shown,
            candidates=candidates,
            chosen=chosen,
            difficulties=DIFFICULTIES,
            priorities=PRIORITIES,
            repeats=REPEATS,
            timezone=timezone,
            error=error,
        )

    @get("/new", **PAGE)
    async def new(self, request: Request[Any, Any, Any]) -> Response[str]:
        return await self._editor(Visit(request), quest=None, chosen=set())

    @post("/new", **PAGE)
    async def create(self, request: Request[Any, Any, Any]) -> Any:
        visit = Visit(request)
        form = await request.form()
        chosen = {str(v) for v in form.getall("prerequisites", [])}
        timezone = str(form.get("timezone", "UTC"))
        try:
            body = quest_body(form, timezone)
        except FormError as exc:
            return await self._editor(
                visit, quest=None, chosen=chosen, error=str(exc), status=422, values=_echo(form)
            )
        answer = await visit.post("/api/v1/quests", json=body)
        if not answer.ok:
            return await self._editor(
                visit,
                quest=None,
                chosen=chosen,
                error=answer.problem(),
                status=answer.status,
                values=_echo(form),
            )
        quest_id = answer.body["id"]
        error = await _link_prerequisites(visit, quest_id, chosen, set())
        if error:
            refused = flash_cookie(request, f"The quest is saved, but {error}")
            return see_other(f"/quests/{quest_id}/edit", cookies=[*visit.cookies, refused])
        return see_other("/", cookies=visit.cookies)

    @get("/{quest_id:uuid}/edit", **PAGE)
    async def edit(self, request: Request[Any, Any, Any], quest_id: FromPath[UUID]) -> Any:
        visit = Visit(request)
        quest = await visit.get(f"/api/v1/quests/{quest_id}")
        if not quest.ok:
            return see_other("/", cookies=visit.cookies)
        links = await visit.get(f"/api/v1/quests/{quest_id}/dependencies")
        chosen = set(links.body["prerequisites"]) if links.ok else set()
        return await self._editor(visit, quest=quest.body, chosen=chosen)

    @post("/{quest_id:uuid}/edit", **PAGE)
    async def update(self, request: Request[Any, Any, Any], quest_id: FromPath[UUID]) -> Any:
        visit = Visit(request)
        form = await request.form()
        chosen = {str(v) for v in form.getall("prerequisites", [])}
        current = await visit.get(f"/api/v1/quests/{quest_id}")
        if not current.ok:
            return see_other("/", cookies=visit.cookies)
        links = await visit.get(f"/api/v1/quests/{quest_id}/dependencies")
        linked = set(links.body["prerequisites"]) if links.ok else set()
        try:
            body = quest_body(form, str(form.get("timezone", "UTC")))
        except FormError as exc:
            return await self._editor(
                visit,
                quest=current.body,
                chosen=chosen,
                error=str(exc),
                status=422,
                values=_echo(form),
            )
        # Replacing the checklist resets its ticks: send it only when its text changed.
        if body["checklist"] == [item["text"] for item in current.body["checklist"]]:
            del body["checklist"]
        answer = await visit.call("PATCH", f"/api/v1/quests/{quest_id}", json=body)
        error = None if answer.ok else answer.problem()
        if error is None:
            error = await _link_prerequisites(visit, str(quest_id), chosen, linked)
        if error:
            return await self._editor(
                visit,
                quest=current.body,
                chosen=chosen,
                error=error,
                status=answer.status if not answer.ok else 409,
                values=_echo(form),
            )
        return see_other("/", cookies=visit.cookies)

    @get("/{quest_id:uuid}/breakdown", **PAGE)
    async def breakdown_preview(
        self, request: Request[Any, Any, Any], quest_id: FromPath[UUID]
    ) -> Any:
        visit = Visit(request)
        quest = await visit.get(f"/api/v1/quests/{quest_id}")
        if not quest.ok:
            return see_other("/", cookies=visit.cookies)
        granularity = request.query_params.get("granularity", "normal")
        if granularity not in ("coarse", "normal", "fine"):
            granularity = "normal"
        body = {
            "title": quest.body["title"],
            "notes": quest.body["notes"][:2000],
            "difficulty": quest.body["difficulty"],
            "granularity": granularity,
        }
        if quest.body.get("estimate_minutes"):
            body["estimate_minutes"] = quest.body["estimate_minutes"]
        preview = await visit.post("/api/v1/ai/breakdown", json=body)
        return await page(
            visit,
            "breakdown.html",
            quest=quest.body,
            preview=preview.body if preview.ok else None,
            error=None if preview.ok else preview.problem(),
            granularity=granularity,
        )

    @post("/{quest_id:uuid}/breakdown", **PAGE)
    async def breakdown_confirm(
        self, request: Request[Any, Any, Any], quest_id: FromPath[UUID]
    ) -> Any:
        """Create the previewed steps (as sent back by the form, so what was shown is what is
        made) as sub-quests of the quest, chained by their dependencies."""
        visit = Visit(request)
        form = await request.form()
        count = int(str(form.get("steps", "0"))) if str(form.get("steps", "0")).isdigit() else 0
        steps: list[dict[str, Any]] = []
        afters: list[list[int]] = []
        for i in range(min(count, 50)):
            title = str(form.get(f"title_{i}", "")).strip()
            if not title:
                continue
            step: dict[str, Any] = {
                "title": title,
                "difficulty": str(form.get(f"difficulty_{i}", "easy")),
                "parent_id": str(quest_id),
            }
            estimate = str(form.get(f"estimate_{i}", ""))
            if estimate.isdigit():
                step["estimate_minutes"] = int(estimate)
            steps.append(step)
            afters.append(
                [int(a) for a in str(form.get(f"after_{i}", "")).split(",") if a.isdigit()]
            )
        if not steps:
            return see_other(f"/quests/{quest_id}/breakdown", cookies=visit.cookies)
        made = await visit.post("/api/v1/quests/bulk", json={"quests": steps})
        if not made.ok:
            return await page(
                visit,
                "breakdown.html",
                quest=None,
                preview=None,
                error=made.problem(),
                granularity="normal",
                status=made.status,
            )
        ids = [q["id"] for q in made.body["items"]]
        for index, after in enumerate(afters):
            for earlier in after:
                if 0 <= earlier < len(ids):
                    await visit.post(
                        f"/api/v1/quests/{ids[index]}/dependencies",
                        json={"prerequisite_id": ids[earlier]},
                    )
        # The quest itself waits for its last steps.
        if ids:
            await visit.post(
                f"/api/v1/quests/{quest_id}/dependencies", json={"prerequisite_id": ids[-1]}
            )
        return see_other("/", cookies=visit.cookies)


def _whole(value: Any) -> int:
    text = str(value)
    return int(text) if text.isdigit() else 0


def _echo(form: FormMultiDict) -> dict[str, Any]:
    """What the person typed, to show the form again after a refusal."""
    return {
        "title": form.get("title", ""),
        "notes": form.get("notes", ""),
        "difficulty": form.get("difficulty", "medium"),
        "priority": _whole(form.get("priority", "0")),
        "due_local": form.get("due", ""),
        "estimate_minutes": form.get("estimate_minutes", ""),
        "repeat": form.get("repeat", ""),
        "rrule": form.get("rrule", ""),
        "checklist_text": form.get("checklist", ""),
    }


async def _link_prerequisites(
    visit: Visit, quest_id: str, chosen: set[str], linked: set[str]
) -> str | None:
    """Add and remove prerequisite edges so they are ``chosen``; the first refusal (a cycle,
    an unknown quest) as text, or ``None``."""
    for prerequisite in sorted(chosen - linked):
        answer = await visit.post(
            f"/api/v1/quests/{quest_id}/dependencies", json={"prerequisite_id": prerequisite}
        )
        if not answer.ok:
            return answer.problem()
    for prerequisite in sorted(linked - chosen):
        answer = await visit.call(
            "DELETE", f"/api/v1/quests/{quest_id}/dependencies/{prerequisite}"
        )
        if not answer.ok and answer.status != 404:
            return answer.problem()
    return None
