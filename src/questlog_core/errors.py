"""Typed domain errors.

Every rule the domain enforces fails with one of these. Each carries a stable ``code``
(used as the problem-details ``type`` suffix at the HTTP edge) and a ``kind`` that the edge
maps to a status once, in one place. Nothing below the apps knows about HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


class QuestNotFound(NotFound):
    code = "quest-not-found"

    def __init__(self, quest_id: object) -> None:
        super().__init__("quest", quest_id)


class TemplateNotFound(NotFound):
    code = "template-not-found"

    def __init__(self, template_id: object) -> None:
        super().__init__("template", template_id)


class CategoryNotFound(NotFound):
    code = "category-not-found"

    def __init__(self, category_id: object) -> None:
        super().__init__("category", category_id)


class InvalidTransition(DomainError):
    """A status change the state machine does not allow."""

    code = "invalid-transition"
    kind = ErrorKind.CONFLICT

    def __init__(self, from_status: str, to_status: str, reason: str | None = None) -> None:
        detail = f"cannot go from {from_status} to {to_status}"
        if reason:
            detail += f": {reason}"
        super().__init__(detail, from_status=from_status, to_status=to_status)
        self.from_status = from_status
        self.to_status = to_status


class QuestBlocked(DomainError):
    """A quest with unfinished prerequisites cannot be completed."""

    code = "quest-blocked"
    kind = ErrorKind.CONFLICT

    def __init__(self, quest_id: object, prerequisites: Sequence[object]) -> None:
        ids = [str(p) for p in prerequisites]
        super().__init__(
            f"quest {quest_id} is blocked by {len(ids)} unfinished prerequisite(s)",
            quest_id=str(quest_id),
            prerequisites=ids,
        )
        self.prerequisites = list(prerequisites)


class DependencyCycle(DomainError):
    """Adding the edge would close a cycle; ``cycle`` is the path, first node repeated last."""

    code = "dependency-cycle"
    kind = ErrorKind.CONFLICT

    def __init__(self, cycle: Sequence[object]) -> None:
        path = [str(n) for n in cycle]
        super().__init__("dependency would create a cycle: " + " -> ".join(path), cycle=path)
        self.cycle = list(cycle)


class CrossOwnerDependency(DomainError):
    """Dependencies only link quests of the same owner."""

    code = "cross-owner-dependency"
    kind = ErrorKind.INVALID

    def __init__(self) -> None:
        super().__init__("a dependency can only link quests of the same owner")


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


def describe(errors: Mapping[str, str]) -> str:
    """Join field errors into one readable sentence."""
    return "; ".join(f"{k}: {v}" for k, v in errors.items())


class QuestLocked(DomainError):
    """The quest's status forbids this change (e.g. editing an archived quest, or setting the
    progress of a finished one)."""

    code = "quest-locked"
    kind = ErrorKind.CONFLICT

    def __init__(self, quest_id: object, status: str, action: str) -> None:
        super().__init__(
            f"quest {quest_id} is {status}: cannot {action}",
            quest_id=str(quest_id),
            status=status,
            action=action,
        )
        self.status = status
        self.action = action


class FileTooLarge(DomainError):
    """A stored file would exceed the size limit (the HTTP edge answers 413)."""

    code = "file-too-large"
    kind = ErrorKind.INVALID

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            f"file of {size} bytes exceeds the {limit}-byte limit", size=size, limit=limit
        )
        self.size = size
        self.limit = limit


class DeliveryFailed(DomainError):
    """A message (email, push) could not be handed to its delivery service.

    ``retryable`` says whether trying again later can help (a timeout, a 429, a 5xx) or not
    (bad credentials, a refused recipient); ``retry_after_seconds`` is the service's hint.
    ``target_gone`` says the address or device itself will never take a message again (a
    mailbox refused for good, an unregistered push token): it should stop being used, unlike
    a failure of our own side (bad credentials), which says nothing about the recipient.
    """

    code = "delivery-failed"
    kind = ErrorKind.UNAVAILABLE

    def __init__(
        self,
        channel: str,
        provider: str,
        reason: str,
        *,
        retryable: bool,
        status: int | None = None,
        retry_after_seconds: float | None = None,
        target_gone: bool = False,
    ) -> None:
        super().__init__(
            f"{channel} via {provider} failed: {reason}",
            channel=channel,
            provider=provider,
            reason=reason,
            retryable=retryable,
            status=status,
            retry_after_seconds=retry_after_seconds,
            target_gone=target_gone,
        )
        self.channel = channel
        self.provider = provider
        self.reason = reason
        self.retryable = retryable
        self.status = status
        self.retry_after_seconds = retry_after_seconds
        self.target_gone = target_gone


class PlayerNotFound(NotFound):
    """The user has no game profile yet (they have not completed a quest)."""

    code = "player-not-found"

    def __init__(self, user_id: object) -> None:
        super().__init__("player", user_id)


class CheckInWindowClosed(DomainError):
    """A completion can be counted for yesterday only until yesterday becomes final."""

    code = "check-in-window-closed"
    kind = ErrorKind.CONFLICT

    def __init__(self, day: object) -> None:
        super().__init__(f"{day} is final and can no longer take a check-in", day=str(day))


class AttachmentNotFound(NotFound):
    """No such attachment on this quest for this owner."""

    code = "attachment-not-found"

    def __init__(self, attachment_id: object) -> None:
        super().__init__("attachment", attachment_id)


class UploadIncomplete(DomainError):
    """An upload was confirmed but its bytes never reached the storage."""

    code = "upload-incomplete"
    kind = ErrorKind.CONFLICT

    def __init__(self, attachment_id: object) -> None:
        super().__init__(
            f"attachment {attachment_id} has not been uploaded yet", id=str(attachment_id)
        )
