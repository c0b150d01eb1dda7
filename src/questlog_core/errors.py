"""Typed domain errors.

Every rule the domain enforces fails with one of these. Each carries a stable ``code``
(used as the problem-details ``type`` suffix at the HTTP edge) and a ``kind`` that the edge
maps to a status once, in one place. Nothing below the apps knows about HTTP.

The base classes and the generic errors live in :mod:`questlog_core.kernel.errors` and are
re-exported here; the errors below belong to one context each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from questlog_core.kernel.errors import (
    AlreadyExists,
    AuthenticationFailed,
    ConcurrencyConflict,
    DomainError,
    ErrorKind,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServiceUnavailable,
    ValidationFailed,
)


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


class PushTokenRejected(DeliveryFailed):
    """The push service says this device token (or Web Push subscription) will never work again.

    FCM's ``UNREGISTERED`` / invalid registration token / ``SENDER_ID_MISMATCH``, a Web Push
    service's 404 or 410: the app was uninstalled, the browser unsubscribed, or the token is not
    one. Never retryable, and always ``target_gone``: the caller deactivates the device so it
    is not tried again.
    """

    code = "push-token-rejected"

    def __init__(self, provider: str, device_token: str, reason: str, *, status: int | None = None):
        # the device is gone for good: the notification dispatcher deactivates it
        super().__init__("push", provider, reason, retryable=False, status=status, target_gone=True)
        self.extra["device_token"] = device_token
        self.device_token = device_token


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


__all__ = [
    "AlreadyExists",
    "AttachmentNotFound",
    "AuthenticationFailed",
    "CategoryNotFound",
    "CheckInWindowClosed",
    "ConcurrencyConflict",
    "CrossOwnerDependency",
    "DeliveryFailed",
    "DependencyCycle",
    "DomainError",
    "ErrorKind",
    "FileTooLarge",
    "InvalidTransition",
    "NotFound",
    "PermissionDenied",
    "PlayerNotFound",
    "QuestBlocked",
    "QuestLocked",
    "QuestNotFound",
    "RateLimited",
    "ServiceUnavailable",
    "TemplateNotFound",
    "UploadIncomplete",
    "ValidationFailed",
    "describe",
]
