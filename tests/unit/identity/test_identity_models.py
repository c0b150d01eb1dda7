"""Users (normalised fields, events) and the token models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from questlog_core.errors import ValidationFailed
from questlog_core.events import decode_event, encode_event
from questlog_core.events.identity import (
    PasswordChanged,
    ProfileUpdated,
    RoleGranted,
    RoleRevoked,
    UserDisabled,
    UserEnabled,
    UserRegistered,
)
from questlog_core.identity import (
    PasswordResetToken,
    Permission,
    PersonalApiToken,
    Role,
    SessionFamily,
    TokenKind,
    User,
    hash_token,
    new_secret,
    normalise_email,
    token_kind,
    validate_timezone,
)
from questlog_core.identity.tokens import API_TOKEN_PREFIX, REFRESH_TOKEN_PREFIX
from questlog_core.ids import EventId, UserId

NOW = datetime(2025, 3, 3, tzinfo=UTC)


def eid() -> EventId:
    return EventId(uuid4())


def new_user(**kw: object) -> User:
    args: dict[str, object] = {
        "user_id": UserId(uuid4()),
        "email": "Ada@Example.com",
        "display_name": "  Ada  ",
        "password_hash": "$argon2id$x",
        "at": NOW,
        "event_id": eid(),
    }
    args.update(kw)
    return User.register(**args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("  Ada@Example.COM ", "ada@example.com"),
        ("ada+quests@example.co.uk", "ada+quests@example.co.uk"),
        ("ＡＤＡ@example.com", "ada@example.com"),  # full-width letters, NFKC
    ],
)
def test_emails_are_normalised(raw: str, normal: str) -> None:
    assert normalise_email(raw) == normal


@pytest.mark.parametrize(
    "bad", ["", "ada", "ada@", "@example.com", "ada@example", "a b@example.com", "a@-x.com"]
)
def test_malformed_emails_are_refused(bad: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        normalise_email(bad)
    assert refused.value.field == "email"


def test_time_zones_must_be_iana_names() -> None:
    assert validate_timezone("Europe/Berlin") == "Europe/Berlin"
    assert validate_timezone("UTC") == "UTC"
    for bad in ("Mars/Base", "localtime", "../../etc/passwd", "CEST", ""):
        with pytest.raises(ValidationFailed):
            validate_timezone(bad)


def test_a_new_user_is_a_player_with_normalised_fields() -> None:
    user = new_user(timezone="America/New_York", day_start_hour=5)
    assert user.email == "ada@example.com"
    assert user.display_name == "Ada"
    assert user.roles == {Role.USER}
    assert user.tokens_valid_after == NOW
    assert Permission.QUESTS_READ in user.permissions
    [event] = user.pull_events()
    assert isinstance(event, UserRegistered)
    assert (event.timezone, event.day_start_hour) == ("America/New_York", 5)
    assert user.pull_events() == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("day_start_hour", 24), ("day_start_hour", -1), ("display_name", " "), ("timezone", "X/Y")],
)
def test_profile_rules(field: str, value: object) -> None:
    with pytest.raises(ValidationFailed) as refused:
        new_user(**{field: value})
    assert refused.value.field == field


def test_changes_record_events_and_move_the_revocation_line() -> None:
    user = new_user()
    user.pull_events()
    admin = UserId(uuid4())
    later = NOW + timedelta(hours=1)
    assert user.update_profile(at=later, event_id=eid(), timezone="Asia/Tokyo")
    assert not user.update_profile(at=later, event_id=eid(), timezone="Asia/Tokyo")
    user.change_password("$argon2id$y", at=later, event_id=eid(), via="change")
    assert user.tokens_valid_after == later
    assert user.grant_role(Role.ADMIN, by=admin, at=later, event_id=eid())
    assert not user.grant_role(Role.ADMIN, by=admin, at=later, event_id=eid())
    assert user.revoke_role(Role.ADMIN, by=admin, at=later, event_id=eid())
    with pytest.raises(ValidationFailed):
        user.revoke_role(Role.USER, by=admin, at=later, event_id=eid())
    assert user.disable(by=admin, at=later, event_id=eid())
    assert not user.disable(by=admin, at=later, event_id=eid())
    assert user.enable(by=admin, at=later, event_id=eid())
    kinds = [type(e) for e in user.pull_events()]
    assert kinds == [
        ProfileUpdated,
        PasswordChanged,
        RoleGranted,
        RoleRevoked,
        UserDisabled,
        UserEnabled,
    ]


def test_the_revocation_line_never_moves_back() -> None:
    user = new_user()
    user.revoke_access_tokens(NOW + timedelta(hours=2))
    user.revoke_access_tokens(NOW + timedelta(hours=1))
    assert user.tokens_valid_after == NOW + timedelta(hours=2)


def test_identity_events_round_trip_with_their_tags() -> None:
    event = RoleGranted(
        event_id=eid(), occurred_at=NOW, owner=UserId(uuid4()), role="admin", by=UserId(uuid4())
    )
    assert b'"type":"identity.role_granted.v1"' in encode_event(event)
    assert decode_event(encode_event(event)) == event


def test_secrets_are_256_bits_and_stored_as_sha256() -> None:
    a, b = new_secret(REFRESH_TOKEN_PREFIX), new_secret(REFRESH_TOKEN_PREFIX)
    assert a != b
    assert len(a) - len(REFRESH_TOKEN_PREFIX) == 43  # 32 bytes in unpadded base64url
    assert len(hash_token(a)) == 64
    assert hash_token(a) == hash_token(a)
    assert token_kind(a) is TokenKind.REFRESH
    assert token_kind(new_secret(API_TOKEN_PREFIX)) is TokenKind.API
    assert token_kind("eyJhbGciOi.x.y") is TokenKind.ACCESS


def test_token_lifetimes() -> None:
    user = UserId(uuid4())
    family = SessionFamily(
        id=uuid4(),
        user_id=user,
        created_at=NOW,
        expires_at=NOW + timedelta(days=30),
        last_used_at=NOW,
    )
    assert family.is_active(NOW)
    assert not family.is_active(NOW + timedelta(days=30))
    reset = PasswordResetToken(
        token_hash="h", user_id=user, created_at=NOW, expires_at=NOW + timedelta(minutes=30)
    )
    assert reset.is_usable(NOW)
    assert not reset.is_usable(NOW + timedelta(minutes=30))
    api = PersonalApiToken(
        id=uuid4(),
        user_id=user,
        name="cli",
        token_hash="h",
        scopes=frozenset(),
        created_at=NOW,
        expires_at=None,
    )
    assert api.is_active(NOW + timedelta(days=3650))
    api.revoked_at = NOW
    assert not api.is_active(NOW)
