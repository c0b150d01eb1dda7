"""``/api/v1/analytics/experiments`` over HTTP on the all-in-one (memory, SQLite, PostgreSQL).

A player asks which variant they are in and gets the same answer every time, with one exposure
recorded; admins define, start, stop and summarise; players cannot manage. Completions reach
the summary through the quest service's events: on SQL the all-in-one's in-process worker
runs the analytics consumer and the test waits for it; in memory there is no relay, so the
test hands the quest service's events to the consumer's use case itself.
"""

from __future__ import annotations

import itertools
import time
from typing import Any
from uuid import UUID

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from apps.http.problems import PROBLEM_MEDIA_TYPE
from questlog_core.analytics.experiments.model import Variant, assign
from questlog_core.analytics.experiments.use_cases import count_completion
from questlog_core.kernel.ids import UserId
from questlog_core.quests.events import QuestCompleted
from questlog_core.services.auth import AuthService
from tests.support.service_events import quest_service_events

from .conftest import ON_EVERY_DATABASE, PASSWORD, MakeUser

Client = TestClient[Litestar]
X = "/api/v1/analytics/experiments"
_emails = itertools.count(1)

TIPS = {
    "key": "onboarding-tips",
    "name": "Onboarding tips",
    "description": "Do first-day tips make people finish a quest?",
    "variants": [{"key": "control", "weight": 1}, {"key": "tips", "weight": 1}],
    "metric": "completion_rate",
    "window_days": 7,
}


def _admin(client: Client) -> dict[str, str]:
    email = f"experiments-admin{next(_emails)}@example.com"
    registered = client.post(
        "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "display_name": "A"}
    )
    assert registered.status_code == 202, registered.text
    auth: AuthService = client.app.state.container.auth_service()
    client.blocking_portal.call(auth.make_admin, email)
    login = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def _user_id(client: Client, headers: dict[str, str]) -> UserId:
    me = client.get("/api/v1/auth/profile", headers=headers)
    assert me.status_code == 200, me.text
    return UserId(UUID(me.json()["id"]))


def _running(client: Client, admin: dict[str, str], **overrides: Any) -> dict[str, Any]:
    made = client.post(X, json={**TIPS, **overrides}, headers=admin)
    assert made.status_code == 201, made.text
    assert made.json()["status"] == "draft"
    started = client.post(f"{X}/{made.json()['key']}/start", headers=admin)
    assert started.status_code == 200, started.text
    assert started.json()["status"] == "running"
    body: dict[str, Any] = started.json()
    return body


def _summary(client: Client, admin: dict[str, str], key: str = "onboarding-tips") -> Any:
    response = client.get(f"{X}/{key}/summary", headers=admin)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("settings", ON_EVERY_DATABASE, indirect=True)
def test_a_player_gets_a_stable_variant_and_is_exposed_once(
    client: Client, make_user: MakeUser
) -> None:
    admin = _admin(client)
    _running(client, admin)
    players = [make_user(client) for _ in range(4)]
    for headers in players:
        answers = [client.get(f"{X}/onboarding-tips/variant", headers=headers) for _ in range(3)]
        assert {a.status_code for a in answers} == {200}
        bodies = [a.json() for a in answers]
        assert len({b["variant"] for b in bodies}) == 1
        assert len({b["exposed_at"] for b in bodies}) == 1
        expected = assign(
            "onboarding-tips",
            _user_id(client, headers),
            [Variant(key="control"), Variant(key="tips")],
        )
        assert bodies[0] == {
            "experiment": "onboarding-tips",
            "variant": expected,
            "exposed_at": bodies[0]["exposed_at"],
        }
    summary = _summary(client, admin)
    assert sum(v["exposed"] for v in summary["variants"]) == len(players)
    assert [v["variant"] for v in summary["variants"]] == ["control", "tips"]
    assert summary["variants"][0]["control"] is True


@pytest.mark.parametrize("settings", ON_EVERY_DATABASE, indirect=True)
def test_not_running_means_no_variant_and_no_exposure(client: Client, make_user: MakeUser) -> None:
    admin = _admin(client)
    player = make_user(client)
    unknown = client.get(f"{X}/never-made/variant", headers=player)
    assert unknown.status_code == 200
    assert unknown.json() == {"experiment": "never-made", "variant": None, "exposed_at": None}
    assert client.post(X, json=TIPS, headers=admin).status_code == 201
    draft = client.get(f"{X}/onboarding-tips/variant", headers=player)
    assert draft.json()["variant"] is None
    assert client.post(f"{X}/onboarding-tips/start", headers=admin).status_code == 200
    assert client.post(f"{X}/onboarding-tips/stop", headers=admin).status_code == 200
    stopped = client.get(f"{X}/onboarding-tips/variant", headers=player)
    assert stopped.json()["variant"] is None
    assert sum(v["exposed"] for v in _summary(client, admin)["variants"]) == 0


def _deliver_completions(app: Litestar, client: Client, expected: int) -> None:
    """Wait until the analytics consumer counted ``expected`` completions (SQL: the in-process
    worker; memory: this function hands it the quest service's events)."""
    container = app.state.container
    if container.engine() is None:
        events = [e for e in quest_service_events(app, client) if isinstance(e, QuestCompleted)]

        async def feed() -> None:
            for event in events:
                await count_completion(event, container.experiment_uow())

        client.blocking_portal.call(feed)
        return

    async def counted() -> int:
        summary = await container.experiments_bus().handle(_summary_query())
        return sum(v.completions for v in summary.variants)

    deadline = time.monotonic() + 10
    while client.blocking_portal.call(counted) < expected:
        assert time.monotonic() < deadline, "the analytics consumer did not count the completions"
        time.sleep(0.05)


def _summary_query() -> Any:
    from questlog_core.analytics.experiments.messages import GetExperimentSummary

    return GetExperimentSummary(key="onboarding-tips")


@pytest.mark.parametrize("settings", ON_EVERY_DATABASE, indirect=True)
def test_the_summary_counts_completions_after_exposure_with_intervals(
    app: Litestar, client: Client, make_user: MakeUser
) -> None:
    admin = _admin(client)
    _running(client, admin)
    by_variant: dict[str, list[dict[str, str]]] = {"control": [], "tips": []}
    while min(len(v) for v in by_variant.values()) < 2:
        headers = make_user(client)
        answer = client.get(f"{X}/onboarding-tips/variant", headers=headers).json()
        by_variant[answer["variant"]].append(headers)
    finisher = by_variant["tips"][0]
    for title in ("Read the tips", "Do the first quest"):
        made = client.post("/api/v1/quests", json={"title": title}, headers=finisher)
        assert made.status_code == 201, made.text
        done = client.post(f"/api/v1/quests/{made.json()['id']}/complete", headers=finisher)
        assert done.status_code == 200, done.text
    _deliver_completions(app, client, expected=2)

    summary = _summary(client, admin)
    assert summary["metric"] == "completion_rate"
    assert summary["level"] == 0.95
    control, tips = summary["variants"]
    n_control, n_tips = len(by_variant["control"]), len(by_variant["tips"])
    assert (control["exposed"], control["converted"], control["completions"]) == (n_control, 0, 0)
    assert (tips["exposed"], tips["converted"], tips["completions"]) == (n_tips, 1, 2)
    assert tips["value"]["estimate"] == pytest.approx(1 / n_tips)
    assert 0 < tips["value"]["low"] < tips["value"]["estimate"] < tips["value"]["high"] <= 1
    assert control["value"]["estimate"] == 0
    assert control["value"]["low"] == 0
    assert control["difference"] is None
    assert tips["difference"]["estimate"] == pytest.approx(1 / n_tips)
    assert tips["difference"]["low"] < 0 < tips["difference"]["high"]  # too few users to tell


@pytest.mark.parametrize("settings", ["memory"], indirect=True)
def test_players_cannot_manage_experiments(client: Client, make_user: MakeUser) -> None:
    admin = _admin(client)
    player = make_user(client)
    assert client.post(X, json=TIPS, headers=player).status_code == 403
    assert client.post(X, json=TIPS, headers=admin).status_code == 201
    for response in (
        client.get(X, headers=player),
        client.get(f"{X}/onboarding-tips", headers=player),
        client.post(f"{X}/onboarding-tips/start", headers=player),
        client.post(f"{X}/onboarding-tips/stop", headers=player),
        client.get(f"{X}/onboarding-tips/summary", headers=player),
    ):
        assert response.status_code == 403, response.text
        assert response.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    assert client.get(f"{X}/onboarding-tips", headers=admin).json()["status"] == "draft"
    assert client.get(f"{X}/onboarding-tips/variant").status_code == 401


@pytest.mark.parametrize("settings", ["memory"], indirect=True)
def test_bad_definitions_and_transitions_are_clear_4xx(client: Client) -> None:
    admin = _admin(client)

    def problem(response: Any, status: int) -> dict[str, Any]:
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
        body: dict[str, Any] = response.json()
        return body

    # a value outside the published bounds is a 422 naming the field; a wrong type a 400
    for field, value in (("variants", [{"key": "only"}]), ("key", "Not A Key"), ("window_days", 0)):
        body = problem(client.post(X, json={**TIPS, field: value}, headers=admin), 422)
        assert [e["field"] for e in body["errors"]] == [field], body
    problem(client.post(X, json={**TIPS, "window_days": "a week"}, headers=admin), 400)
    problem(client.post(X, json={**TIPS, "metric": "happiness"}, headers=admin), 400)
    twice = [{"key": "a"}, {"key": "a"}]
    assert problem(client.post(X, json={**TIPS, "variants": twice}, headers=admin), 422)

    assert client.get(X, headers=admin).json() == {"items": []}  # nothing half-written

    assert client.post(X, json=TIPS, headers=admin).status_code == 201
    problem(client.post(X, json=TIPS, headers=admin), 409)
    problem(client.post(f"{X}/onboarding-tips/stop", headers=admin), 409)
    assert client.post(f"{X}/onboarding-tips/start", headers=admin).status_code == 200
    problem(client.post(f"{X}/onboarding-tips/start", headers=admin), 409)
    problem(client.get(f"{X}/missing/summary", headers=admin), 404)
    problem(client.post(f"{X}/missing/start", headers=admin), 404)
    listed = client.get(X, headers=admin).json()["items"]
    assert [(e["key"], e["status"], e["control"]) for e in listed] == [
        ("onboarding-tips", "running", "control")
    ]
