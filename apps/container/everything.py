"""The type of a container with every part, for type checking.

:func:`apps.container.build_container` composes the parts the selected services need (from the
registry); code that reads a provider names it on this type, and a provider of a part that was
not selected is simply absent at run time (an ``AttributeError``, never a silent build).
"""

from __future__ import annotations

from apps.container.ai import AiPart
from apps.container.analytics import AnalyticsPart
from apps.container.calendar import CalendarPart
from apps.container.delivery import DeliveryPart
from apps.container.experiments import ExperimentsPart
from apps.container.gamification import GamificationPart
from apps.container.identity import IdentityPart
from apps.container.integrations import IntegrationsPart
from apps.container.notification import NotificationPart
from apps.container.quests import QuestsPart
from apps.container.search import SearchPart


class Container(
    IdentityPart,
    QuestsPart,
    GamificationPart,
    AiPart,
    DeliveryPart,
    NotificationPart,
    SearchPart,
    IntegrationsPart,
    CalendarPart,
    AnalyticsPart,
    ExperimentsPart,
):
    """Every part: what the all-in-one builds."""


__all__ = ["Container"]
