"""Generate the committed contracts: an OpenAPI document per service, a JSON Schema per event.

``make contracts`` (``python -m apps.contracts``) writes them under ``contracts/``;
``tests/contract_drift`` regenerates them in memory and fails when the committed files differ,
so an API or event change is always a visible diff in review.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / "contracts"


def event_schemas() -> dict[str, dict[str, Any]]:
    """One JSON Schema per registered domain event, keyed by file name."""
    from questlog_core.events import event_types

    out: dict[str, dict[str, Any]] = {}
    for tag, cls in event_types().items():
        schema = msgspec.json.schema(cls)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = tag
        out[f"events/{tag}.json"] = schema
    return out


def _service_apps() -> dict[str, Callable[[Any], Any]]:
    """Service name -> app factory, for the services that exist."""
    import importlib

    factories: dict[str, Callable[[Any], Any]] = {}
    for name in ("quest", "auth", "gamification", "notification", "ai", "search"):
        try:
            module = importlib.import_module(f"apps.{name}.app")
        except ModuleNotFoundError as exc:
            if exc.name in {f"apps.{name}", f"apps.{name}.app"}:
                continue  # the service is not built yet
            raise
        factories[name] = module.create_app
    return factories


def openapi_documents() -> dict[str, dict[str, Any]]:
    """One OpenAPI 3.1 document per service, keyed by file name."""
    from apps.settings import Settings

    settings = Settings(environment="test", database_url="sqlite:///:memory:")
    out: dict[str, dict[str, Any]] = {}
    for name, factory in _service_apps().items():
        app = factory(settings)
        out[f"openapi/{name}.json"] = app.openapi_schema.to_schema()
    return out


def render(document: dict[str, Any]) -> str:
    """Stable text for a committed contract (sorted keys, two-space indent, final newline)."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def generate() -> dict[str, str]:
    """Every contract file's path under ``contracts/`` and its text."""
    documents = {**event_schemas(), **openapi_documents()}
    return {path: render(doc) for path, doc in sorted(documents.items())}


def main() -> int:
    files = generate()
    for relative, text in files.items():
        path = CONTRACTS / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    # Contracts whose source is gone are removed, so the folder mirrors the code.
    for stale in sorted(CONTRACTS.glob("*/*.json")):
        if str(stale.relative_to(CONTRACTS)) not in files:
            stale.unlink()
    print(f"wrote {len(files)} contract files under {CONTRACTS.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
