"""``questlog serve analytics`` on its own serves the experiment routes, behind a token."""

from __future__ import annotations

from pathlib import Path

from litestar.testing import TestClient

from apps.services import service
from apps.settings import Settings


def test_the_analytics_service_alone_serves_experiments(tmp_path: Path) -> None:
    settings = Settings(
        environment="test",
        database_url="memory://",
        jwt_private_key_path=str(tmp_path / "jwt.pem"),
        vector_index_dir=str(tmp_path / "vectors"),
        storage_dir=str(tmp_path / "files"),
    )
    app = service("analytics").create_app(settings)
    assert "experiments_bus" in app.state.container.providers
    with TestClient(app=app) as client:
        paths = client.get("/schema/openapi.json").json()["paths"]
        assert "/api/v1/analytics/experiments/{key}/variant" in paths
        refused = client.get("/api/v1/analytics/experiments/onboarding-tips/variant")
        assert refused.status_code == 401
        assert refused.headers["content-type"].startswith("application/problem+json")
