"""Request bodies of the auth service (responses are the use cases' own Structs).

Every body refuses unknown fields, so a client can never set what it should not (no mass
assignment: ``roles`` in a registration is a 400, not a quiet promotion).
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec

from apps.http.text import SPACES
from questlog_core.identity.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from questlog_core.identity.rbac import Permission, Role
from questlog_core.identity.users import MAX_DISPLAY_NAME_LENGTH, MAX_EMAIL_LENGTH

# What the OpenAPI document can say about each field is said here; what it cannot (Unicode
# normalisation before a length is measured, the list of common passwords, the time zones this
# system knows) is the domain's, and answers 422 naming the field.

# Control (Cc), format (Cf) and line/paragraph separator (Zl, Zp) characters: the domain
# refuses them in names.
_UNPRINTABLE = (
    r"\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    r"\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    r"\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    r"\U000e0001\U000e0020-\U000e007f"
)
#: printable text with at least one character that is not a space
NAME_PATTERN = f"^[^{_UNPRINTABLE}]*[^{SPACES}{_UNPRINTABLE}][^{_UNPRINTABLE}]*$"

Email = Annotated[
    str,
    msgspec.Meta(
        min_length=3,
        max_length=MAX_EMAIL_LENGTH,
        extra_json_schema={"extra": {"format": "email"}},
        examples=["player@example.com"],
    ),
]
#: what a sign-in accepts: any address-like text (an unknown one is a 401 like a wrong password)
LoginEmail = Annotated[str, msgspec.Meta(min_length=1, max_length=320)]
# The password policy (8-128 code points after NFKC, common passwords refused) is the domain's.
NewPassword = Annotated[
    str, msgspec.Meta(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)
]
#: a password being checked, not set: only bounded, so a huge body cannot reach the hasher
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]
DisplayName = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=MAX_DISPLAY_NAME_LENGTH,
        pattern=NAME_PATTERN,
        description="1-64 characters after trimming, no control characters",
    ),
]
TimeZone = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=64,
        description="an IANA time zone name this server knows, e.g. Europe/Berlin",
        examples=["Europe/Berlin"],
    ),
]
DayStartHour = Annotated[int, msgspec.Meta(ge=0, le=23, description="local hour the day begins")]
_SCOPES = [p.value for p in Permission]
#: personal API token scopes: permission names (an unknown one is a 422 listing the allowed)
Scopes = Annotated[
    list[str],
    msgspec.Meta(
        min_length=1,
        max_length=len(_SCOPES),
        extra_json_schema={"extra": {"items": {"type": "string", "enum": _SCOPES}}},
    ),
]
RoleName = Annotated[
    str,
    msgspec.Meta(
        min_length=1, max_length=50, extra_json_schema={"extra": {"enum": [r.value for r in Role]}}
    ),
]


class RegisterIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    email: Email
    password: NewPassword
    display_name: DisplayName
    timezone: TimeZone = "UTC"
    day_start_hour: DayStartHour = 0


class LoginIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    email: LoginEmail
    password: Password


class RefreshIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    refresh_token: Annotated[str, msgspec.Meta(min_length=1, max_length=512)]


class ForgotPasswordIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    email: Email


class ResetPasswordIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=512)]
    new_password: NewPassword


class ChangePasswordIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    current_password: Password
    new_password: NewPassword


class ProfileIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Only these fields of a profile are the user's to change."""

    display_name: DisplayName | None = None
    timezone: TimeZone | None = None
    day_start_hour: DayStartHour | None = None


class ApiTokenIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: DisplayName
    scopes: Scopes
    #: lifetime in days (default 90, at most 365)
    expires_in_days: Annotated[int, msgspec.Meta(ge=1, le=365)] | None = None


class RoleIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    role: RoleName


class DisableIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=500)] = ""


class Accepted(msgspec.Struct, frozen=True, kw_only=True):
    """A request taken; what happened is deliberately not said (no enumeration)."""

    message: str


class DeleteAccountIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The account's password, asked again before it is deleted."""

    password: Password


class AccountDeletionOut(msgspec.Struct, frozen=True, kw_only=True):
    """The account is locked now; every service deletes its data of it shortly after."""

    user_id: UUID
    status: str
    detail: str
