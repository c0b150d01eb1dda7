"""The user account and the rules on its fields."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from questlog_core.errors import ValidationFailed
from questlog_core.identity.events import (
    PasswordChanged,
    ProfileUpdated,
    RoleGranted,
    RoleRevoked,
    UserDisabled,
    UserEnabled,
    UserRegistered,
)
from questlog_core.identity.rbac import Permission, Role, permissions_of
from questlog_core.kernel.events import DomainEvent
from questlog_core.kernel.ids import EventId, UserId

MAX_EMAIL_LENGTH = 254
MAX_DISPLAY_NAME_LENGTH = 64


def normalise_email(raw: str) -> str:
    """The canonical form of an address: trimmed, NFKC, lower-cased; ``ValidationFailed`` if
    it is not shaped like ``local@domain.tld``.

    The whole address is lower-cased: mailbox names are case-sensitive in theory and
    case-insensitive in every provider people use, and two accounts differing only in case
    would be a trap.
    """
    email = unicodedata.normalize("NFKC", raw).strip().lower()
    if len(email) > MAX_EMAIL_LENGTH:
        raise ValidationFailed("email", f"at most {MAX_EMAIL_LENGTH} characters")
    local, sep, domain = email.rpartition("@")
    if not sep or not local or not domain:
        raise ValidationFailed("email", "not an email address")
    if len(local) > 64 or "@" in local:
        raise ValidationFailed("email", "not an email address")
    if any(c.isspace() or unicodedata.category(c).startswith("C") for c in email):
        raise ValidationFailed("email", "contains spaces or control characters")
    labels = domain.split(".")
    if len(labels) < 2 or any(not label or len(label) > 63 for label in labels):
        raise ValidationFailed("email", "the domain is not valid")
    if any(label.startswith("-") or label.endswith("-") for label in labels):
        raise ValidationFailed("email", "the domain is not valid")
    return email


#: Files in a zoneinfo directory that are not IANA zone names.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@cache
def _known_timezones() -> frozenset[str]:
    return frozenset(available_timezones()) - _NOT_ZONES


def validate_timezone(name: str) -> str:
    """``name`` if it is an IANA time zone this system knows (e.g. ``Europe/Berlin``)."""
    # The membership test refuses file-system names ZoneInfo would also open ("localtime").
    if name not in _known_timezones() and name != "UTC":
        raise ValidationFailed("timezone", f"unknown IANA time zone {name!r}")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed("timezone", f"unknown IANA time zone {name!r}") from None
    return name


def validate_day_start_hour(hour: int) -> int:
    """``hour`` if it is 0..23: the local hour at which the player's day begins."""
    if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
        raise ValidationFailed("day_start_hour", "must be an hour from 0 to 23")
    return hour


def validate_display_name(raw: str) -> str:
    """A trimmed, NFC display name of 1..64 characters without control characters."""
    name = unicodedata.normalize("NFC", raw).strip()
    if not name:
        raise ValidationFailed("display_name", "must not be empty")
    if len(name) > MAX_DISPLAY_NAME_LENGTH:
        raise ValidationFailed("display_name", f"at most {MAX_DISPLAY_NAME_LENGTH} characters")
    if any(unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} for c in name):
        raise ValidationFailed("display_name", "contains control characters")
    return name


@dataclass(slots=True)
class User:
    """An account. Change it through its methods: they keep the rules and record events.

    ``tokens_valid_after`` is the per-user "issued before" line: an access token issued
    (``iat``) before it is refused, which revokes every outstanding access token at once.
    ``version`` is the optimistic-concurrency counter the repository checks and bumps.
    """

    id: UserId
    email: str
    display_name: str
    password_hash: str
    roles: frozenset[Role]
    created_at: datetime
    updated_at: datetime
    tokens_valid_after: datetime
    timezone: str = "UTC"
    day_start_hour: int = 0
    disabled: bool = False
    version: int = 0
    _events: list[DomainEvent] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def register(
        cls,
        *,
        user_id: UserId,
        email: str,
        display_name: str,
        password_hash: str,
        at: datetime,
        event_id: EventId,
        timezone: str = "UTC",
        day_start_hour: int = 0,
    ) -> User:
        """A new account holding the ``user`` role; records ``UserRegistered``."""
        user = cls(
            id=user_id,
            email=normalise_email(email),
            display_name=validate_display_name(display_name),
            password_hash=password_hash,
            roles=frozenset({Role.USER}),
            created_at=at,
            updated_at=at,
            tokens_valid_after=at,
            timezone=validate_timezone(timezone),
            day_start_hour=validate_day_start_hour(day_start_hour),
        )
        user._record(
            UserRegistered(
                event_id=event_id,
                occurred_at=at,
                owner=user_id,
                email=user.email,
                display_name=user.display_name,
                timezone=user.timezone,
                day_start_hour=user.day_start_hour,
            )
        )
        return user

    @property
    def permissions(self) -> frozenset[Permission]:
        """Everything this account's roles allow."""
        return permissions_of(self.roles)

    def update_profile(
        self,
        *,
        at: datetime,
        event_id: EventId,
        display_name: str | None = None,
        timezone: str | None = None,
        day_start_hour: int | None = None,
    ) -> bool:
        """Change the given profile fields; ``False`` (and no event) when nothing changed."""
        name = validate_display_name(display_name) if display_name is not None else None
        zone = validate_timezone(timezone) if timezone is not None else None
        hour = validate_day_start_hour(day_start_hour) if day_start_hour is not None else None
        new = (
            name if name is not None else self.display_name,
            zone if zone is not None else self.timezone,
            hour if hour is not None else self.day_start_hour,
        )
        if new == (self.display_name, self.timezone, self.day_start_hour):
            return False
        self.display_name, self.timezone, self.day_start_hour = new
        self.updated_at = at
        self._record(
            ProfileUpdated(
                event_id=event_id,
                occurred_at=at,
                owner=self.id,
                display_name=self.display_name,
                timezone=self.timezone,
                day_start_hour=self.day_start_hour,
            )
        )
        return True

    def change_password(self, new_hash: str, *, at: datetime, event_id: EventId, via: str) -> None:
        """Set a new password and revoke every access token issued before ``at``."""
        self.password_hash = new_hash
        self.updated_at = at
        self.revoke_access_tokens(at)
        self._record(PasswordChanged(event_id=event_id, occurred_at=at, owner=self.id, via=via))

    def upgrade_hash(self, new_hash: str) -> None:
        """Replace the stored hash of the same password (hasher parameters changed)."""
        self.password_hash = new_hash

    def revoke_access_tokens(self, at: datetime) -> None:
        """Refuse every access token issued before ``at`` (never moves the line back)."""
        self.tokens_valid_after = max(self.tokens_valid_after, at)

    def grant_role(self, role: Role, *, by: UserId, at: datetime, event_id: EventId) -> bool:
        """Add ``role``; ``False`` if the account already held it."""
        if role in self.roles:
            return False
        self.roles = self.roles | {role}
        self.updated_at = at
        self._record(
            RoleGranted(event_id=event_id, occurred_at=at, owner=self.id, role=role.value, by=by)
        )
        return True

    def revoke_role(self, role: Role, *, by: UserId, at: datetime, event_id: EventId) -> bool:
        """Remove ``role``; ``False`` if the account did not hold it. ``user`` stays always."""
        if role is Role.USER:
            raise ValidationFailed("role", "every account keeps the user role")
        if role not in self.roles:
            return False
        self.roles = self.roles - {role}
        self.updated_at = at
        # A role change takes effect now, not when the current access tokens expire.
        self.revoke_access_tokens(at)
        self._record(
            RoleRevoked(event_id=event_id, occurred_at=at, owner=self.id, role=role.value, by=by)
        )
        return True

    def disable(self, *, by: UserId, at: datetime, event_id: EventId, reason: str = "") -> bool:
        """Lock the account out and revoke its access tokens; ``False`` if already disabled."""
        if self.disabled:
            return False
        self.disabled = True
        self.updated_at = at
        self.revoke_access_tokens(at)
        self._record(
            UserDisabled(event_id=event_id, occurred_at=at, owner=self.id, by=by, reason=reason)
        )
        return True

    def enable(self, *, by: UserId, at: datetime, event_id: EventId) -> bool:
        """Let a disabled account sign in again; ``False`` if it was not disabled."""
        if not self.disabled:
            return False
        self.disabled = False
        self.updated_at = at
        self._record(UserEnabled(event_id=event_id, occurred_at=at, owner=self.id, by=by))
        return True

    def pull_events(self) -> list[DomainEvent]:
        """The events recorded since the last pull (the unit of work takes them on commit)."""
        events, self._events = self._events, []
        return events

    def copy(self) -> User:
        """A detached copy (repositories hand out copies so an unsaved change stays unsaved)."""
        return replace(self, _events=list(self._events))

    def _record(self, event: DomainEvent) -> None:
        self._events.append(event)


__all__ = [
    "User",
    "normalise_email",
    "validate_day_start_hour",
    "validate_display_name",
    "validate_timezone",
]
