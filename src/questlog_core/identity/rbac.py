"""Roles and permissions (RBAC).

A role is a named bundle of permissions; a permission names one capability. Guards ask
:func:`has_permission` (or :meth:`Principal.require`) for a permission, never for a role, so
a new role is one line in :data:`ROLE_PERMISSIONS` and no guard changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from questlog_core.errors import PermissionDenied, ValidationFailed


class Role(StrEnum):
    """A role a user holds. Every account holds ``user``; ``admin`` is granted."""

    USER = "user"
    ADMIN = "admin"


class Permission(StrEnum):
    """One capability. Values are ``area:verb``; they double as personal API token scopes."""

    QUESTS_READ = "quests:read"
    QUESTS_WRITE = "quests:write"
    GAMIFICATION_READ = "gamification:read"
    AI_USE = "ai:use"
    NOTIFICATIONS_READ = "notifications:read"
    NOTIFICATIONS_WRITE = "notifications:write"
    PROFILE_READ = "profile:read"
    PROFILE_WRITE = "profile:write"
    SESSIONS_MANAGE = "sessions:manage"
    API_TOKENS_MANAGE = "api-tokens:manage"
    USERS_READ = "users:read"
    USERS_MANAGE = "users:manage"
    ROLES_MANAGE = "roles:manage"
    #: change one's own game settings and check in a streak day
    GAMIFICATION_WRITE = "gamification:write"
    #: grant or take XP from any player (operators and internal services, never players)
    GAMIFICATION_AWARD = "gamification:award"
    #: send or schedule notifications to any user or to everyone (operators, internal services)
    NOTIFICATIONS_SEND = "notifications:send"
    #: read what everyone searches for (top and zero-result queries; admins only)
    SEARCH_ANALYTICS_READ = "search-analytics:read"
    #: turn one's own two-step sign-in (TOTP) on or off (needs a password sign-in too)
    SECOND_FACTOR_MANAGE = "second-factor:manage"
    #: see one's own integrations (calendar feeds, webhook endpoints and their deliveries)
    INTEGRATIONS_READ = "integrations:read"
    #: add, change and remove one's own integrations
    INTEGRATIONS_WRITE = "integrations:write"
    #: ask which variant of a running experiment one is in (which records one's exposure)
    EXPERIMENTS_READ = "experiments:read"
    #: define, start, stop experiments and read their summaries (admins only)
    EXPERIMENTS_MANAGE = "experiments:manage"
    #: read and export one's own product analytics (summary, records)
    ANALYTICS_READ = "analytics:read"
    #: read every player's daily analytics figures (admins only)
    ANALYTICS_READ_ALL = "analytics:read-all"


_PLAYER: frozenset[Permission] = frozenset(
    {
        Permission.QUESTS_READ,
        Permission.QUESTS_WRITE,
        Permission.GAMIFICATION_READ,
        Permission.AI_USE,
        Permission.NOTIFICATIONS_READ,
        Permission.NOTIFICATIONS_WRITE,
        Permission.PROFILE_READ,
        Permission.PROFILE_WRITE,
        Permission.SESSIONS_MANAGE,
        Permission.API_TOKENS_MANAGE,
        Permission.GAMIFICATION_WRITE,
        Permission.SECOND_FACTOR_MANAGE,
        Permission.INTEGRATIONS_READ,
        Permission.INTEGRATIONS_WRITE,
        Permission.EXPERIMENTS_READ,
        Permission.ANALYTICS_READ,
    }
)

#: The declared permission table: what each role may do.
ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.USER: _PLAYER,
    Role.ADMIN: _PLAYER
    | {
        Permission.USERS_READ,
        Permission.USERS_MANAGE,
        Permission.ROLES_MANAGE,
        Permission.GAMIFICATION_AWARD,
        Permission.NOTIFICATIONS_SEND,
        Permission.SEARCH_ANALYTICS_READ,
        Permission.EXPERIMENTS_MANAGE,
        Permission.ANALYTICS_READ_ALL,
    },
}


def parse_role(value: str) -> Role:
    """The :class:`Role` named ``value``; ``ValidationFailed`` for an unknown name."""
    try:
        return Role(value)
    except ValueError:
        raise ValidationFailed(
            "role", f"unknown role {value!r}", allowed=[r.value for r in Role]
        ) from None


def parse_permission(value: str) -> Permission:
    """The :class:`Permission` named ``value``; ``ValidationFailed`` for an unknown name."""
    try:
        return Permission(value)
    except ValueError:
        raise ValidationFailed(
            "scope", f"unknown scope {value!r}", allowed=[p.value for p in Permission]
        ) from None


def permissions_of(roles: Iterable[Role]) -> frozenset[Permission]:
    """Every permission granted by any of ``roles``."""
    granted: set[Permission] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(granted)


def has_permission(roles: Iterable[Role], permission: Permission) -> bool:
    """Whether any of ``roles`` grants ``permission``."""
    return permission in permissions_of(roles)


def require_permission(granted: Iterable[Permission], permission: Permission) -> None:
    """Raise ``PermissionDenied`` unless ``permission`` is among ``granted``."""
    if permission not in set(granted):
        raise PermissionDenied(permission.value)


__all__ = [
    "ROLE_PERMISSIONS",
    "Permission",
    "Role",
    "has_permission",
    "parse_permission",
    "parse_role",
    "permissions_of",
    "require_permission",
]
