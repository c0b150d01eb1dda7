"""The errors every context shares: the base of every domain error and the generic kinds.

Each carries a stable ``code`` (the problem-details ``type`` suffix at the HTTP edge) and a
``kind`` that the edge maps to a status once, in one place. Context-specific errors subclass
these (they live in :mod:`questlog_core.errors`). Nothing here knows about HTTP.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any, ClassVar


class ErrorKind(StrEnum):
    """What sort of failure an error is; the HTTP edge maps each kind to one status."""

    INVALID = "invalid"  # the input breaks a rule (422)
    NOT_FOUND = "not_found"  # absent, or not yours (404)
    CONFLICT = "conflict"  # the current state forbids it (409)
    STALE = "stale"  # optimistic concurrency lost (412 with If-Match, else 409)
    UNAUTHENTICATED = "unauthenticated"  # 401
    FORBIDDEN = "forbidden"  # 403
    RATE_LIMITED = "rate_limited"  # 429
    UNAVAILABLE = "unavailable"  # a dependency is down and there is no fallback (503)


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    code: ClassVar[str] = "domain-error"
    kind: ClassVar[ErrorKind] = ErrorKind.INVALID

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra: dict[str, Any] = extra

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready description: code, detail and the error's own facts."""
        return {"code": self.code, "detail": self.detail, **self.extra}


class ValidationFailed(DomainError):
    """An input value breaks a rule; ``field`` names which one."""

    code = "validation-failed"
    kind = ErrorKind.INVALID

    def __init__(self, field: str, reason: str, *, allowed: Sequence[str] | None = None) -> None:
        facts: dict[str, Any] = {"field": field, "reason": reason}
        if allowed is not None:
            facts["allowed"] = list(allowed)
        super().__init__(f"{field}: {reason}", **facts)
        self.field = field
        self.reason = reason
        #: the values the field accepts, when they are a closed set (an enum)
        self.allowed = None if allowed is None else list(allowed)


class NotFound(DomainError):
    """The thing does not exist for this owner (another owner's thing is *not found* too)."""

    code = "not-found"
    kind = ErrorKind.NOT_FOUND

    def __init__(self, entity: str, entity_id: object) -> None:
        super().__init__(f"{entity} {entity_id} not found", entity=entity, id=str(entity_id))
        self.entity = entity
        self.entity_id = entity_id


class ConcurrencyConflict(DomainError):
    """Someone else changed the thing since it was read (optimistic concurrency)."""

    code = "concurrency-conflict"
    kind = ErrorKind.STALE

    def __init__(self, entity: str, entity_id: object, expected: int, actual: int | None) -> None:
        super().__init__(
            f"{entity} {entity_id} was changed: expected version {expected}, found {actual}",
            entity=entity,
            id=str(entity_id),
            expected_version=expected,
            actual_version=actual,
        )


class AlreadyExists(DomainError):
    """A unique thing exists already."""

    code = "already-exists"
    kind = ErrorKind.CONFLICT

    def __init__(self, entity: str, key: object) -> None:
        super().__init__(f"{entity} {key} already exists", entity=entity, key=str(key))


class PermissionDenied(DomainError):
    code = "permission-denied"
    kind = ErrorKind.FORBIDDEN

    def __init__(self, permission: str) -> None:
        super().__init__(f"missing permission {permission}", permission=permission)


class AuthenticationFailed(DomainError):
    code = "authentication-failed"
    kind = ErrorKind.UNAUTHENTICATED

    def __init__(self, detail: str = "invalid credentials") -> None:
        super().__init__(detail)


class RateLimited(DomainError):
    code = "rate-limited"
    kind = ErrorKind.RATE_LIMITED

    def __init__(self, retry_after_seconds: float) -> None:
        super().__init__(
            "too many requests", retry_after_seconds=round(max(retry_after_seconds, 0.0), 3)
        )
        self.retry_after_seconds = retry_after_seconds


class ServiceUnavailable(DomainError):
    code = "service-unavailable"
    kind = ErrorKind.UNAVAILABLE


__all__ = [
    "AlreadyExists",
    "AuthenticationFailed",
    "ConcurrencyConflict",
    "DomainError",
    "ErrorKind",
    "NotFound",
    "PermissionDenied",
    "RateLimited",
    "ServiceUnavailable",
    "ValidationFailed",
]
