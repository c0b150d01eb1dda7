"""Moved to :mod:`questlog_core.identity.use_cases.results`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.identity.ports import AuthUnitOfWork as AuthUnitOfWork
from questlog_core.identity.tokens import PersonalApiToken as PersonalApiToken
from questlog_core.identity.use_cases.results import REGISTRATION_MESSAGE as REGISTRATION_MESSAGE
from questlog_core.identity.use_cases.results import ApiTokenCreated as ApiTokenCreated
from questlog_core.identity.use_cases.results import ApiTokenInfo as ApiTokenInfo
from questlog_core.identity.use_cases.results import Profile as Profile
from questlog_core.identity.use_cases.results import RegistrationReceipt as RegistrationReceipt
from questlog_core.identity.use_cases.results import SessionInfo as SessionInfo
from questlog_core.identity.use_cases.results import SignedIn as SignedIn
from questlog_core.identity.use_cases.results import TokenPair as TokenPair
from questlog_core.identity.use_cases.results import read_profile as read_profile
from questlog_core.identity.users import User as User
from questlog_core.kernel.ids import UserId as UserId

__all__ = [
    "REGISTRATION_MESSAGE",
    "ApiTokenCreated",
    "ApiTokenInfo",
    "Profile",
    "RegistrationReceipt",
    "SessionInfo",
    "SignedIn",
    "TokenPair",
    "read_profile",
]
