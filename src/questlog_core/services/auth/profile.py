"""Moved to :mod:`questlog_core.identity.use_cases.profile`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.identity.passwords import normalise_password as normalise_password
from questlog_core.identity.tokens import RESET_SECRET_BYTES as RESET_SECRET_BYTES
from questlog_core.identity.tokens import RESET_TOKEN_PREFIX as RESET_TOKEN_PREFIX
from questlog_core.identity.tokens import PasswordResetToken as PasswordResetToken
from questlog_core.identity.tokens import Principal as Principal
from questlog_core.identity.tokens import PrincipalKind as PrincipalKind
from questlog_core.identity.tokens import TokenKind as TokenKind
from questlog_core.identity.tokens import hash_token as hash_token
from questlog_core.identity.tokens import new_secret as new_secret
from questlog_core.identity.tokens import token_kind as token_kind
from questlog_core.identity.use_cases.base import AuthBase as AuthBase
from questlog_core.identity.use_cases.profile import ProfileUseCases as ProfileUseCases
from questlog_core.identity.use_cases.results import Profile as Profile
from questlog_core.identity.use_cases.results import TokenPair as TokenPair
from questlog_core.identity.use_cases.results import read_profile as read_profile
from questlog_core.identity.users import normalise_email as normalise_email
from questlog_core.kernel.errors import AuthenticationFailed as AuthenticationFailed
from questlog_core.kernel.errors import ConcurrencyConflict as ConcurrencyConflict
from questlog_core.kernel.errors import ValidationFailed as ValidationFailed
from questlog_core.kernel.ids import UserId as UserId
from questlog_core.ports.platform import EmailMessage as EmailMessage

__all__ = [
    "RESET_SECRET_BYTES",
    "RESET_TOKEN_PREFIX",
    "ProfileUseCases",
]
