"""Events raised by the AI service (registered with every other domain event).

Self-contained on purpose: it only needs the base ``DomainEvent`` and ``register``.
"""

from __future__ import annotations

from questlog_core.kernel.events import DomainEvent, register

__all__ = ["AI_FEATURES", "AiFeatureUsed"]

#: the AI features a player can use, as :class:`AiFeatureUsed` names them
AI_FEATURES: tuple[str, ...] = (
    "quick_add",
    "breakdown",
    "classify",
    "suggest",
    "prioritize",
    "insights",
    "analyze",
)


@register
class AiFeatureUsed(DomainEvent, frozen=True, kw_only=True, tag="ai.feature_used.v1"):
    """A player used an AI feature (one of :data:`AI_FEATURES`) and got an answer. What they
    asked and what was answered are not part of it."""

    feature: str
