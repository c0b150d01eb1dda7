"""`questlog prioritize` as a user runs it: a real process over real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "taskwarrior"
NOW = str(json.loads((FIXTURE / "export.meta.json").read_text())["now"])


def prioritize(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "apps.cli", "prioritize", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def rows(stdout: str) -> list[str]:
    """Titles of a table, best first (the rank, id and score columns dropped)."""
    return [line.split(None, 3)[3] for line in stdout.splitlines()[1:-1] if line[:4].strip()]


def test_ranks_a_taskwarrior_export_with_questlogs_policy_by_default() -> None:
    result = prioritize(FIXTURE / "export.json", "--now", NOW)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["#", "ID", "Score"]
    assert lines[-1].endswith("policy urgency, 1 waiting hidden")
    order = rows(result.stdout)
    assert order[:3] == ["Submit form", "Pay rent", "Very overdue"]
    # What can be done now comes before what can't: blocked and not-yet-scheduled last.
    assert order[-6:] == [
        "Outline report", "Write report", "Deploy release", "Review draft", "Pack bags",
        "Plan vacation",
    ]  # fmt: skip
    # The waiting task is hidden unless asked for.
    assert "Book flights" not in result.stdout
    assert "Book flights" in prioritize(FIXTURE / "export.json", "--now", NOW, "--all").stdout


def test_a_taskwarrior_user_gets_prerequisites_before_what_they_block() -> None:
    # Taskwarrior's own order puts "Write report" (blocked) above "Fix bike", its sibling
    # prerequisite of "Deploy release", and "Review draft" above "Outline report", its
    # prerequisite. Questlog's default never ranks a quest above its open prerequisite.
    ours = rows(prioritize(FIXTURE / "export.json", "--now", NOW, "--all").stdout)
    theirs = rows(
        prioritize(FIXTURE / "export.json", "--now", NOW, "--all", "--policy", "taskwarrior").stdout
    )
    tasks = {t["description"]: t for t in json.loads((FIXTURE / "export.json").read_text())}
    by_uuid = {t["uuid"]: t["description"] for t in tasks.values()}
    pairs = [
        (by_uuid[u], title)
        for title, t in tasks.items()
        if t["status"] == "pending"
        for u in t.get("depends", [])
        if u in by_uuid and tasks[by_uuid[u]]["status"] == "pending"
    ]
    assert len(pairs) >= 5
    assert all(ours.index(before) < ours.index(after) for before, after in pairs)
    assert any(theirs.index(before) > theirs.index(after) for before, after in pairs)


def test_policy_taskwarrior_reproduces_taskwarriors_urgency() -> None:
    result = prioritize(FIXTURE / "export.json", "--now", NOW, "--policy", "taskwarrior")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Submit form" in lines[1]
    assert "25.22" in lines[1]
    assert "Collect data" in lines[2]
    assert lines[-1].endswith("policy taskwarrior, 1 waiting hidden")


def test_limit_and_explain_show_each_factor() -> None:
    result = prioritize(FIXTURE / "export.json", "--now", NOW, "--limit", "2", "--explain")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 + 2 * 2 + 1
    assert "tag weights +15.00" in lines[2]
    assert "priority +6.00" in lines[2]


def test_explain_shows_the_own_score_next_to_what_is_inherited() -> None:
    result = prioritize(FIXTURE / "export.json", "--now", NOW, "--explain")
    lines = result.stdout.splitlines()
    outline = lines.index(next(line for line in lines if "Outline report" in line))
    detail = lines[outline + 1]
    assert "own 1.05:" in detail
    assert "inherited +11.53" in detail
    assert "on hold -100.00" in detail
    doc = json.loads(
        prioritize(FIXTURE / "export.json", "--now", NOW, "--format", "json", "--explain").stdout
    )
    item = next(q for q in doc["quests"] if q["title"] == "Outline report")
    assert item["own_score"] == pytest.approx(1.05, abs=0.01)
    assert item["factors"]["inherited"] == pytest.approx(11.53, abs=0.01)


def test_json_output_factors_sum_to_the_score() -> None:
    result = prioritize(
        FIXTURE / "export.json", "--now", NOW, "--format", "json", "--explain", "--policy", "wsjf"
    )
    doc = json.loads(result.stdout)
    assert doc["policy"] == "wsjf"
    assert doc["shown"] == doc["open"] - 1
    for quest in doc["quests"]:
        assert sum(quest["factors"].values()) == pytest.approx(quest["score"], abs=1e-4)


def test_questlog_format(tmp_path: Path) -> None:
    doc = {
        "format": "questlog.quests.v1",
        "quests": [
            {"id": "a", "title": "Someday", "created_at": "2026-11-01T00:00:00Z"},
            {"id": "b", "title": "Launch", "priority": "high", "due": "2026-11-27T00:00:00Z"},
            {"id": "c", "title": "Write tests", "depends_on": ["z"], "status": "done"},
        ],
    }
    path = tmp_path / "quests.json"
    path.write_text(json.dumps(doc))
    result = prioritize(path, "--now", "2026-11-26T00:00:00Z")
    assert result.returncode == 0, result.stderr
    assert "Launch" in result.stdout.splitlines()[1]
    assert "Write tests" not in result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('[{"uuid": "u1"}, {"uuid": "u2", "due": 5}]', "record 1 (id u2): due"),
        ('[{"uuid": "u1"}, {"description": "x"}]', "record 1"),
        ('[{"uuid": "u1", "due": "tomorrow"}]', "record 0 (id u1): due: expected a Taskwarrior"),
        ('[{"uuid": "u1", "priority": "X"}]', "record 0 (id u1): priority"),
        ('[{"uuid": "u1"}, {"uuid": "u1"}]', "record 1 (id u1): uuid: duplicate"),
        ('[{"uuid": "u1", "depends": ["u2"]}, {"uuid": "u2", "depends": "u1"}]', "cycle"),
        ('[{"uuid": "u1"', "not valid JSON"),
        ('"hello"', "expected a JSON array"),
        ('{"format": "questlog.quests.v1", "quests": [{"id": "q", "title": "t", '
         '"priority": "urgent"}]}', "record 0 (id q): priority"),
    ],
)  # fmt: skip
def test_malformed_input_names_the_record_and_exits_2(
    tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = prioritize(path, "--policy", "slack")
    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_missing_file_and_bad_now_exit_2(tmp_path: Path) -> None:
    missing = prioritize(tmp_path / "nope.json")
    assert missing.returncode == 2
    assert "cannot read" in missing.stderr
    bad_now = prioritize(FIXTURE / "export.json", "--now", "soonish")
    assert bad_now.returncode == 2
    assert "not a time" in bad_now.stderr


def test_never_imports_the_web_or_database_stack() -> None:
    code = (
        "import sys; from apps.cli import main; "
        f"main(['prioritize', {str(FIXTURE / 'export.json')!r}, '--limit', '1']); "
        "heavy = [m for m in ('litestar', 'sqlalchemy', 'uvicorn', 'dramatiq') "
        "if m in sys.modules]; "
        "print('HEAVY', heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "HEAVY []" in result.stdout


def test_building_the_parser_does_not_import_numpy() -> None:
    code = (
        "import sys, argparse; import apps.cli.prioritize as p; "
        "p.add_arguments(argparse.ArgumentParser()); print('numpy' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_policy_choices_match_the_core() -> None:
    from apps.cli.prioritize import POLICY_CHOICES
    from questlog_core.prioritization import POLICY_NAMES

    assert POLICY_NAMES == POLICY_CHOICES


def test_a_dependency_cycle_is_reported_by_the_default_policy(tmp_path: Path) -> None:
    path = tmp_path / "cycle.json"
    path.write_text('[{"uuid": "u1", "depends": ["u2"]}, {"uuid": "u2", "depends": "u1"}]')
    result = prioritize(path)
    assert result.returncode == 2
    assert "cycle" in result.stderr
    # Taskwarrior's urgency needs no dependency order: its profile still ranks the list.
    assert prioritize(path, "--policy", "taskwarrior").returncode == 0
