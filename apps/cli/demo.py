"""``questlog demo``: seed a realistic account so a new user sees something at once.

Creates the user ``demo@questlog.local`` (password printed), two weeks of history (quests made
and finished on past days), open quests across categories with due dates, priorities and a
dependency chain, a recurring habit and a template. Each finished quest goes through the game
the way the quest-event consumer does it (``handle_quest_completed`` at the moment it was
finished), so the profile shows XP, a level, a streak that survived one quiet day on a freeze,
unlocked achievements, and a weekly leaderboard shared with four rival players (accounts with
unprinted random passwords). Running it again with the account already present changes nothing
and says so.
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


async def seed(settings: object, email: str, password: str, container: object = None) -> int:
    """Seed the demo account through the use cases (never by writing tables directly), with
    the adapters of ``container`` (default: one built from ``settings`` and closed after)."""
    import secrets
    from datetime import UTC, datetime, time, timedelta
    from typing import cast
    from zoneinfo import ZoneInfo

    from adapters.memory.clock import FixedClock
    from apps.container import Container, build_container, close_container, database_kind
    from apps.settings import Settings
    from questlog_core.errors import AuthenticationFailed
    from questlog_core.events.quests import QuestCompleted
    from questlog_core.ids import UserId
    from questlog_core.ports.quests import QuestUnitOfWork
    from questlog_core.quests.recurrence import Recurrence
    from questlog_core.quests.templates import TemplateStep
    from questlog_core.services import gamification as game
    from questlog_core.services import quests as uc

    assert isinstance(settings, Settings)
    if database_kind(settings.database_url) == "sql":
        from adapters.sql.migrations import upgrade_async
        from apps.services import table_groups

        await upgrade_async(settings.database_url, groups=table_groups())
    owned = container is None
    # a built container is a dependency-injector DynamicContainer, not a Container instance
    container = cast(Container, build_container(settings) if container is None else container)
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

        async def finish(user: UserId, title: str, category: str, difficulty: str) -> None:
            """Create a quest two hours before ``clock``, complete it at ``clock``, and hand
            its ``QuestCompleted`` to the game as the event consumer would."""
            finished_at = clock.now()
            clock.advance(-timedelta(hours=2))
            quest = await uc.create_quest(
                uc.CreateQuest(owner=user, title=title, category=category, difficulty=difficulty),
                uow(),
                clock,
                ids,
            )
            clock.set(finished_at)
            completing = uow()
            await uc.complete_quest(
                uc.CompleteQuest(owner=user, quest_id=quest.id, owner_timezone="Europe/Berlin"),
                completing,
                clock,
                ids,
            )
            for event in completing.committed_events():
                if isinstance(event, QuestCompleted):
                    await game.handle_quest_completed(event, container.game_uow(), clock, ids)

        berlin = ZoneInfo("Europe/Berlin")

        def berlin_time(days_ago: int, hour: int) -> datetime:
            """``hour`` o'clock in Berlin ``days_ago`` local days ago (never after now)."""
            day = now.astimezone(berlin).date() - timedelta(days=days_ago)
            wall = datetime.combine(day, time(hour), tzinfo=berlin).astimezone(UTC)
            return min(wall, now - timedelta(minutes=5))

        # The game profile first: the player's calendar and the name boards show.
        clock.set(now - timedelta(days=14))
        await game.set_time_zone(owner, "Europe/Berlin", 0, container.game_uow(), clock, ids)
        await game.set_display_name(owner, "Demo Player", container.game_uow(), clock)

        # Two weeks of history (Berlin days ago, hour): most days at least one quest, and one
        # quiet day (4 days ago) that the freeze earned by the first week of streak covers.
        history = [
            (13, 9, "Read chapter 3 of the design book", "learning", "easy"),
            (12, 19, "Fix the leaking kitchen tap", "home", "medium"),
            (11, 7, "Run 5 km", "health", "medium"),
            (11, 13, "Clear the inbox", "work", "trivial"),
            (10, 16, "Write the quarterly report", "work", "hard"),
            (9, 18, "Call grandma", "family", "easy"),
            (8, 15, "Refactor the billing module", "work", "epic"),
            (7, 12, "Meal-prep for the week", "home", "medium"),
            (6, 10, "Review the pull requests", "work", "medium"),
            (6, 21, "Water the plants", "home", "trivial"),
            (5, 8, "Run 5 km again", "health", "medium"),
            (3, 17, "File the expense report", "work", "easy"),
            (2, 11, "Fix the flaky deploy script", "work", "hard"),
            (1, 20, "Sort the photo archive", "home", "medium"),
            (0, 1, "Answer the landlord", "home", "trivial"),
        ]
        for days_ago, hour, title, category, difficulty in history:
            clock.set(berlin_time(days_ago, hour))
            await finish(owner, title, category, difficulty)

        # Rivals on the weekly board: fewer quests, a different rhythm each.
        rivals = [
            ("Mira", "mira", ("hard", "medium", "epic", "easy")),
            ("Jonas", "jonas", ("medium", "easy", "medium")),
            ("Aiko", "aiko", ("epic", "hard", "hard", "medium", "easy")),
            ("Sam", "sam", ("trivial", "easy")),
        ]
        domain = email.partition("@")[2] or "questlog.local"
        for position, (name, local, difficulties) in enumerate(rivals):
            rival_email = f"{local}@{domain}"
            rival_password = secrets.token_urlsafe(24)
            await auth.register(
                email=rival_email,
                password=rival_password,
                display_name=name,
                timezone="Europe/Berlin",
            )
            try:
                rival_pair = await auth.login(email=rival_email, password=rival_password)
            except AuthenticationFailed:
                continue  # the address belonged to someone already: leave that account alone
            rival = (await auth.authenticate(rival_pair.access_token)).user_id
            clock.set(now - timedelta(days=6))
            await game.set_display_name(rival, name, container.game_uow(), clock)
            for n, difficulty in enumerate(difficulties):
                clock.set(now - timedelta(days=len(difficulties) - n, hours=3 + 2 * position))
                await finish(rival, f"{name}'s quest {n + 1}", "work", difficulty)

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
        profile = await game.get_player_profile(owner, container.game_reader_uow(), clock)
        print(f"Seeded the demo account: {email} / {password}")
        print(f"  {len(history)} finished quests over two weeks, {len(open_quests) + 1} open,")
        print("  a dependency chain, a daily habit and a 'Weekly review' template;")
        print(
            f"  level {profile.level} with {profile.total_xp} XP, a {profile.streak}-day streak,"
            f" and {len(rivals)} rivals on the weekly leaderboard."
        )
        return 0
    finally:
        if owned:
            await close_container(container)
