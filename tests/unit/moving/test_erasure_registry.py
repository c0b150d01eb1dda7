"""Every table is accounted for when an account is deleted.

Each table of the SQL metadata either has an eraser in :data:`adapters.sql.erasure.ERASERS`
(how one user's rows are found) or is named in ``HOLDS_NO_USER_DATA`` with the reason, or in
``KEPT_TO_HONOUR_ERASURE`` (each service's tombstones: an erased account's id and when, nothing
else, checked below). A table added later without any of them makes
:func:`test_every_table_is_erased_or_says_why_not` fail: the list below is read from the
metadata, not written here.
"""

from __future__ import annotations

from sqlalchemy import Column, MetaData, Table, Uuid

from adapters.sql.erasure import (
    ERASED_ACCOUNTS,
    ERASERS,
    HOLDS_NO_USER_DATA,
    KEPT_TO_HONOUR_ERASURE,
    tables_of_every_service,
)
from apps.services import consumers, schemas
from apps.workers.consumers import AUTH, consumers_of
from questlog_core.events.identity import AccountDeleted


def uncovered(tables: list[Table]) -> list[str]:
    accounted = {*ERASERS, *HOLDS_NO_USER_DATA, *KEPT_TO_HONOUR_ERASURE}
    return [t.name for t in tables if t.name not in accounted]


def test_every_table_is_erased_or_says_why_not() -> None:
    schemas()  # every registered service's tables are declared
    tables = tables_of_every_service()
    assert len(tables) > 20
    assert uncovered(tables) == []
    assert not set(ERASERS) & set(HOLDS_NO_USER_DATA)
    assert not set(KEPT_TO_HONOUR_ERASURE) & (set(ERASERS) | set(HOLDS_NO_USER_DATA))
    names = {t.name for t in tables}
    assert set(ERASERS) <= names
    assert set(HOLDS_NO_USER_DATA) <= names
    assert set(KEPT_TO_HONOUR_ERASURE) <= names
    assert all(reason for reason in HOLDS_NO_USER_DATA.values())
    assert all(reason for reason in KEPT_TO_HONOUR_ERASURE.values())


def test_what_is_kept_after_an_erasure_is_the_account_id_and_when_in_every_service() -> None:
    schemas()
    assert set(ERASED_ACCOUNTS) == set(schemas())
    assert set(KEPT_TO_HONOUR_ERASURE) == {t.name for t in ERASED_ACCOUNTS.values()}
    for table in ERASED_ACCOUNTS.values():
        assert [c.name for c in table.columns] == ["owner", "erased_at"], table.name


def test_a_table_added_without_an_eraser_is_caught() -> None:
    extra = Table("notification_digests", MetaData(), Column("user_id", Uuid), schema="x")
    assert uncovered([*tables_of_every_service(), extra]) == ["notification_digests"]


def test_every_service_with_tables_consumes_the_account_deletion() -> None:
    services = {table.schema for table, _ in ERASERS.values()}
    assert services == set(schemas())
    for service in services:
        assert AccountDeleted in consumers()[service].events, service


def test_the_auth_service_hears_it_last() -> None:
    # its consumer deletes the auth outbox rows of the account, the event's own row included
    assert consumers_of(AccountDeleted.type_name())[-1] is AUTH
