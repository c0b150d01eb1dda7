"""Moved to :mod:`questlog_core.identity.use_cases.deletion`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.identity.use_cases.deletion import (
    AccountDeletionUseCases as AccountDeletionUseCases,
)

__all__ = ["AccountDeletionUseCases"]
