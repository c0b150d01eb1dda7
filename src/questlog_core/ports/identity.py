"""Moved to :mod:`questlog_core.identity.ports`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.identity.ports import ApiTokenRepository as ApiTokenRepository
from questlog_core.identity.ports import AsyncPasswordHasher as AsyncPasswordHasher
from questlog_core.identity.ports import Authenticator as Authenticator
from questlog_core.identity.ports import AuthUnitOfWork as AuthUnitOfWork
from questlog_core.identity.ports import ExternalIdentity as ExternalIdentity
from questlog_core.identity.ports import IdentityProvider as IdentityProvider
from questlog_core.identity.ports import PasswordHasher as PasswordHasher
from questlog_core.identity.ports import RefreshTokenRepository as RefreshTokenRepository
from questlog_core.identity.ports import ResetTokenRepository as ResetTokenRepository
from questlog_core.identity.ports import TokenIssuer as TokenIssuer
from questlog_core.identity.ports import UserRepository as UserRepository
from questlog_core.identity.tokens import PasswordResetToken as PasswordResetToken
from questlog_core.identity.tokens import PersonalApiToken as PersonalApiToken
from questlog_core.identity.tokens import Principal as Principal
from questlog_core.identity.tokens import RefreshToken as RefreshToken
from questlog_core.identity.tokens import SessionFamily as SessionFamily
from questlog_core.identity.users import User as User
from questlog_core.kernel.events import DomainEvent as DomainEvent
from questlog_core.kernel.ids import EventId as EventId
from questlog_core.kernel.ids import UserId as UserId

__all__ = [
    "ApiTokenRepository",
    "AsyncPasswordHasher",
    "AuthUnitOfWork",
    "Authenticator",
    "ExternalIdentity",
    "IdentityProvider",
    "PasswordHasher",
    "RefreshTokenRepository",
    "ResetTokenRepository",
    "TokenIssuer",
    "UserRepository",
]
