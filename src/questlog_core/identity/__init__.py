"""Identity: users, roles and permissions, the password policy, sessions and tokens.

Hashing and token signing are ports (:mod:`questlog_core.identity.ports`); the use cases
that tie them together are in :mod:`questlog_core.identity.use_cases`.
"""

from questlog_core.identity.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    PasswordPolicy,
    common_passwords,
    normalise_password,
)
from questlog_core.identity.rbac import (
    ROLE_PERMISSIONS,
    Permission,
    Role,
    has_permission,
    parse_permission,
    parse_role,
    permissions_of,
    require_permission,
)
from questlog_core.identity.tokens import (
    PasswordResetToken,
    PersonalApiToken,
    Principal,
    PrincipalKind,
    RefreshToken,
    SessionFamily,
    TokenKind,
    hash_token,
    new_secret,
    token_kind,
)
from questlog_core.identity.users import (
    User,
    normalise_email,
    validate_day_start_hour,
    validate_display_name,
    validate_timezone,
)

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "ROLE_PERMISSIONS",
    "PasswordPolicy",
    "PasswordResetToken",
    "Permission",
    "PersonalApiToken",
    "Principal",
    "PrincipalKind",
    "RefreshToken",
    "Role",
    "SessionFamily",
    "TokenKind",
    "User",
    "common_passwords",
    "has_permission",
    "hash_token",
    "new_secret",
    "normalise_email",
    "normalise_password",
    "parse_permission",
    "parse_role",
    "permissions_of",
    "require_permission",
    "token_kind",
    "validate_day_start_hour",
    "validate_display_name",
    "validate_timezone",
]
