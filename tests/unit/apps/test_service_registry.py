"""The service registry is the one list of services: everything else agrees with it."""

from __future__ import annotations

import argparse

import pytest

from adapters.sql.tables import metadata
from apps import services
from apps.cli import serve, worker
from apps.services import SERVICES, Service
from questlog_core.events import event_types as core_event_types


def test_each_service_is_declared_once_under_its_own_schema() -> None:
    assert len(services.names()) == len(set(services.names()))
    for service in SERVICES:
        group = service.table_group()
        if service.name == "web":
            assert group is None  # the browser pages own no state
        else:
            assert group is not None, service.name
            assert group.schema == service.name


def test_every_table_belongs_to_exactly_one_service() -> None:
    groups = services.table_groups()
    owned = [table for group in groups for table in group.tables]
    assert len(owned) == len(set(owned))
    assert set(owned) == set(metadata.tables.values())
    for group in groups:
        assert {group.outbox, group.inbox, group.dead_letters} <= set(group.tables)


def test_each_http_service_has_routes_an_app_and_a_committed_contract() -> None:
    for service in services.with_http():
        assert service.route_handlers(), service.name
        assert service.contract.is_file(), service.contract


def test_a_service_without_an_api_says_so() -> None:
    silent = Service(name="silent", tables="adapters.sql.tables.notification:GROUP")
    assert not silent.serves_http
    assert silent.route_handlers() == []
    with pytest.raises(LookupError):
        silent.create_app()


def test_the_published_events_are_every_event_type_the_core_defines_once() -> None:
    published = [cls for s in SERVICES for cls in s.published_events()]
    assert len(published) == len(set(published))
    assert services.event_types() == core_event_types()


def test_a_consumer_takes_only_events_some_service_publishes() -> None:
    published = set(services.event_types().values())
    consumers = services.consumers()
    assert set(consumers) == {s.name for s in SERVICES if s.consumer is not None}
    for name, consumer in consumers.items():
        assert consumer.context == name
        assert set(services.service(name).consumed_events()) <= published


def test_the_cli_offers_every_registered_service() -> None:
    def choices(module: object) -> list[str]:
        parser = argparse.ArgumentParser()
        module.add_arguments(parser)  # type: ignore[attr-defined]
        action = next(a for a in parser._actions if a.dest == "service")
        return list(action.choices or ())

    assert choices(serve) == ["all", *services.names()]
    # a worker relays and consumes: only services that own tables have anything to do
    assert choices(worker) == ["all", *services.with_state()]
    assert "web" in services.names()
    assert "web" not in services.with_state()


def test_container_parts_are_named_once_in_registry_order() -> None:
    assert services.container_parts(["quest", "ai"]) == ["identity", "quests", "ai"]
    with pytest.raises(LookupError):
        services.chosen(["nope"])


def test_the_migration_history_knows_every_registered_schema() -> None:
    # A new service's first migration must create its schema and name it in the history;
    # otherwise SQLite migrations could not translate it away.
    from adapters.sql.migrations import HISTORY_SCHEMAS

    assert set(services.schemas()) <= set(HISTORY_SCHEMAS)
