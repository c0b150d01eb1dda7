"""Moved to :mod:`questlog_core.identity.use_cases`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.identity.tokens import ACCESS_TOKEN_USE as ACCESS_TOKEN_USE
from questlog_core.identity.use_cases import AuthService as AuthService
from questlog_core.identity.use_cases.admin import AdminUseCases as AdminUseCases
from questlog_core.identity.use_cases.api_tokens import ApiTokenUseCases as ApiTokenUseCases
from questlog_core.identity.use_cases.deletion import (
    AccountDeletionUseCases as AccountDeletionUseCases,
)
from questlog_core.identity.use_cases.profile import ProfileUseCases as ProfileUseCases
from questlog_core.identity.use_cases.results import REGISTRATION_MESSAGE as REGISTRATION_MESSAGE
from questlog_core.identity.use_cases.results import ApiTokenCreated as ApiTokenCreated
from questlog_core.identity.use_cases.results import ApiTokenInfo as ApiTokenInfo
from questlog_core.identity.use_cases.results import Profile as Profile
from questlog_core.identity.use_cases.results import RegistrationReceipt as RegistrationReceipt
from questlog_core.identity.use_cases.results import SessionInfo as SessionInfo
from questlog_core.identity.use_cases.results import SignedIn as SignedIn
from questlog_core.identity.use_cases.results import TokenPair as TokenPair
from questlog_core.identity.use_cases.results import read_profile as read_profile
from questlog_core.identity.use_cases.sessions import SessionUseCases as SessionUseCases
from questlog_core.identity.use_cases.sessions import refuse_revoked as refuse_revoked
from questlog_core.identity.use_cases.settings import AuthSettings as AuthSettings
from questlog_core.identity.use_cases.sign_in import SignInUseCases as SignInUseCases

__all__ = [
    "ACCESS_TOKEN_USE",
    "ApiTokenCreated",
    "ApiTokenInfo",
    "AuthService",
    "AuthSettings",
    "Profile",
    "RegistrationReceipt",
    "SessionInfo",
    "SignedIn",
    "TokenPair",
    "read_profile",
    "refuse_revoked",
]
