"""Moved to :mod:`questlog_core.identity.events`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.identity.events import AccountDeleted as AccountDeleted
from questlog_core.identity.events import PasswordChanged as PasswordChanged
from questlog_core.identity.events import ProfileUpdated as ProfileUpdated
from questlog_core.identity.events import RefreshTokenReuseDetected as RefreshTokenReuseDetected
from questlog_core.identity.events import RoleGranted as RoleGranted
from questlog_core.identity.events import RoleRevoked as RoleRevoked
from questlog_core.identity.events import SecondFactorDisabled as SecondFactorDisabled
from questlog_core.identity.events import SecondFactorEnabled as SecondFactorEnabled
from questlog_core.identity.events import UserDisabled as UserDisabled
from questlog_core.identity.events import UserEnabled as UserEnabled
from questlog_core.identity.events import UserRegistered as UserRegistered
from questlog_core.kernel.events import DomainEvent as DomainEvent
from questlog_core.kernel.events import register as register
from questlog_core.kernel.ids import UserId as UserId

__all__ = [
    "AccountDeleted",
    "PasswordChanged",
    "ProfileUpdated",
    "RefreshTokenReuseDetected",
    "RoleGranted",
    "RoleRevoked",
    "SecondFactorDisabled",
    "SecondFactorEnabled",
    "UserDisabled",
    "UserEnabled",
    "UserRegistered",
]
