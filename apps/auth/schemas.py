"""Request bodies of the auth service (responses are the use cases' own Structs).

Every body refuses unknown fields, so a client can never set what it should not (no mass
assignment: ``roles`` in a registration is a 400, not a quiet promotion).
"""

from __future__ import annotations

from typing import Annotated

import msgspec

Email = Annotated[str, msgspec.Meta(min_length=3, max_length=320)]
# The password policy (8-128 code points, common passwords refused) is the domain's; the edge
# only bounds the size so a huge body cannot reach the hasher.
Password = Annotated[str, msgspec.Meta(max_length=1024)]
DisplayName = Annotated[str, msgspec.Meta(max_length=200)]


class RegisterIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    email: Email
    password: Password
    display_name: DisplayName = ""
    timezone: str = "UTC"
    day_start_hour: int = 0


class LoginIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    email: Email
    password: Password


class RefreshIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    refresh_token: Annotated[str, msgspec.Meta(max_length=512)]


class ForgotPasswordIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    email: Email


class ResetPasswordIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    token: Annotated[str, msgspec.Meta(max_length=512)]
    new_password: Password


class ChangePasswordIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    current_password: Password
    new_password: Password


class ProfileIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Only these fields of a profile are the user's to change."""

    display_name: DisplayName | None = None
    timezone: str | None = None
    day_start_hour: int | None = None


class ApiTokenIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    scopes: Annotated[list[str], msgspec.Meta(max_length=32)]
    #: lifetime in days (default 90, at most 365)
    expires_in_days: Annotated[int, msgspec.Meta(ge=1, le=365)] | None = None


class RoleIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    role: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]


class DisableIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=500)] = ""


class Accepted(msgspec.Struct, frozen=True, kw_only=True):
    """A request taken; what happened is deliberately not said (no enumeration)."""

    message: str
