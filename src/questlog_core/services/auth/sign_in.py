"""Moved to :mod:`questlog_core.identity.use_cases.sign_in`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.identity.passwords import normalise_password as normalise_password
from questlog_core.identity.use_cases.base import AuthBase as AuthBase
from questlog_core.identity.use_cases.results import RegistrationReceipt as RegistrationReceipt
from questlog_core.identity.use_cases.results import SignedIn as SignedIn
from questlog_core.identity.use_cases.results import TokenPair as TokenPair
from questlog_core.identity.use_cases.sign_in import SignInUseCases as SignInUseCases
from questlog_core.identity.users import User as User
from questlog_core.identity.users import normalise_email as normalise_email
from questlog_core.identity.users import validate_day_start_hour as validate_day_start_hour
from questlog_core.identity.users import validate_display_name as validate_display_name
from questlog_core.identity.users import validate_timezone as validate_timezone
from questlog_core.kernel.errors import AlreadyExists as AlreadyExists
from questlog_core.kernel.errors import AuthenticationFailed as AuthenticationFailed
from questlog_core.kernel.errors import RateLimited as RateLimited
from questlog_core.kernel.errors import ValidationFailed as ValidationFailed
from questlog_core.kernel.ids import UserId as UserId
from questlog_core.ports.platform import EmailMessage as EmailMessage

__all__ = [
    "SignInUseCases",
]
