"""``questlog demo``: seed a realistic account so a new user sees something at once.

Creates the user ``demo@questlog.local`` (password printed), two weeks of history (quests made
and finished on past days), open quests across categories with due dates, priorities and a
dependency chain, a recurring habit and a template. Running it again with the account already
present changes nothing and says so.
"""

from __future__ import annotations

import argparse

DEMO_EMAIL = "demo@questlog.local"
DEMO_PASSWORD = "demo-questlog-2026"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--email", default=DEMO_EMAIL)
    parser.add_argument("--password", default=DEMO_PASSWORD)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from apps.settings import Settings, SettingsError

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"questlog: {exc}")
        return 2
    return asyncio.run(seed(settings, args.email, args.password))


async def seed(settings: object, email: str, password: str) -> int:
    """Seed the demo account through the use cases (never by writing tables directly)."""
    from datetime import timedelta

    from adapters.memory.clock import FixedClock
    from apps.container import build_container, close_container, database_kind
    from apps.settings import Settings
    from questlog_core.errors import AuthenticationFailed
    from questlog_core.ports.quests import QuestUnitOfWork
    from questlog_core.quests.recurrence import Recurrence
    from questlog_core.quests.templates import TemplateStep
    from questlog_core.services import quests as uc

    assert isinstance(settings, Settings)
    if database_kind(settings.database_url) == "sql":
        from adapters.sql.migrations import upgrade_async

        await upgrade_async(settings.database_url)
    container = build_container(settings)
    try:
        auth = container.auth_service()
        try:
            await auth.login(email=email, password=password)
            print(f"The demo account {email} exists already; nothing changed.")
            return 0
        except AuthenticationFailed:
            pass
        await auth.register(
            email=email, password=password, display_name="Demo Player", timezone="Europe/Berlin"
        )
        pair = await auth.login(email=email, password=password)
        principal = await auth.authenticate(pair.access_token)
        owner = principal.user_id
        now = container.clock().now()
        clock = FixedClock(now - timedelta(days=14))
        ids = container.ids()

        def uow() -> QuestUnitOfWork:
            made: QuestUnitOfWork = container.quest_uow()
            return made

        # Two weeks of history: a few quests made and finished on past days.
        history = [
            ("Read chapter 3 of the design book", "learning", "easy"),
            ("Fix the leaking kitchen tap", "home", "medium"),
            ("Run 5 km", "health", "medium"),
            ("Clear the inbox", "work", "trivial"),
            ("Write the quarterly report", "work", "hard"),
            ("Call grandma", "family", "easy"),
            ("Refactor the billing module", "work", "epic"),
            ("Meal-prep for the week", "home", "medium"),
        ]
        for day, (title, category, difficulty) in enumerate(history):
            clock.set(now - timedelta(days=13 - day, hours=3))
            quest = await uc.create_quest(
                uc.CreateQuest(owner=owner, title=title, category=category, difficulty=difficulty),
                uow(),
                clock,
                ids,
            )
            clock.advance(timedelta(hours=2))
            await uc.complete_quest(
                uc.CompleteQuest(owner=owner, quest_id=quest.id, owner_timezone="Europe/Berlin"),
                uow(),
                clock,
                ids,
            )

        # Today: open quests with due dates, priorities and a dependency chain.
        clock.set(now)
        open_quests = [
            ("Book flights for the conference", "travel", "easy", 3, 2, 30),
            ("Prepare the conference talk", "work", "hard", 3, 9, 600),
            ("Rehearse the talk with the team", "work", "medium", 2, 11, 90),
            ("Renew passport", "travel", "medium", 4, 5, 60),
            ("Replace bike tyres", "home", "easy", 1, None, 45),
            ("Learn the basics of Rust", "learning", "epic", 1, None, 1200),
            ("Plan the team offsite", "work", "medium", 2, 20, 120),
        ]
        made: dict[str, object] = {}
        for title, category, difficulty, priority, due_days, estimate in open_quests:
            quest = await uc.create_quest(
                uc.CreateQuest(
                    owner=owner,
                    title=title,
                    category=category,
                    difficulty=difficulty,
                    priority=priority,
                    due=now + timedelta(days=due_days) if due_days is not None else None,
                    estimate_minutes=estimate,
                    tags=("demo",),
                ),
                uow(),
                clock,
                ids,
            )
            made[title] = quest.id
        chain = [
            ("Renew passport", "Book flights for the conference"),
            ("Prepare the conference talk", "Rehearse the talk with the team"),
        ]
        for prerequisite, dependent in chain:
            await uc.add_dependency(
                uc.AddDependency(
                    owner=owner,
                    prerequisite_id=made[prerequisite],  # type: ignore[arg-type]
                    dependent_id=made[dependent],  # type: ignore[arg-type]
                ),
                uow(),
                clock,
                ids,
            )
        await uc.create_quest(
            uc.CreateQuest(
                owner=owner,
                title="Stretch for ten minutes",
                category="health",
                difficulty="trivial",
                due=now.replace(hour=7, minute=0, second=0, microsecond=0) + timedelta(days=1),
                recurrence=Recurrence(rule="FREQ=DAILY", timezone="Europe/Berlin"),
            ),
            uow(),
            clock,
            ids,
        )
        await uc.create_template(
            uc.CreateTemplate(
                owner=owner,
                name="Weekly review",
                title_pattern="Weekly review {date}",
                category="work",
                difficulty="medium",
                checklist=("Empty the inbox", "Review the calendar", "Pick three goals"),
                steps=(
                    TemplateStep(title_pattern="Collect loose notes"),
                    TemplateStep(title_pattern="Update the project list"),
                ),
            ),
            uow(),
            clock,
            ids,
        )
        print(f"Seeded the demo account: {email} / {password}")
        print(f"  {len(history)} finished quests over two weeks, {len(open_quests) + 1} open,")
        print("  a dependency chain, a daily habit and a 'Weekly review' template.")
        return 0
    finally:
        await close_container(container)
