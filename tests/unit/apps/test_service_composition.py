"""Each service builds only what it needs: its container parts, its adapters, its package."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from apps.container import build_container
from apps.settings import Settings

ROOT = Path(__file__).resolve().parents[3]

QUEST_PROVIDERS = {"quest_uow", "quest_reads", "file_storage"}
GAME_PROVIDERS = {"game_uow", "game_reader_uow", "board_projection"}
AI_PROVIDERS = {"ai_uow", "language_model", "embedder", "vector_index"}
IDENTITY_PROVIDERS = {"auth_service", "authenticator", "profile_reads"}


def settings(tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        database_url="memory://",
        jwt_private_key_path=str(tmp_path / "jwt.pem"),
        vector_index_dir=str(tmp_path / "vectors"),
        storage_dir=str(tmp_path / "files"),
    )


@pytest.mark.parametrize(
    ("service", "present", "absent"),
    [
        ("auth", IDENTITY_PROVIDERS, QUEST_PROVIDERS | GAME_PROVIDERS | AI_PROVIDERS),
        ("quest", IDENTITY_PROVIDERS | QUEST_PROVIDERS, GAME_PROVIDERS | AI_PROVIDERS),
        ("gamification", IDENTITY_PROVIDERS | GAME_PROVIDERS, QUEST_PROVIDERS | AI_PROVIDERS),
        ("ai", IDENTITY_PROVIDERS | AI_PROVIDERS, QUEST_PROVIDERS | GAME_PROVIDERS),
    ],
)
def test_a_service_container_has_its_parts_and_no_other(
    tmp_path: Path, service: str, present: set[str], absent: set[str]
) -> None:
    container = build_container(settings(tmp_path), [service])
    assert present <= set(container.providers)
    assert not absent & set(container.providers)


def test_the_all_in_one_has_every_part(tmp_path: Path) -> None:
    container = build_container(settings(tmp_path))
    everything = IDENTITY_PROVIDERS | QUEST_PROVIDERS | GAME_PROVIDERS | AI_PROVIDERS
    assert everything <= set(container.providers)


def test_the_relay_alone_gets_only_the_shared_part(tmp_path: Path) -> None:
    container = build_container(settings(tmp_path), [])
    assert {"engine", "clock", "ids", "cache"} <= set(container.providers)
    assert not (IDENTITY_PROVIDERS | QUEST_PROVIDERS) & set(container.providers)


def test_the_quest_service_caches_quests_in_its_own_shape(tmp_path: Path) -> None:
    from apps.quest.schemas import QuestOut

    container = build_container(settings(tmp_path), ["quest"])
    assert container.quest_views().shape is QuestOut
    assert container.quest_reads() is container.quest_reads()


#: run in a fresh interpreter: build one service, call it over HTTP, then print the answers
#: statuses and which modules the process imported
_SERVE_ALONE = """
import json, sys
from litestar.testing import TestClient
from apps.settings import Settings
from apps.services import service
settings = Settings(environment="test", database_url="memory://", jwt_private_key_path=sys.argv[2])
app = service(sys.argv[1]).create_app(settings)
with TestClient(app, base_url="http://127.0.0.1:8000") as client:
    if sys.argv[1] == "auth":
        body = {"email": "solo@example.com", "password": "correct horse battery staple"}
        answers = [
            client.post("/api/v1/auth/register", json={**body, "display_name": "Solo"}),
            client.post("/api/v1/auth/login", json=body),
        ]
    else:
        answers = [client.get("/health"), client.get("/api/v1/quests")]
print(json.dumps({
    "statuses": [a.status_code for a in answers],
    "texts": [a.text for a in answers],
    "modules": sorted(sys.modules),
}))
"""

_OTHER_SERVICES_AND_THEIR_ADAPTERS = {
    "auth": (
        "apps.quest",
        "apps.gamification",
        "apps.ai",
        "apps.container.quests",
        "apps.container.gamification",
        "apps.container.ai",
        "adapters.llm.local",
        "adapters.vectors.numpy_index",
        "adapters.leaderboards",
        "adapters.redis.leaderboard",
    ),
    "quest": (
        "apps.auth",
        "apps.gamification",
        "apps.ai",
        "apps.container.gamification",
        "apps.container.ai",
        "adapters.llm.local",
        "adapters.vectors.numpy_index",
        "adapters.leaderboards",
    ),
}


@pytest.mark.parametrize(("service", "statuses"), [("auth", [202, 200]), ("quest", [200, 401])])
def test_serving_one_service_imports_no_other_nor_their_adapters(
    tmp_path: Path, service: str, statuses: list[int]
) -> None:
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    result = subprocess.run(
        [sys.executable, "-c", _SERVE_ALONE, service, str(tmp_path / "jwt.pem")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["statuses"] == statuses, report["texts"]
    imported = set(report["modules"])
    for package in _OTHER_SERVICES_AND_THEIR_ADAPTERS[service]:
        assert package not in imported, package


def test_every_part_the_registry_names_exists_and_is_in_the_full_container_type() -> None:
    from apps.container import PARTS
    from apps.container.everything import Container
    from apps.services import container_parts, load

    assert set(container_parts()) == set(PARTS)
    assert {load(path) for path in PARTS.values()} == set(Container.__bases__)
