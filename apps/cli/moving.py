"""``questlog import`` and ``questlog export``: move one account's quests in, and the whole
account (each service's export in one document) or its quests out.

    questlog import tasks.json --from taskwarrior [--user EMAIL] [--timezone Europe/Berlin]
    questlog import todoist.csv --from todoist
    questlog import tasks.ics --from ical
    questlog export [--user ada@example.com] [--format questlog|taskwarrior] [-o FILE]

They run the same use cases as ``POST /api/v1/quests/import`` and the export endpoints, on the
database of the ``QUESTLOG_*`` settings, as the operator. ``--user`` names the account (an email
address or an id); it may be left out when the database has exactly one account. The import
shows a progress bar (rich) on a terminal and prints its report; importing the same file again
creates nothing new. Exit status: 0 done (some records may still be reported as not mapped);
1 refused by the data (no such user, the database not migrated); 2 bad input (an unreadable
file, a file that is not such an export, an unknown time zone).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from apps.container import Container
    from apps.settings import Settings
    from questlog_core.ids import UserId

REFUSED = 1
BAD_INPUT = 2
SOURCES = ("taskwarrior", "todoist", "habitica", "ical")


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the export file ('-' for standard input)")
    parser.add_argument(
        "--from", dest="source", required=True, choices=SOURCES, help="the tool it comes from"
    )
    parser.add_argument("--user", help="the account (email or id); default: the only account")
    parser.add_argument(
        "--timezone",
        default="UTC",
        help="IANA zone for dates without one and for repetitions (default UTC)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--batch-size", type=int, default=100, help="records per transaction (default 100)"
    )


def _settings(command: str) -> Settings | None:
    from apps.cli.users import _unmigrated
    from apps.container import database_kind
    from apps.settings import Settings, SettingsError

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"questlog {command}: {exc}", file=sys.stderr)
        return None
    if database_kind(settings.database_url) != "sql":
        print(
            f"questlog {command}: QUESTLOG_DATABASE_URL is {settings.database_url}: point it "
            "at the server's database",
            file=sys.stderr,
        )
        return None
    unmigrated = _unmigrated(settings.database_url)
    if unmigrated:
        print(f"questlog {command}: {unmigrated}", file=sys.stderr)
        return None
    return settings


async def account(container: Container, user: str | None) -> Any:
    """The profile of the account ``user`` names (or the only one); ``LookupError`` if none."""
    from uuid import UUID

    from questlog_core.identity.tokens import operator_principal

    auth = container.auth_service()
    operator = operator_principal()
    if user is None:
        page = await auth.list_users(operator, after_email=None, limit=2)
        if len(page) != 1:
            raise LookupError(
                "the database has no account" if not page else "name the account with --user"
            )
        return page[0]
    try:
        user_id = UUID(user)
    except ValueError:
        return await auth.find_user(operator, user)
    return await auth.get_user(operator, user_id)


def run_import(args: argparse.Namespace) -> int:
    import asyncio

    settings = _settings("import")
    if settings is None:
        return BAD_INPUT
    from questlog_core.errors import ValidationFailed
    from questlog_core.identity.users import validate_timezone

    try:
        zone = validate_timezone(args.timezone)
    except ValidationFailed as exc:
        print(f"questlog import: --timezone: {exc.reason}", file=sys.stderr)
        return BAD_INPUT
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        print(f"questlog import: {exc}", file=sys.stderr)
        return BAD_INPUT
    return asyncio.run(_import(args, settings, raw, zone))


async def _import(args: argparse.Namespace, settings: Settings, raw: bytes, zone: str) -> int:
    import msgspec

    from adapters.ical import IMPORT_READERS
    from apps.container import build_container, close_container
    from questlog_core.errors import DomainError, ErrorKind
    from questlog_core.ids import UserId
    from questlog_core.moving.ports import ImportTransaction
    from questlog_core.moving.reading import read_plan
    from questlog_core.moving.use_cases import ApplyImport, apply_import

    container = build_container(settings)
    try:
        try:
            profile = await account(container, args.user)
        except LookupError as exc:
            print(f"questlog import: {exc}", file=sys.stderr)
            return REFUSED
        clock, ids = container.clock(), container.ids()
        plan = read_plan(args.source, raw, now=clock.now(), timezone=zone, readers=IMPORT_READERS)

        def transaction() -> ImportTransaction:
            made: ImportTransaction = container.import_transaction()
            return made

        command = ApplyImport(owner=UserId(profile.id), plan=plan, batch_size=args.batch_size)
        with _progress(len(plan.drafts), f"{args.source} → {profile.email}") as advance:
            report = await apply_import(command, transaction, clock, ids, advance)
    except DomainError as exc:
        print(f"questlog import: {exc.detail}", file=sys.stderr)
        return BAD_INPUT if exc.kind is ErrorKind.INVALID else REFUSED
    finally:
        await close_container(container)
    if args.json:
        print(msgspec.json.encode(report).decode())
        return 0
    print(
        f"{report.records} records: {report.created} quests created, {report.skipped} imported "
        f"before; {report.edges_created} dependencies added, {report.edges_skipped} there "
        f"before; {len(report.unmapped)} things not mapped"
        + (f"; {report.failed_batches} batches failed" if report.failed_batches else "")
    )
    for note in report.unmapped:
        where = f"{note.record}" + (f" {note.field}" if note.field else "")
        print(f"  {where}: {note.reason}")
    return 0


class _progress:
    """A rich progress bar on a terminal (stderr), nothing otherwise; yields ``advance(n)``."""

    def __init__(self, total: int, label: str) -> None:
        self.total = total
        self.label = label
        self._bar: Any = None

    def __enter__(self) -> Any:
        if not sys.stderr.isatty():
            return lambda n: None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self._bar = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._bar.start()
        task = self._bar.add_task(self.label, total=self.total)
        return lambda n: self._bar.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", help="the account (email or id); default: the only account")
    parser.add_argument(
        "--format",
        choices=("questlog", "taskwarrior"),
        default="questlog",
        help="questlog: the whole account (profile, quests, dependencies, templates, "
        "categories, attachment records, XP ledger, achievements, streak, notifications and "
        "their preferences and devices, calendar feeds, webhook endpoints and their delivery "
        "log, analytics records); taskwarrior: the quests as `task export` JSON",
    )
    parser.add_argument("-o", "--output", help="write to this file (default: standard output)")


def run_export(args: argparse.Namespace) -> int:
    import asyncio

    settings = _settings("export")
    if settings is None:
        return BAD_INPUT
    code, encoded = asyncio.run(_export(args, settings))
    if encoded is None:
        return code
    if args.output:
        Path(args.output).write_bytes(encoded)
    else:
        sys.stdout.write(encoded.decode())
    return code


#: the ``format`` of a whole-account export
ACCOUNT_EXPORT_FORMAT = "questlog.account.export.v1"


async def _other_services(container: Container, owner: UserId) -> dict[str, Any]:
    """The notification, integrations and analytics parts of a whole-account export, each
    asked of its service's own bus (as its export endpoint does)."""
    from apps.analytics.schemas import RecordOut
    from apps.integrations.controllers.export import integrations_export
    from apps.notification.controllers.export import notification_export
    from questlog_core.analytics.bootstrap import bootstrap as analytics_bus
    from questlog_core.analytics.messages import ExportMyRecords
    from questlog_core.integrations.bootstrap import bootstrap as integrations_bus
    from questlog_core.integrations.calendar.bootstrap import bootstrap as calendar_bus
    from questlog_core.integrations.use_cases import Webhooks
    from questlog_core.notifications.bootstrap import bootstrap as notification_bus

    clock = container.clock()
    notifications = notification_bus(
        unit_of_work=container.notification_uow, clock=container.clock, ids=container.ids
    )
    webhooks = Webhooks(
        resolver=container.webhook_resolver(),
        clock=clock,
        ids=container.ids(),
        policy=container.webhook_policy(),
    )
    integrations = integrations_bus(
        writer=container.integrations_uow,
        reader=container.integrations_reader_uow,
        webhooks=webhooks,
    )
    calendar = calendar_bus(
        writer=container.calendar_uow,
        reader=container.calendar_reader_uow,
        clock=clock,
        ids=container.ids(),
        renderer=container.calendar_renderer(),
    )
    analytics = analytics_bus(reader=container.analytics_reader_uow)
    records: list[RecordOut] = []
    after = 0
    while page := await analytics.handle(ExportMyRecords(owner=owner, after=after)):
        records += [RecordOut.from_domain(r) for r in page]
        after = page[-1].position
    return {
        "notifications": await notification_export(owner, notifications, clock),
        "integrations": await integrations_export(owner, integrations, calendar, clock),
        "analytics": {"records": records},
    }


async def _export(args: argparse.Namespace, settings: Settings) -> tuple[int, bytes | None]:
    import msgspec

    from apps.container import build_container, close_container
    from apps.gamification.controllers.export import game_export
    from apps.quest.schemas import QuestExportOut
    from questlog_core.errors import DomainError
    from questlog_core.ids import UserId
    from questlog_core.moving.export import export_quests, taskwarrior_tasks

    container = build_container(settings)
    try:
        try:
            profile = await account(container, args.user)
        except LookupError as exc:
            print(f"questlog export: {exc}", file=sys.stderr)
            return REFUSED, None
        owner, clock = UserId(profile.id), container.clock()
        data = await export_quests(owner, container.quest_reader_uow())
        document: Any
        if args.format == "taskwarrior":
            document = taskwarrior_tasks(data.quests, data.edges)
        else:
            document = {
                "format": ACCOUNT_EXPORT_FORMAT,
                "exported_at": clock.now(),
                "account": profile,
                "quests": QuestExportOut.from_domain(data, clock.now()),
                "gamification": await game_export(owner, container.game_reader_uow(), clock),
                **await _other_services(container, owner),
            }
    except DomainError as exc:
        print(f"questlog export: {exc.detail}", file=sys.stderr)
        return REFUSED, None
    finally:
        await close_container(container)
    return 0, msgspec.json.format(msgspec.json.encode(document), indent=1) + b"\n"


__all__ = ["account", "add_export_arguments", "add_import_arguments", "run_export", "run_import"]
