"""MkDocs hook: render the committed OpenAPI contracts as endpoint tables.

A page writes ``<!-- openapi: quest -->`` and gets the table of every operation in
``contracts/openapi/quest.json`` (method, path, summary, the permission it needs, answers), so
the docs always show the API as committed, and the committed file is checked against the code by
the test suite.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
MARKER = re.compile(r"<!--\s*openapi:\s*([a-z]+)\s*-->")
METHODS = ("get", "post", "put", "patch", "delete")


def render(service: str) -> str:
    path = ROOT / "contracts" / "openapi" / f"{service}.json"
    if not path.exists():
        return f"*(no committed contract for the {service} service yet)*"
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    rows = [
        "| method | path | what it does | needs | answers |",
        "| --- | --- | --- | --- | --- |",
    ]
    for route, operations in sorted(document.get("paths", {}).items()):
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            summary = (operation.get("summary") or operation.get("description") or "").strip()
            summary = summary.splitlines()[0] if summary else ""
            answers = ", ".join(sorted(operation.get("responses", {})))
            scopes = [
                s for need in operation.get("security") or [] for s in next(iter(need.values()))
            ]
            needs = ", ".join(f"`{s}`" for s in scopes) or "public"
            rows.append(f"| `{method.upper()}` | `{route}` | {summary} | {needs} | {answers} |")
    title = document.get("info", {}).get("title", service)
    version = document.get("info", {}).get("version", "")
    return f"**{title}** {version} — `contracts/openapi/{service}.json`\n\n" + "\n".join(rows)


def on_page_markdown(markdown: str, **_: Any) -> str:
    return MARKER.sub(lambda match: render(match.group(1)), markdown)
