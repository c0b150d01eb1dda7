"""Moved to :mod:`questlog_core.identity.use_cases.settings`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.identity.use_cases.settings import AuthSettings as AuthSettings

__all__ = [
    "AuthSettings",
]
