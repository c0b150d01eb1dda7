"""Moved to :mod:`questlog_core.gamification.use_cases`; this path keeps working.

It re-exports the same objects (the new package's ``__all__``, not a copy of it), so old
imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.gamification.use_cases import *  # noqa: F403  (the re-export is the point)
from questlog_core.gamification.use_cases import __all__ as __all__
