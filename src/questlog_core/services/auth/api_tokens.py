"""Moved to :mod:`questlog_core.identity.use_cases.api_tokens`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.identity.rbac import parse_permission as parse_permission
from questlog_core.identity.tokens import API_TOKEN_PREFIX as API_TOKEN_PREFIX
from questlog_core.identity.tokens import PersonalApiToken as PersonalApiToken
from questlog_core.identity.tokens import Principal as Principal
from questlog_core.identity.tokens import PrincipalKind as PrincipalKind
from questlog_core.identity.tokens import hash_token as hash_token
from questlog_core.identity.tokens import new_secret as new_secret
from questlog_core.identity.use_cases.api_tokens import ApiTokenUseCases as ApiTokenUseCases
from questlog_core.identity.use_cases.base import AuthBase as AuthBase
from questlog_core.identity.use_cases.results import ApiTokenCreated as ApiTokenCreated
from questlog_core.identity.use_cases.results import ApiTokenInfo as ApiTokenInfo
from questlog_core.identity.users import validate_display_name as validate_display_name
from questlog_core.kernel.errors import AuthenticationFailed as AuthenticationFailed
from questlog_core.kernel.errors import NotFound as NotFound
from questlog_core.kernel.errors import ValidationFailed as ValidationFailed

__all__ = [
    "API_TOKEN_PREFIX",
    "ApiTokenUseCases",
]
