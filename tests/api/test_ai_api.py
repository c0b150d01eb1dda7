"""The AI service through HTTP: every endpoint with no API key (local, labelled ``degraded``
where a model would have answered) and with a stubbed OpenAI at the SDK's HTTP transport;
another user's read-model quests never appear and are refused by id; the per-user AI rate
limit answers 429 with ``Retry-After``; bad input is a 4xx problem.

The read model is fed by calling the projection use case with quest events (the event
backbone that delivers them in production is tested on its own).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx2
import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from adapters.llm.failover import FailoverLanguageModel, Link
from adapters.llm.openai_model import OpenAiLanguageModel
from questlog_core.ai.projection import project_quest_event
from questlog_core.events import DomainEvent
from questlog_core.events.quests import (
    DependencyAdded,
    QuestCompleted,
    QuestCreated,
    QuestStarted,
)
from questlog_core.ids import EventId, QuestId, UserId
from tests.api.conftest import MakeUser
from tests.contract.llm_stubs import Recorder, openai_completion
from tests.support.service_events import auth_service_events, quest_service_events

AI_ROUTES_WITH_MODEL = ["/api/v1/ai/breakdown", "/api/v1/ai/classify", "/api/v1/ai/quick-add"]


def user_id(client: TestClient[Litestar], headers: dict[str, str]) -> UserId:
    profile = client.get("/api/v1/auth/profile", headers=headers)
    assert profile.status_code == 200, profile.text
    body = profile.json()
    return UserId(UUID(body.get("id") or body["user_id"]))


Feed = Callable[..., None]


@pytest.fixture
def feed(app: Litestar, client: TestClient[Litestar]) -> Feed:
    """``feed(*events)``: deliver events to the AI read model the way a consumer would, on
    the test client's own event loop (where the app's engine lives)."""

    def deliver(*events: DomainEvent) -> None:
        async def run() -> None:
            for event in events:
                await project_quest_event(event, app.state.container.ai_uow())

        client.blocking_portal.call(run)

    return deliver


def quest(
    owner: UserId,
    title: str,
    *,
    at: datetime,
    due: datetime | None = None,
    priority: int = 0,
    difficulty: str = "medium",
    category: str | None = None,
    tags: tuple[str, ...] = (),
    estimate: int | None = None,
) -> QuestCreated:
    return QuestCreated(
        event_id=EventId(uuid4()),
        occurred_at=at,
        owner=owner,
        quest_id=QuestId(uuid4()),
        title=title,
        difficulty=difficulty,
        category=category,
        due=due,
        priority=priority,
        tags=tags,
        estimate_minutes=estimate,
    )


def completed(created: QuestCreated, at: datetime) -> QuestCompleted:
    return QuestCompleted(
        event_id=EventId(uuid4()),
        occurred_at=at,
        owner=created.owner,
        quest_id=created.quest_id,
        occurrence=0,
        difficulty=created.difficulty,
        priority=created.priority,
        due=created.due,
        completed_at=at,
        created_at=created.occurred_at,
        on_time=True,
        owner_timezone="UTC",
        category=created.category,
        tags=created.tags,
    )


def started(created: QuestCreated, at: datetime) -> QuestStarted:
    return QuestStarted(
        event_id=EventId(uuid4()), occurred_at=at, owner=created.owner, quest_id=created.quest_id
    )


NOW = datetime.now(UTC)


# -- prioritize -------------------------------------------------------------------------------


def test_prioritize_ranks_the_body_with_scores_own_scores_and_factors(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    headers = make_user(client)
    body = {
        "quests": [
            {"id": "chore", "title": "Sort the drawer"},
            {
                "id": "tax",
                "title": "File taxes",
                "due": (NOW + timedelta(days=1)).isoformat(),
                "priority": 3,
            },
            {"id": "prep", "title": "Collect receipts"},
        ],
    }
    body["quests"][1]["depends_on"] = ["prep"]  # type: ignore[index]
    answer = client.post("/api/v1/ai/prioritize", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    out = answer.json()
    assert out["policy"] == "urgency"
    assert out["source"] == "request"
    ids = [item["id"] for item in out["items"]]
    # the prerequisite of the urgent quest inherits its urgency: first, before the chore;
    # the blocked quest itself cannot be acted on yet and never ranks above its prerequisite
    assert ids[0] == "prep"
    assert ids.index("prep") < ids.index("tax")
    for item in out["items"]:
        assert abs(sum(item["factors"].values()) - item["score"]) < 1e-6
        assert "own_score" in item
    assert out["model"] is None  # no model was asked


def test_prioritize_reads_the_callers_open_quests_from_the_read_model_only(
    feed: Feed, client: TestClient[Litestar], make_user: MakeUser
) -> None:
    alice, bob = make_user(client), make_user(client)
    alice_id, bob_id = user_id(client, alice), user_id(client, bob)
    a1 = quest(alice_id, "Alice open", at=NOW - timedelta(days=2), priority=2)
    a2 = quest(alice_id, "Alice done", at=NOW - timedelta(days=2))
    b1 = quest(bob_id, "Bob secret", at=NOW - timedelta(days=1), priority=4)
    feed(a1, a2, completed(a2, NOW - timedelta(hours=1)), b1)

    out = client.post("/api/v1/ai/prioritize", json={}, headers=alice).json()
    assert out["source"] == "read-model"
    assert [item["title"] for item in out["items"]] == ["Alice open"]

    # another user's quest id is not found, never ranked
    stolen = client.post(
        "/api/v1/ai/prioritize", json={"quest_ids": [str(b1.quest_id)]}, headers=alice
    )
    assert stolen.status_code == 404
    assert stolen.headers["content-type"].startswith("application/problem+json")
    assert "Bob" not in stolen.text
    mine = client.post(
        "/api/v1/ai/prioritize", json={"quest_ids": [str(a1.quest_id)]}, headers=alice
    )
    assert [item["id"] for item in mine.json()["items"]] == [str(a1.quest_id)]


def test_prioritize_rerank_without_a_key_is_the_labelled_local_fallback(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    headers = make_user(client)
    body = {
        "rerank_top": 2,
        "quests": [
            {"id": "a", "title": "A", "priority": 4},
            {"id": "b", "title": "B", "priority": 1},
            {"id": "c", "title": "C"},
        ],
    }
    out = client.post("/api/v1/ai/prioritize", json=body, headers=headers).json()
    assert out["model"]["provider"] == "local"
    assert out["model"]["degraded"] is True
    top = out["items"][:2]
    assert [i["id"] for i in top] == ["a", "b"]
    assert all(i["reason"] for i in top)
    assert out["items"][2]["reason"] is None


def test_bad_prioritize_input_is_a_4xx_problem(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    headers = make_user(client)
    for body in (
        {"policy": "astrology"},
        {"quests": [{"id": "x"}]},
        {"quests": [{"id": "x", "title": "X"}], "quest_ids": [str(uuid4())]},
        {"rerank_top": 99},
        {"unknown": 1},
    ):
        answer = client.post("/api/v1/ai/prioritize", json=body, headers=headers)
        assert 400 <= answer.status_code < 500, (body, answer.status_code)
        assert answer.headers["content-type"].startswith("application/problem+json")


def test_every_ai_route_needs_a_token(client: TestClient[Litestar]) -> None:
    for path in [*AI_ROUTES_WITH_MODEL, "/api/v1/ai/prioritize", "/api/v1/ai/suggest"]:
        assert client.post(path, json={}).status_code == 401
    assert client.get("/api/v1/ai/insights").status_code == 401


# -- quick add, breakdown, classify without a key ------------------------------------------


def test_quick_add_parses_locally_in_the_users_time_zone(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    headers = make_user(client)
    answer = client.post(
        "/api/v1/ai/quick-add",
        json={
            "text": "Pay rent every month on the 1st at 9am !high #home ~30m",
            "timezone": "Europe/Berlin",
        },
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    out = answer.json()
    assert out["method"] == "parser"
    assert out["model"] is None
    q = out["quest"]
    assert q["title"] == "Pay rent"
    assert q["recurrence"] == {
        "rule": "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0",
        "timezone": "Europe/Berlin",
        "mode": "schedule",
    }
    due = datetime.fromisoformat(q["due"])
    assert (due.day, due.hour, due.minute) == (1, 9, 0)
    assert due.utcoffset() == timedelta(hours=1)  # CET: Berlin winter time
    assert (q["priority"], q["tags"], q["estimate_minutes"]) == (3, ["home"], 30)


def test_quick_add_falls_back_to_the_parser_labelled_degraded(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    headers = make_user(client)
    out = client.post(
        "/api/v1/ai/quick-add",
        json={"text": "Dinner the day after tomorrow-ish"},
        headers=headers,
    ).json()
    assert out["method"] == "model"
    assert out["model"]["provider"] == "local"
    assert out["model"]["degraded"] is True


def test_quick_add_refuses_an_unknown_time_zone(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    answer = client.post(
        "/api/v1/ai/quick-add",
        json={"text": "Call mum", "timezone": "Mars/Olympus"},
        headers=make_user(client),
    )
    assert answer.status_code == 422


def test_breakdown_preview_is_a_template_body_with_the_xp_split(
    client: TestClient[Litestar], make_user: MakeUser
) -> None:
    headers = make_user(client)
    answer = client.post(
        "/api/v1/ai/breakdown",
        json={
            "title": "Move flat",
            "notes": "- pack boxes\n- book van\n- clean old flat",
            "difficulty": "hard",
            "estimate_minutes": 600,
        },
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    out = answer.json()
    assert out["model"]["degraded"] is True
    assert out["model"]["provider"] == "local"
    steps = out["template"]["steps"]
    assert [s["title_pattern"] for s in steps] == ["pack boxes", "book van", "clean old flat"]
    assert [s["after"] for s in steps] == [[], [0], [1]]
    assert sum(s["estimate_minutes"] for s in steps) == 600
    assert sum(out["step_xp"]) == out["parent_xp"] == 40
    # the quest service accepts the preview as a template, unchanged
    saved = client.post("/api/v1/templates", json=out["template"], headers=headers)
    assert saved.status_code == 201, saved.text


def test_classify_votes_with_the_users_own_labelled_quests(
    feed: Feed, client: TestClient[Litestar], make_user: MakeUser
) -> None:
    alice, bob = make_user(client), make_user(client)
    alice_id, bob_id = user_id(client, alice), user_id(client, bob)
    feed(
        quest(
            alice_id,
            "Pay the electricity bill",
            at=NOW,
            category="money",
            tags=("bills",),
            estimate=15,
            difficulty="easy",
        ),
        quest(
            alice_id,
            "Pay the water bill",
            at=NOW,
            category="money",
            tags=("bills",),
            estimate=15,
            difficulty="easy",
        ),
        quest(bob_id, "Pay the gas bill", at=NOW, category="bob-secret", tags=("bob",)),
    )
    out = client.post(
        "/api/v1/ai/classify", json={"title": "Pay the phone bill"}, headers=alice
    ).json()
    assert out["model"]["provider"] == "local"
    assert out["model"]["degraded"] is True
    assert out["neighbours"] == 2  # only Alice's own quests
    c = out["classification"]
    assert (c["category"], c["tags"], c["difficulty"]) == ("money", ["bills"], "easy")
    assert 0 < c["confidence"] <= 1
    # Bob never sees Alice's labels, and the rules answer for him
    bob_out = client.post("/api/v1/ai/classify", json={"title": "Pay the phone bill"}, headers=bob)
    assert bob_out.json()["classification"]["category"] != "money"


# -- suggest, insights, analyze ----------------------------------------------------------------


def test_suggest_insights_and_analyze_read_only_the_callers_read_model(
    feed: Feed, client: TestClient[Litestar], make_user: MakeUser
) -> None:
    alice, bob = make_user(client), make_user(client)
    alice_id, bob_id = user_id(client, alice), user_id(client, bob)
    day = NOW - timedelta(days=3)
    quick = quest(
        alice_id, "Quick email", at=day, estimate=10, difficulty="trivial", category="work"
    )
    long = quest(alice_id, "Write the report", at=day, estimate=240, difficulty="hard")
    prereq = quest(alice_id, "Gather numbers", at=day, estimate=5, difficulty="trivial")
    blocked = quest(alice_id, "Send numbers", at=day, estimate=5, difficulty="trivial")
    done = quest(alice_id, "Stretch", at=day, estimate=30, category="health")
    bob_q = quest(bob_id, "Bob only", at=day, estimate=5, difficulty="trivial", category="bob")
    edge = DependencyAdded(
        event_id=EventId(uuid4()), occurred_at=day, owner=alice_id,
        prerequisite_id=prereq.quest_id, dependent_id=blocked.quest_id,
    )  # fmt: skip
    feed(
        quick, long, prereq, blocked, edge, done,
        started(done, day + timedelta(hours=1)),
        completed(done, day + timedelta(hours=1, minutes=45)),
        bob_q, completed(bob_q, day),
    )  # fmt: skip

    out = client.post(
        "/api/v1/ai/suggest", json={"minutes": 15, "energy": "low"}, headers=alice
    ).json()
    titles = [s["title"] for s in out["items"]]
    assert set(titles) == {"Quick email", "Gather numbers"}  # fits, unblocked, Alice's

    # similar past quests with their real durations, likely duplicates, never Bob's
    planned = client.post(
        "/api/v1/ai/suggest", json={"minutes": 60, "title": "Stretch"}, headers=alice
    ).json()
    assert [(q["title"], q["actual_minutes"]) for q in planned["similar_done"]][:1] == [
        ("Stretch", 45)
    ]
    again = client.post(
        "/api/v1/ai/suggest", json={"minutes": 60, "title": "Write the report"}, headers=alice
    ).json()
    assert [q["title"] for q in again["likely_duplicates"]] == ["Write the report"]
    for answer in (planned, again):
        assert "Bob only" not in json.dumps(answer)

    # a job done again and again is worth a template; Bob's never count
    weekly = [quest(alice_id, "Weekly review", at=day, estimate=30) for _ in range(3)]
    feed(*weekly, *(completed(q, day + timedelta(hours=2)) for q in weekly))
    bobs = [quest(bob_id, "Weekly review", at=day) for _ in range(2)]
    feed(*bobs, *(completed(q, day) for q in bobs))
    suggested = client.post(
        "/api/v1/ai/suggest", json={"minutes": 5, "templates": True}, headers=alice
    ).json()
    assert suggested["template_suggestions"] == [
        {
            "title_pattern": "Weekly review", "count": 3, "examples": ["Weekly review"],
            "median_estimate_minutes": 30, "median_actual_minutes": None,
        }
    ]  # fmt: skip

    insights = client.get("/api/v1/ai/insights", params={"timezone": "UTC"}, headers=alice)
    assert insights.status_code == 200, insights.text
    figures = insights.json()
    assert figures["completed"] == 4
    assert sum(figures["completions_by_hour"]) == 4
    assert sum(figures["completions_by_weekday"].values()) == 4
    assert figures["estimate_accuracy"] == {
        "measured": 1, "median_ratio": 1.5, "within_25_percent": 0.0,
    }  # fmt: skip
    categories = {c["category"] for c in figures["category_balance"]}
    assert "bob" not in categories
    assert "health" in categories
    assert len(figures["overdue_trend"]) == 14
    assert figures["summary"]

    analysis = client.post("/api/v1/ai/analyze", json={"timezone": "UTC"}, headers=alice)
    assert analysis.status_code == 200, analysis.text
    body = analysis.json()
    assert body["model"]["degraded"] is True
    assert body["narrative"] == " ".join(body["insights"]["summary"])

    bad = client.get("/api/v1/ai/insights", params={"timezone": "Nowhere/Land"}, headers=alice)
    assert bad.status_code == 422


# -- rate limit ---------------------------------------------------------------------------


def test_the_per_user_ai_rate_limit_answers_429_with_retry_after(
    app: Litestar, client: TestClient[Litestar], make_user: MakeUser
) -> None:
    app.state.container.config.ai_requests_per_minute.from_value(2)
    alice, bob = make_user(client), make_user(client)
    for _ in range(2):
        ok = client.post("/api/v1/ai/classify", json={"title": "x"}, headers=alice)
        assert ok.status_code == 200
    limited = client.post("/api/v1/ai/classify", json={"title": "x"}, headers=alice)
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
    # another user's budget is their own
    assert client.post("/api/v1/ai/classify", json={"title": "x"}, headers=bob).status_code == 200
    # ranking without a model does not spend the budget
    assert client.post("/api/v1/ai/prioritize", json={}, headers=alice).status_code == 200


# -- with a stubbed OpenAI -----------------------------------------------------------------


def _openai_answering(answers: dict[str, Any]) -> Recorder:
    """An OpenAI stub answering each structured-output schema (by name) with ``answers``."""

    def handle(request: httpx2.Request) -> httpx2.Response:
        name = json.loads(request.content)["response_format"]["json_schema"]["name"]
        return openai_completion(json.dumps(answers[name]))(request)

    return Recorder(handle)


@pytest.fixture
def stubbed_openai(app: Litestar) -> Callable[[dict[str, Any]], Recorder]:
    def install(answers: dict[str, Any]) -> Recorder:
        recorder = _openai_answering(answers)
        container = app.state.container
        openai_model = OpenAiLanguageModel(
            api_key="sk-test",
            model="gpt-5.4-mini",
            timeout_seconds=5,
            max_retries=0,
            http_client=recorder.client(),
        )
        chain = FailoverLanguageModel([Link(openai_model), Link(container.local_language_model())])
        container.language_model.override(providers.Object(chain))
        return recorder

    return install


def test_with_openai_every_model_route_says_openai_answered(
    app: Litestar,
    client: TestClient[Litestar],
    make_user: MakeUser,
    stubbed_openai: Callable[[dict[str, Any]], Recorder],
) -> None:
    headers = make_user(client)
    other = str(uuid4())
    recorder = stubbed_openai(
        {
            "Rerank": {
                "order": [
                    {"id": other, "reason": "not yours"},
                    {"id": "b", "reason": "Quick win that unblocks the rest"},
                    {"id": "a", "reason": "Important but long"},
                ]
            },
            "Classification": {
                "category": "finance", "tags": ["bills"], "difficulty": "easy",
                "estimate_minutes": 10, "confidence": 0.9,
            },
            "Breakdown": {
                "steps": [
                    {"title": "Pick a date", "estimate_minutes": 10},
                    {"title": "Invite people", "estimate_minutes": 20},
                ]
            },
            "QuickAddDraft": {
                "title": "Dinner", "due": "2027-01-02T19:00", "rrule": None, "priority": 2,
                "tags": ["#family"], "estimate_minutes": 90, "difficulty": "medium",
            },
            "Narrative": {"text": "You finish most things in the morning."},
        }
    )  # fmt: skip
    ranked = client.post(
        "/api/v1/ai/prioritize",
        json={
            "rerank_top": 2,
            "quests": [{"id": "a", "title": "A", "priority": 4}, {"id": "b", "title": "B"}],
        },
        headers=headers,
    ).json()
    assert ranked["model"] == {
        "provider": "openai", "model": "gpt-5.4-mini-2026-03-17", "degraded": False,
        "fell_back_from": [], "cached": False,
    }  # fmt: skip
    assert [(i["id"], i["reason"]) for i in ranked["items"]] == [
        ("b", "Quick win that unblocks the rest"),
        ("a", "Important but long"),
    ]  # the id the model invented is dropped

    classified = client.post("/api/v1/ai/classify", json={"title": "Pay bill"}, headers=headers)
    assert classified.json()["model"]["provider"] == "openai"
    assert classified.json()["classification"]["category"] == "finance"

    preview = client.post(
        "/api/v1/ai/breakdown", json={"title": "Party", "estimate_minutes": 60}, headers=headers
    ).json()
    assert preview["model"]["provider"] == "openai"
    assert [s["estimate_minutes"] for s in preview["template"]["steps"]] == [20, 40]

    added = client.post(
        "/api/v1/ai/quick-add",
        json={"text": "Dinner with the family the day after tomorrow-ish", "timezone": "UTC"},
        headers=headers,
    ).json()
    assert added["method"] == "model"
    assert added["model"]["degraded"] is False
    assert added["quest"]["tags"] == ["family"]
    assert added["quest"]["due"].startswith("2027-01-02T19:00")

    analysis = client.post("/api/v1/ai/analyze", json={}, headers=headers).json()
    assert analysis["narrative"] == "You finish most things in the morning."
    assert analysis["model"]["provider"] == "openai"

    # user text reached the provider only inside fenced data blocks
    sent = recorder.bodies()[0]["messages"][1]["content"]
    assert '<data name="quests">' in sent


def test_malformed_openai_output_falls_back_to_local_and_says_so(
    client: TestClient[Litestar],
    make_user: MakeUser,
    stubbed_openai: Callable[[dict[str, Any]], Recorder],
) -> None:
    headers = make_user(client)
    stubbed_openai({"Classification": {"category": 7, "confidence": "very"}})
    out = client.post("/api/v1/ai/classify", json={"title": "Pay rent"}, headers=headers).json()
    assert out["model"]["provider"] == "local"
    assert out["model"]["degraded"] is True
    assert out["model"]["fell_back_from"] == ["openai"]
    assert out["classification"]["category"] == "finance"  # the keyword rule


def test_when_openai_times_out_anthropic_answers_and_says_so(
    app: Litestar, client: TestClient[Litestar], make_user: MakeUser
) -> None:
    from adapters.llm.anthropic_model import AnthropicLanguageModel
    from tests.contract.llm_stubs import anthropic_tool_use, timing_out

    container = app.state.container
    openai_stub, anthropic_stub = (
        Recorder(timing_out),
        Recorder(anthropic_tool_use({"text": "Mornings are your best hours."})),
    )
    chain = FailoverLanguageModel(
        [
            Link(
                OpenAiLanguageModel(
                    api_key="sk-test", model="gpt-5.4-mini", timeout_seconds=2, max_retries=0,
                    http_client=openai_stub.client(),
                )
            ),
            Link(
                AnthropicLanguageModel(
                    api_key="sk-ant-test", model="claude-haiku-4-5", timeout_seconds=2,
                    max_retries=0, http_client=anthropic_stub.client(),
                )
            ),
            Link(container.local_language_model()),
        ]
    )  # fmt: skip
    container.language_model.override(providers.Object(chain))
    out = client.post("/api/v1/ai/analyze", json={}, headers=make_user(client)).json()
    assert out["narrative"] == "Mornings are your best hours."
    assert out["model"]["provider"] == "anthropic"
    assert out["model"]["degraded"] is False
    assert out["model"]["fell_back_from"] == ["openai"]
    assert len(openai_stub.requests) == 1


def test_the_read_model_follows_the_quest_services_own_events(
    app: Litestar, client: TestClient[Litestar], make_user: MakeUser, feed: Feed
) -> None:
    headers = make_user(client)

    def create(**fields: object) -> str:
        made = client.post("/api/v1/quests", json=fields, headers=headers)
        assert made.status_code == 201, made.text
        return str(made.json()["id"])

    receipts = create(title="Collect receipts", estimate_minutes=30)
    taxes = create(
        title="File taxes", priority=3, due=(NOW + timedelta(days=1)).isoformat(), tags=["admin"]
    )
    chore = create(title="Sort the drawer")
    linked = client.post(
        f"/api/v1/quests/{taxes}/dependencies", json={"prerequisite_id": receipts}, headers=headers
    )
    assert linked.status_code == 201, linked.text
    renamed = client.patch(f"/api/v1/quests/{chore}", json={"priority": 1}, headers=headers)
    assert renamed.status_code == 200, renamed.text
    done = create(title="Stretch", category="health")
    assert (
        client.post(f"/api/v1/quests/{done}/complete", json={}, headers=headers).status_code == 200
    )

    events = quest_service_events(app, client)
    feed(*events)
    feed(*events)  # delivered twice: applied once

    ranked = client.post("/api/v1/ai/prioritize", json={}, headers=headers).json()
    ids = [item["id"] for item in ranked["items"]]
    assert sorted(ids) == sorted([receipts, taxes, chore])
    assert ids[0] == receipts  # the urgent quest's prerequisite inherits its urgency
    assert ids.index(receipts) < ids.index(taxes)
    figures = client.get("/api/v1/ai/insights", headers=headers).json()
    assert figures["completed"] == 1
    assert {"category": "health", "done": 1, "open": 0} in figures["category_balance"]


def test_quick_add_and_insights_read_times_in_the_profiles_time_zone(
    app: Litestar, client: TestClient[Litestar], make_user: MakeUser
) -> None:
    headers = make_user(client)
    moved = client.put("/api/v1/auth/profile", json={"timezone": "Asia/Tokyo"}, headers=headers)
    assert moved.status_code == 200, moved.text

    def line(**extra: str) -> dict[str, Any]:
        answer = client.post(
            "/api/v1/ai/quick-add",
            json={"text": "Call the bank tomorrow at 9am", **extra},
            headers=headers,
        )
        assert answer.status_code == 200, answer.text
        return dict(answer.json()["quest"])

    # the consumer's work, as the worker does it (on SQLite the all-in-one's own worker may
    # have done it already: the AI inbox makes a second delivery change nothing)
    events = auth_service_events(app, client)
    assert any(type(e).__name__ == "ProfileUpdated" for e in events)

    async def deliver() -> None:
        from questlog_core.ai.zones import project_identity_event

        for event in events:
            await project_identity_event(event, app.state.container.ai_uow())

    client.blocking_portal.call(deliver)

    due = datetime.fromisoformat(line()["due"])
    assert (due.hour, due.minute, due.utcoffset()) == (9, 0, timedelta(hours=9))
    # a zone named in the request still wins
    asked = datetime.fromisoformat(line(timezone="Europe/Berlin")["due"])
    assert asked.utcoffset() == timedelta(hours=1)
    figures = client.get("/api/v1/ai/insights", headers=headers)
    assert figures.status_code == 200, figures.text
    assert figures.json()["timezone"] == "Asia/Tokyo"
    other = client.get("/api/v1/ai/insights", params={"timezone": "UTC"}, headers=headers)
    assert other.json()["timezone"] == "UTC"
    # another player's profile zone is not theirs
    stranger = make_user(client)
    theirs = client.get("/api/v1/ai/insights", headers=stranger)
    assert theirs.json()["timezone"] == "UTC"
