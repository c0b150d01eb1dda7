"""``questlog search reindex [--user EMAIL|ID]``: rebuild the search index from the quests.

The search index is fed by quest events, so quests that existed before the search service was
deployed, or whose events never reached it, cannot be found. This reads every quest of every
account (or of the one ``--user`` names) through the quest service's port and brings the index
in line (:mod:`questlog_core.search.reindex`): missing quests added, stale ones refreshed,
deleted ones taken out. It is safe to run while the service runs and events flow (what an
event indexed after a quest was read is kept), and running it twice changes nothing the
second time. It needs the database of the ``QUESTLOG_*`` settings, holding both the quest and
the search tables (the all-in-one, or services sharing one database). Exit status: 0 done;
1 no such user; 2 bad settings or the database not migrated.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from apps.settings import Settings

REFUSED = 1
BAD_INPUT = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("reindex",), help="reindex: rebuild from the quests")
    parser.add_argument("--user", help="only this account (email or id); default: every account")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from apps.cli.moving import _settings

    settings = _settings("search")
    if settings is None:
        return BAD_INPUT
    return asyncio.run(_reindex(args, settings))


async def _reindex(args: argparse.Namespace, settings: Settings) -> int:
    import time
    from collections.abc import AsyncIterator

    from adapters.search_source import QuestsForSearch
    from apps.cli.moving import account
    from apps.container import build_container, close_container
    from questlog_core.errors import DomainError
    from questlog_core.identity.tokens import operator_principal
    from questlog_core.ids import UserId
    from questlog_core.search.reindex import ReindexReport, reindex

    container = build_container(settings)
    auth = container.auth_service()

    async def every_account() -> AsyncIterator[UserId]:
        after: str | None = None
        while True:
            page = await auth.list_users(operator_principal(), after_email=after, limit=500)
            for profile in page:
                yield UserId(profile.id)
            if len(page) < 500:
                return
            after = page[-1].email

    def progress(owner: UserId, done: ReindexReport) -> None:
        print(
            f"{owner}  added {done.added}  updated {done.updated}  unchanged {done.unchanged}  "
            f"removed {done.removed}",
            file=sys.stderr,
        )

    source = QuestsForSearch(container.quest_reader_uow, every_account)
    start = time.perf_counter()
    try:
        owner: UserId | None = None
        if args.user is not None:
            try:
                owner = UserId((await account(container, args.user)).id)
            except LookupError as exc:
                print(f"questlog search: {exc}", file=sys.stderr)
                return REFUSED
        report = await reindex(source, container.search_uow, owner=owner, progress=progress)
    except DomainError as exc:
        print(f"questlog search: {exc.detail}", file=sys.stderr)
        return REFUSED
    finally:
        await close_container(container)
    print(
        f"reindexed {report.owners} account(s) in {time.perf_counter() - start:.1f} s: "
        f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.removed} removed, {report.skipped_deleted} deleted meanwhile"
    )
    return 0


__all__ = ["add_arguments", "run"]
