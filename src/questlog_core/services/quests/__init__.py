"""Moved to :mod:`questlog_core.quests.use_cases`; this path keeps working.

It re-exports the same objects (the new package's ``__all__``, not a copy of it), so old
imports and ``isinstance`` checks are unaffected.
"""

# ``Quest`` and ``UNSET`` were importable from here before the move, though never in ``__all__``
from questlog_core.quests.model.quest import Quest as Quest
from questlog_core.quests.use_cases import *  # noqa: F403  (the re-export is the point)
from questlog_core.quests.use_cases import __all__ as __all__
from questlog_core.quests.use_cases.commands import UNSET as UNSET
