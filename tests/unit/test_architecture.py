"""The layering rule holds, and breaking it fails the build.

* the domain library imports only the standard library, msgspec, numpy and python-dateutil;
* ``adapters`` never imports ``apps``;
* no service's package (``apps.quest``, ``apps.auth``...) imports another's, and the container
  imports no service's HTTP schemas;
* import-linter (run by ``make lint``) really catches a violation: we plant one in a copy of the
  tree and watch it fail.
"""

from __future__ import annotations

import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import questlog_core

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
ALLOWED_THIRD_PARTY = {"msgspec", "numpy", "dateutil"}


def test_importing_the_whole_domain_loads_no_infrastructure() -> None:
    code = (
        "import importlib, pkgutil, sys, questlog_core\n"
        "for m in pkgutil.walk_packages(questlog_core.__path__, 'questlog_core.'):\n"
        "    importlib.import_module(m.name)\n"
        "heavy = {'sqlalchemy','litestar','redis','dramatiq','openai','anthropic','boto3',"
        "'psycopg','httpx','argon2','jwt','cryptography','pinecone','adapters','apps'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "[]"


def test_every_domain_module_is_importable() -> None:
    names = [m.name for m in pkgutil.walk_packages(questlog_core.__path__, "questlog_core.")]
    assert len(names) > 20


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed")
@pytest.mark.parametrize(
    ("module", "planted", "contract"),
    [
        ("src/questlog_core/quests/model/quest.py", "import sqlalchemy", "The domain imports only"),
        ("src/questlog_core/quests/model/quest.py", "import litestar", "The domain imports only"),
        ("src/adapters/memory/clock.py", "import apps.settings", "Adapters never import"),
        ("apps/quest/reads.py", "import apps.gamification.schemas", "Services are independent"),
        ("apps/ai/dependencies.py", "import apps.quest.reads", "Services are independent"),
        ("apps/container/quests.py", "import apps.quest.schemas", "The container never imports"),
        (
            "src/questlog_core/kernel/bus.py",
            "import questlog_core.quests.events",
            "The shared kernel imports no bounded context",
        ),
    ],
)
def test_import_linter_fails_on_a_planted_violation(
    tmp_path: Path, module: str, planted: str, contract: str
) -> None:
    for part in ("src", "apps"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n{planted}  # planted by the test\n")
    env = {"PYTHONPATH": f"{tmp_path / 'src'}:{tmp_path}", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout
    broken = [line for line in result.stdout.splitlines() if "BROKEN" in line]
    assert any(contract in line for line in broken), result.stdout
