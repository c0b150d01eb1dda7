"""``QUESTLOG_LANGUAGE_MODEL``, ``QUESTLOG_EMBEDDER`` and ``QUESTLOG_VECTOR_INDEX`` choose what
the container builds: the chain's providers in order, the embedder, the vector index."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import msgspec
import numpy as np
import pytest

from adapters.llm.costs import CachedLanguageModel, MeteredLanguageModel
from adapters.llm.openai_model import OpenAiLanguageModel
from adapters.memory.ai import InMemoryTokenUsageLedger
from adapters.sql.ai import SqlTokenUsageLedger
from adapters.vectors.embedders import HashingEmbedder
from adapters.vectors.numpy_index import NumpyVectorIndex
from adapters.vectors.openai_embedder import OpenAiEmbedder
from adapters.vectors.pinecone_index import PineconeVectorIndex
from apps.container import build_container
from apps.settings import Settings
from questlog_core.ids import UserId
from questlog_core.ports.ai import LanguageModelUnavailable
from tests.contract.llm_fixtures import QuestLabels, label_by_rules, rent_request


def settings(tmp_path: Path, **changes: object) -> Settings:
    return Settings(
        database_url="memory://",
        vector_index_dir=str(tmp_path / "vectors"),
        jwt_private_key_path=str(tmp_path / "jwt.pem"),
    ).replace(**changes)


@pytest.mark.parametrize(
    ("changes", "order"),
    [
        ({}, ("local",)),
        ({"openai_api_key": "sk-x"}, ("local",)),  # a key alone does not switch providers
        ({"language_model": "openai", "openai_api_key": "sk-x"}, ("openai", "local")),
        (
            {"language_model": "openai", "openai_api_key": "sk-x", "anthropic_api_key": "a-x"},
            ("openai", "anthropic", "local"),
        ),
        (
            {"language_model": "anthropic", "openai_api_key": "sk-x", "anthropic_api_key": "a"},
            ("anthropic", "openai", "local"),
        ),
        ({"language_model": "anthropic", "anthropic_api_key": "a-x"}, ("anthropic", "local")),
    ],
)
def test_the_language_model_setting_orders_the_chain(
    tmp_path: Path, changes: dict[str, object], order: tuple[str, ...]
) -> None:
    container = build_container(settings(tmp_path, **changes))
    assert container.language_model_chain().providers == order


def test_provider_adapters_get_the_configured_timeouts_and_models(tmp_path: Path) -> None:
    container = build_container(
        settings(
            tmp_path,
            language_model="openai",
            openai_api_key="sk-x",
            openai_model="gpt-test",
            openai_timeout_seconds=2.5,
            openai_max_retries=1,
        )
    )
    chain = container.language_model_chain()
    openai = chain.links[0].model
    assert isinstance(openai, OpenAiLanguageModel)
    assert (openai.model, openai.timeout_seconds, openai.max_retries) == ("gpt-test", 2.5, 1)
    assert chain.links[0].breaker is not None
    assert chain.links[-1].breaker is None  # the local fallback is never skipped


async def test_the_default_answers_locally_labelled_degraded(tmp_path: Path) -> None:
    container = build_container(settings(tmp_path))
    container.local_language_model().register(QuestLabels, label_by_rules)
    answer = await container.language_model().complete(rent_request(), QuestLabels)
    assert (answer.provider, answer.degraded) == ("local", True)


async def test_an_answer_type_without_any_provider_is_unavailable(tmp_path: Path) -> None:
    container = build_container(settings(tmp_path))
    with pytest.raises(LanguageModelUnavailable):
        await container.language_model().complete(rent_request(), QuestLabels)


def test_cost_controls_wrap_the_chain_unless_the_cache_is_off(tmp_path: Path) -> None:
    assert isinstance(build_container(settings(tmp_path)).language_model(), CachedLanguageModel)
    uncached = build_container(settings(tmp_path, llm_cache_ttl_seconds=0)).language_model()
    assert isinstance(uncached, MeteredLanguageModel)


async def test_embedder_and_vector_index_defaults_are_local_and_persisted(tmp_path: Path) -> None:
    container = build_container(settings(tmp_path, embedding_dimensions=32))
    embedder = container.embedder()
    index = container.vector_index()
    assert isinstance(embedder, HashingEmbedder)
    assert isinstance(index, NumpyVectorIndex)
    vectors = await embedder.embed(["Pay rent"])
    await index.upsert(str(UserId(UUID(int=1))), ["q1"], vectors)
    assert list((tmp_path / "vectors").iterdir())
    assert np.asarray(vectors).shape == (1, 32)


def test_production_adapters_are_chosen_by_setting(tmp_path: Path) -> None:
    container = build_container(
        settings(
            tmp_path,
            embedder="openai",
            openai_api_key="sk-x",
            vector_index="pinecone",
            pinecone_api_key="pc-x",
            pinecone_host="https://quests-abc.svc.aped-1.pinecone.io",
        )
    )
    assert isinstance(container.embedder(), OpenAiEmbedder)
    assert isinstance(container.vector_index(), PineconeVectorIndex)  # no network at build


def test_token_usage_lives_with_the_database(tmp_path: Path) -> None:
    assert isinstance(build_container(settings(tmp_path)).token_usage(), InMemoryTokenUsageLedger)
    sql = build_container(settings(tmp_path, database_url=f"sqlite:///{tmp_path / 'q.db'}"))
    assert isinstance(sql.token_usage(), SqlTokenUsageLedger)


def test_settings_refuse_a_provider_without_its_key(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="QUESTLOG_OPENAI_API_KEY"):
        settings(tmp_path, language_model="openai")
    assert msgspec.structs.asdict(settings(tmp_path))["language_model"] == "local"


def test_shutdown_closes_every_sdk_client_the_app_opened(tmp_path: Path) -> None:
    from litestar.testing import TestClient

    from adapters.email.sendgrid import SendGridEmailSender
    from adapters.llm.anthropic_model import AnthropicLanguageModel
    from apps.gateway import create_app
    from tests.contract.pinecone_stub import pinecone_server

    with pinecone_server("pc-x", 8) as (host, _):
        app = create_app(
            settings(
                tmp_path,
                language_model="openai",
                openai_api_key="sk-x",
                anthropic_api_key="a-x",
                embedder="openai",
                embedding_dimensions=8,
                vector_index="pinecone",
                pinecone_api_key="pc-x",
                pinecone_host=host,
                email="sendgrid",
                sendgrid_api_key="sg-x",
                storage_dir=str(tmp_path / "files"),
                environment="test",
            )
        )
        container = app.state.container
        with TestClient(app=app) as client:
            links = container.language_model_chain().links
            openai, anthropic = links[0].model, links[1].model
            assert isinstance(openai, OpenAiLanguageModel)
            assert isinstance(anthropic, AnthropicLanguageModel)
            embedder = container.embedder()
            index = container.vector_index()
            sender = container.email_sender()
            assert isinstance(sender, SendGridEmailSender)
            vector = np.eye(1, 8, dtype=np.float32)
            client.blocking_portal.call(index.upsert, "someone", ["q1"], vector)
            pool = index._index._http._client  # the SDK's pool, opened by the upsert
            assert pool is not None
            assert not pool.is_closed
            sdk_clients = [openai._client, anthropic._client, embedder._client]
            assert not any(c.is_closed() for c in sdk_clients)
            assert not sender._client.is_closed
        # the app has shut down (Litestar on_shutdown -> close_container)
        assert all(c.is_closed() for c in sdk_clients)
        assert sender._client.is_closed
        assert pool.is_closed
