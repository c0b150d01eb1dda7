"""Moved to :mod:`questlog_core.identity.use_cases.base`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.identity.devices import DeviceCookies as DeviceCookies
from questlog_core.identity.passwords import PasswordPolicy as PasswordPolicy
from questlog_core.identity.ports import AsyncPasswordHasher as AsyncPasswordHasher
from questlog_core.identity.ports import AuthUnitOfWork as AuthUnitOfWork
from questlog_core.identity.ports import TokenIssuer as TokenIssuer
from questlog_core.identity.tokens import REFRESH_TOKEN_PREFIX as REFRESH_TOKEN_PREFIX
from questlog_core.identity.tokens import RefreshToken as RefreshToken
from questlog_core.identity.tokens import SessionFamily as SessionFamily
from questlog_core.identity.tokens import access_token_claims as access_token_claims
from questlog_core.identity.tokens import hash_token as hash_token
from questlog_core.identity.tokens import new_secret as new_secret
from questlog_core.identity.use_cases.base import AuthBase as AuthBase
from questlog_core.identity.use_cases.results import TokenPair as TokenPair
from questlog_core.identity.use_cases.settings import AuthSettings as AuthSettings
from questlog_core.identity.users import User as User
from questlog_core.kernel.clock import Clock as Clock
from questlog_core.kernel.clock import IdFactory as IdFactory
from questlog_core.kernel.errors import RateLimited as RateLimited
from questlog_core.kernel.ids import EventId as EventId
from questlog_core.kernel.ids import UserId as UserId
from questlog_core.ports.platform import EmailMessage as EmailMessage
from questlog_core.ports.platform import EmailSender as EmailSender
from questlog_core.ports.platform import RateLimiter as RateLimiter
from questlog_core.ports.sessions import TokenDenylist as TokenDenylist

__all__ = [
    "REFRESH_TOKEN_PREFIX",
    "AuthBase",
]
