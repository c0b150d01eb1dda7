"""Roles and the declared permission table."""

from __future__ import annotations

import pytest

from questlog_core.errors import PermissionDenied, ValidationFailed
from questlog_core.identity import (
    ROLE_PERMISSIONS,
    Permission,
    Role,
    has_permission,
    parse_role,
    permissions_of,
    require_permission,
)


def test_every_role_is_in_the_table() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)


def test_a_player_manages_their_own_things_but_not_others() -> None:
    assert has_permission([Role.USER], Permission.QUESTS_WRITE)
    assert has_permission([Role.USER], Permission.API_TOKENS_MANAGE)
    assert has_permission([Role.USER], Permission.GAMIFICATION_WRITE)
    for admin_only in (
        Permission.USERS_MANAGE,
        Permission.ROLES_MANAGE,
        Permission.USERS_READ,
        Permission.GAMIFICATION_AWARD,
    ):
        assert not has_permission([Role.USER], admin_only)


def test_an_admin_can_do_everything() -> None:
    assert permissions_of([Role.ADMIN]) == frozenset(Permission)
    assert permissions_of([Role.USER]) < permissions_of([Role.ADMIN])


def test_permissions_of_no_roles_is_nothing() -> None:
    assert permissions_of([]) == frozenset()


def test_require_permission_raises_a_forbidden_error() -> None:
    require_permission(permissions_of([Role.ADMIN]), Permission.ROLES_MANAGE)
    with pytest.raises(PermissionDenied) as denied:
        require_permission(permissions_of([Role.USER]), Permission.ROLES_MANAGE)
    assert denied.value.as_dict()["permission"] == "roles:manage"


def test_unknown_role_names_are_refused() -> None:
    assert parse_role("admin") is Role.ADMIN
    with pytest.raises(ValidationFailed):
        parse_role("superuser")
