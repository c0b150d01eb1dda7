"""Experiments (A/B tests): their definition, their life cycle and who is in which variant.

An experiment has a key (what the apps ask about), two or more variants with integer weights
(the first is the control), the metric it is judged on and the window after exposure that
counts. Assignment is a pure function of the experiment key and the user id (SHA-256, see
:func:`assign`): the same user gets the same variant every time, in every process, with nothing
stored; an exposure (the first time a user was shown their variant) is what is stored.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

import msgspec

from questlog_core.errors import InvalidTransition
from questlog_core.kernel.errors import NotFound, ValidationFailed
from questlog_core.kernel.ids import UserId

__all__ = [
    "KEY_PATTERN",
    "MAX_VARIANTS",
    "MAX_WEIGHT",
    "MAX_WINDOW_DAYS",
    "Experiment",
    "ExperimentNotFound",
    "ExperimentStatus",
    "Exposure",
    "Metric",
    "Variant",
    "VariantTotals",
    "assign",
    "bucket_point",
]

#: keys of experiments and variants: lower-case letters, digits, ``-`` and ``_``
KEY_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
_KEY = re.compile(KEY_PATTERN)
#: most variants an experiment may have (control included)
MAX_VARIANTS = 10
#: largest weight of one variant
MAX_WEIGHT = 10_000
#: longest window after exposure that counts for the metric (days)
MAX_WINDOW_DAYS = 90

Key = Annotated[str, msgspec.Meta(pattern=KEY_PATTERN)]


class ExperimentStatus(StrEnum):
    """draft → running → stopped; only a running experiment assigns and records exposures."""

    DRAFT = "draft"
    RUNNING = "running"
    STOPPED = "stopped"


class Metric(StrEnum):
    """What an experiment is judged on, per exposed user, within ``window_days`` of exposure."""

    #: share of exposed users who completed at least one quest (Wilson score interval)
    COMPLETION_RATE = "completion_rate"
    #: quests completed per exposed user (normal approximation of the mean)
    COMPLETIONS_PER_USER = "completions_per_user"


class ExperimentNotFound(NotFound):
    """No experiment has this key."""

    code = "experiment-not-found"

    def __init__(self, key: str) -> None:
        super().__init__("experiment", key)


class Variant(msgspec.Struct, frozen=True, kw_only=True):
    """One arm of an experiment; users fall into it in proportion to ``weight``."""

    key: str
    weight: int = 1


class Experiment(msgspec.Struct, frozen=True, kw_only=True):
    """An experiment's definition and where it is in its life; it holds no user data."""

    key: str
    name: str
    variants: tuple[Variant, ...]
    metric: Metric
    window_days: int
    created_at: datetime
    description: str = ""
    status: ExperimentStatus = ExperimentStatus.DRAFT
    started_at: datetime | None = None
    stopped_at: datetime | None = None

    @classmethod
    def define(
        cls,
        *,
        key: str,
        name: str,
        variants: Sequence[Variant],
        metric: Metric,
        window_days: int,
        at: datetime,
        description: str = "",
    ) -> Experiment:
        """A new draft experiment; raises ``ValidationFailed`` naming the first bad field."""
        if not _KEY.match(key):
            raise ValidationFailed("key", f"must match {KEY_PATTERN}")
        if not name.strip():
            raise ValidationFailed("name", "must not be blank")
        if not 2 <= len(variants) <= MAX_VARIANTS:
            raise ValidationFailed("variants", f"needs between 2 and {MAX_VARIANTS} variants")
        seen: set[str] = set()
        for variant in variants:
            if not _KEY.match(variant.key):
                raise ValidationFailed("variants", f"key {variant.key!r} must match {KEY_PATTERN}")
            if variant.key in seen:
                raise ValidationFailed("variants", f"key {variant.key!r} appears twice")
            seen.add(variant.key)
            if not 1 <= variant.weight <= MAX_WEIGHT:
                raise ValidationFailed("variants", f"weight must be between 1 and {MAX_WEIGHT}")
        if not 1 <= window_days <= MAX_WINDOW_DAYS:
            raise ValidationFailed("window_days", f"must be between 1 and {MAX_WINDOW_DAYS}")
        return cls(
            key=key,
            name=name.strip(),
            description=description,
            variants=tuple(variants),
            metric=metric,
            window_days=window_days,
            created_at=at,
        )

    @property
    def control(self) -> str:
        """The variant the others are compared with: the first one."""
        return self.variants[0].key

    @property
    def window(self) -> timedelta:
        """How long after exposure a completion counts."""
        return timedelta(days=self.window_days)

    def start(self, at: datetime) -> Experiment:
        """The experiment running from ``at``; only a draft can start."""
        if self.status is not ExperimentStatus.DRAFT:
            raise InvalidTransition(self.status, ExperimentStatus.RUNNING, "only a draft starts")
        return msgspec.structs.replace(self, status=ExperimentStatus.RUNNING, started_at=at)

    def stop(self, at: datetime) -> Experiment:
        """The experiment stopped at ``at``: nobody else is exposed; results stay readable."""
        if self.status is not ExperimentStatus.RUNNING:
            raise InvalidTransition(
                self.status, ExperimentStatus.STOPPED, "only a running experiment stops"
            )
        return msgspec.structs.replace(self, status=ExperimentStatus.STOPPED, stopped_at=at)

    def variant_of(self, user: UserId) -> str:
        """The variant ``user`` is in (see :func:`assign`), whatever the status."""
        return assign(self.key, user, self.variants)


class Exposure(msgspec.Struct, frozen=True, kw_only=True):
    """The first time ``user`` was shown ``variant`` of ``experiment``; ``completions`` counts
    the quests they completed within the experiment's window after it."""

    experiment: str
    user: UserId
    variant: str
    exposed_at: datetime
    completions: int = 0


class VariantTotals(msgspec.Struct, frozen=True, kw_only=True):
    """What the exposure log adds up to for one variant (the statistics come from these)."""

    variant: str
    exposed: int = 0
    #: exposed users with at least one completion in the window
    converted: int = 0
    completions: int = 0
    #: sum of each user's completions squared (for the variance of the mean)
    completions_squared: int = 0


def bucket_point(experiment_key: str, user: UserId, total_weight: int) -> int:
    """A point in ``[0, total_weight)`` drawn uniformly from SHA-256 of key and user id.

    The first 8 bytes of ``sha256(f"{experiment_key}:{user}")`` (big-endian) are a uniform
    integer ``h`` in ``[0, 2**64)``; the point is ``h * total_weight >> 64``, integer arithmetic
    only, so every process and platform computes the same point.
    """
    digest = hashlib.sha256(f"{experiment_key}:{user}".encode()).digest()
    return (int.from_bytes(digest[:8], "big") * total_weight) >> 64


def assign(experiment_key: str, user: UserId, variants: Sequence[Variant]) -> str:
    """The variant ``user`` falls into: variants own consecutive slices of
    ``[0, sum(weights))`` in their order, each as wide as its weight, and the user is in the
    slice holding :func:`bucket_point`. Depends on nothing but its arguments."""
    point = bucket_point(experiment_key, user, sum(v.weight for v in variants))
    edge = 0
    for variant in variants:
        edge += variant.weight
        if point < edge:
            return variant.key
    raise ValueError("no variants")  # pragma: no cover - the point is below the total weight
