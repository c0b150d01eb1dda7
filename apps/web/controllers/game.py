"""Achievements, the leaderboard, and insights with charts."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from markupsafe import Markup

from apps.web.charts import Bar, bar_chart
from apps.web.controllers.account import PAGE
from apps.web.navigation import page
from apps.web.session import Visit

PERIODS = (("weekly", "This week"), ("monthly", "This month"), ("all-time", "All time"))


class GamePages(Controller):
    path = "/"

    @get("/achievements", **PAGE)
    async def achievements(self, request: Request[Any, Any, Any]) -> Response[str]:
        visit = Visit(request)
        answer = await visit.get("/api/v1/gamification/achievements")
        items = answer.body["items"] if answer.ok else []
        items = sorted(
            items, key=lambda a: (not a["unlocked"], -a["progress"] / max(a["target"], 1))
        )
        return await page(
            visit,
            "achievements.html",
            achievements=items,
            summary=answer.body if answer.ok else None,
            error=None if answer.ok else answer.problem(),
        )

    @get("/leaderboard", **PAGE)
    async def leaderboard(self, request: Request[Any, Any, Any]) -> Response[str]:
        visit = Visit(request)
        period = request.query_params.get("period", "weekly")
        if period not in dict(PERIODS):
            period = "weekly"
        answer = await visit.get(
            "/api/v1/gamification/leaderboard", params={"period": period, "limit": 50}
        )
        return await page(
            visit,
            "leaderboard.html",
            board=answer.body if answer.ok else None,
            period=period,
            periods=PERIODS,
            error=None if answer.ok else answer.problem(),
        )

    @get("/insights", **PAGE)
    async def insights(self, request: Request[Any, Any, Any]) -> Response[str]:
        visit = Visit(request)
        profile = await visit.get("/api/v1/gamification/profile")
        timezone = profile.body["timezone"] if profile.ok else "UTC"
        days_text = request.query_params.get("days", "30")
        days = int(days_text) if days_text.isdigit() and 1 <= int(days_text) <= 365 else 30
        answer = await visit.get("/api/v1/ai/insights", params={"timezone": timezone, "days": days})
        # bar_chart escapes every label and caption: what it returns is safe markup.
        charts: dict[str, Markup] = {}
        if answer.ok:
            data = answer.body
            by_day = data["completions_by_weekday"]
            charts["weekday"] = Markup(
                bar_chart(
                    "Completions by weekday",
                    [Bar(day[:3], n, f"{day}: {n} completed") for day, n in by_day.items()],
                )
            )
            charts["hour"] = Markup(
                bar_chart(
                    "Completions by hour of day",
                    [
                        Bar(f"{hour:02d}", n, f"{hour:02d}:00–{hour:02d}:59: {n} completed")
                        for hour, n in enumerate(data["completions_by_hour"])
                    ],
                )
            )
            accuracy = data["estimate_accuracy"]
            if accuracy["measured"] and accuracy["within_25_percent"] is not None:
                close = round(accuracy["measured"] * accuracy["within_25_percent"])
                off = accuracy["measured"] - close
                charts["accuracy"] = Markup(
                    bar_chart(
                        "Estimates within 25% of the time taken",
                        [
                            Bar("within 25%", close, f"{close} quests within 25%"),
                            Bar("further off", off, f"{off} quests further off"),
                        ],
                        height=140,
                    )
                )
            charts["overdue"] = Markup(
                bar_chart(
                    "Overdue quests by day",
                    [
                        Bar(
                            point["day"][5:],
                            point["overdue"],
                            f"{point['day']}: {point['overdue']} overdue",
                        )
                        for point in data["overdue_trend"]
                    ],
                )
            )
        return await page(
            visit,
            "insights.html",
            insights=answer.body if answer.ok else None,
            charts=charts,
            days=days,
            error=None if answer.ok else answer.problem(),
        )
