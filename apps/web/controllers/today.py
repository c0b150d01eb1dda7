"""The today page: open quests ranked by the AI's prioritize use case, each with its "why";
completing one shows the XP it earned, the level bar and the streak."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from apps.web.api import ApiAnswer
from apps.web.controllers.account import PAGE
from apps.web.navigation import flash_cookie, page
from apps.web.rendering import see_other
from apps.web.session import Visit

#: how long completing waits for the game to book the XP before showing the page anyway
XP_WAIT_SECONDS = 3.0
#: how long the today page waits for the AI to learn of a quest that was just written
RANK_WAIT_SECONDS = 1.5
OPEN = {"status": ["todo", "active"], "limit": 200}


def why(factors: dict[str, float]) -> list[tuple[str, str]]:
    """The ranking factors, biggest effect first, as ``(name, signed figure)``."""
    ordered = sorted(factors.items(), key=lambda item: abs(item[1]), reverse=True)
    return [
        (name, f"{value:+.1f}" if abs(value) >= 1 else f"{value:+.2f}")
        for name, value in ordered
        if round(value, 2) != 0
    ]


async def ranked_open_quests(visit: Visit) -> tuple[list[dict[str, Any]], str | None]:
    """Open quests in the AI's order with their reasons; unranked ones (not yet seen by the
    AI's read model) last. The second value says why there is no ranking, if there is none."""
    listed, blocked = await asyncio.gather(
        visit.get("/api/v1/quests", params=OPEN),
        visit.get("/api/v1/quests", params={**OPEN, "blocked": "true"}),
    )
    quests = list(listed.body["items"]) if listed.ok else []
    blocked_ids = {q["id"] for q in blocked.body["items"]} if blocked.ok else set()
    ranking = await _rank(visit, [q["id"] for q in quests])
    note = None if ranking.ok else f"Not ranked: {ranking.problem()}"
    ranked = {item["id"]: item for item in (ranking.body.get("items", []) if ranking.ok else [])}
    for quest in quests:
        item = ranked.get(quest["id"])
        quest["blocked"] = quest["id"] in blocked_ids
        quest["rank"] = item["rank"] if item else None
        quest["why"] = why(item.get("factors") or {}) if item else []
        quest["reason"] = item.get("reason") if item else None
    quests.sort(key=lambda q: (q["rank"] is None, q["rank"] or 0))
    return quests, note


async def _rank(visit: Visit, quest_ids: list[str]) -> ApiAnswer:
    """The AI's ranking of exactly these quests. The AI service learns of a quest from an
    event, a moment after it is written: while it does not know one yet (404) ask again
    briefly, then rank what it knows (the rest shows as not ranked yet)."""
    if not quest_ids:
        return ApiAnswer(status=200, body={"items": []})
    loop = asyncio.get_running_loop()
    deadline = loop.time() + RANK_WAIT_SECONDS
    while True:
        answer = await visit.post("/api/v1/ai/prioritize", json={"quest_ids": quest_ids})
        if answer.status != 404:
            return answer
        if loop.time() >= deadline:
            return await visit.post("/api/v1/ai/prioritize", json={})
        await asyncio.sleep(0.05)


async def _award_for(visit: Visit, quest_id: str) -> dict[str, Any] | None:
    answer = await visit.get("/api/v1/gamification/ledger", params={"limit": 20})
    if not answer.ok:
        return None
    for entry in answer.body["items"]:
        if entry.get("quest_id") == quest_id and entry.get("kind") == "award":
            return dict(entry)
    return None


class TodayPages(Controller):
    path = "/"

    @get("/", **PAGE)
    async def today(self, request: Request[Any, Any, Any]) -> Response[Any]:
        visit = Visit(request)
        quests, note = await ranked_open_quests(visit)
        celebration: dict[str, Any] | None = None
        completed = request.query_params.get("completed")
        if completed:
            celebration = await self._celebration(visit, completed, request)
        return await page(
            visit,
            "today.html",
            quests=quests,
            note=note,
            celebration=celebration,
        )

    async def _celebration(
        self, visit: Visit, quest_id: str, request: Request[Any, Any, Any]
    ) -> dict[str, Any]:
        award = await _award_for(visit, quest_id)
        quest = await visit.get(f"/api/v1/quests/{quest_id}")
        title = quest.body["title"] if quest.ok else "Quest"
        unlocked: list[str] = []
        if award is not None:
            booked = datetime.fromisoformat(award["at"])
            achievements = await visit.get("/api/v1/gamification/achievements")
            for item in achievements.body.get("items", []) if achievements.ok else []:
                at = item.get("unlocked_at")
                if at and abs((datetime.fromisoformat(at) - booked).total_seconds()) < 5:
                    unlocked.append(item["title"])
        was = request.query_params.get("was", "")
        return {
            "title": title,
            "xp": award["amount"] if award else None,
            "multipliers": award.get("multipliers", []) if award else [],
            "unlocked": unlocked,
            "was_level": int(was) if was.isdigit() else None,
        }

    @post("/quests/{quest_id:uuid}/complete", **PAGE)
    async def complete(self, request: Request[Any, Any, Any], quest_id: FromPath[UUID]) -> Any:
        visit = Visit(request)
        before = await visit.get("/api/v1/gamification/profile")
        answer = await visit.post(f"/api/v1/quests/{quest_id}/complete")
        if not answer.ok:
            message = answer.problem()
            if str(answer.problem_type()).endswith("/quest-blocked"):
                quest = await visit.get(f"/api/v1/quests/{quest_id}")
                title = quest.body["title"] if quest.ok else "This quest"
                message = f"“{title}” waits on unfinished prerequisites: complete those first."
            return see_other("/", cookies=[*visit.cookies, flash_cookie(request, message)])
        # The game books the XP when it hears of the completion (an event, usually within
        # milliseconds in the all-in-one); wait a little so the page can show it.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + XP_WAIT_SECONDS
        while await _award_for(visit, str(quest_id)) is None:
            if loop.time() >= deadline:
                break
            await asyncio.sleep(0.1)
        level = before.body["level"] if before.ok else ""
        return see_other(f"/?completed={quest_id}&was={level}", cookies=visit.cookies)

    @post("/quests/{quest_id:uuid}/checklist/{index:int}", **PAGE)
    async def tick(
        self, request: Request[Any, Any, Any], quest_id: FromPath[UUID], index: FromPath[int]
    ) -> Any:
        visit = Visit(request)
        form = await request.form()
        done = form.get("done") == "true"
        answer = await visit.call(
            "PUT", f"/api/v1/quests/{quest_id}/checklist/{index}", json={"done": done}
        )
        if not answer.ok:
            return see_other("/", cookies=[*visit.cookies, flash_cookie(request, answer.problem())])
        return see_other("/", cookies=visit.cookies)
