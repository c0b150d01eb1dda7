"""Moved to :mod:`questlog_core.identity.use_cases.admin`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.identity.rbac import Permission as Permission
from questlog_core.identity.rbac import Role as Role
from questlog_core.identity.rbac import parse_role as parse_role
from questlog_core.identity.tokens import Principal as Principal
from questlog_core.identity.use_cases.admin import AdminUseCases as AdminUseCases
from questlog_core.identity.use_cases.base import AuthBase as AuthBase
from questlog_core.identity.use_cases.results import Profile as Profile
from questlog_core.identity.users import User as User
from questlog_core.identity.users import normalise_email as normalise_email
from questlog_core.identity.users import validate_day_start_hour as validate_day_start_hour
from questlog_core.identity.users import validate_display_name as validate_display_name
from questlog_core.identity.users import validate_timezone as validate_timezone
from questlog_core.kernel.errors import AlreadyExists as AlreadyExists
from questlog_core.kernel.errors import NotFound as NotFound
from questlog_core.kernel.errors import ValidationFailed as ValidationFailed
from questlog_core.kernel.ids import UserId as UserId

__all__ = [
    "AdminUseCases",
]
