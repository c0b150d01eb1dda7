"""Security adapters: argon2id password hashing and EdDSA JWT access tokens."""

from adapters.security.hashing import Argon2PasswordHasher, BoundedPasswordHasher
from adapters.security.jwt_tokens import (
    JwksVerifier,
    JwtAccessTokens,
    SigningKey,
    load_signing_key,
)

__all__ = [
    "Argon2PasswordHasher",
    "BoundedPasswordHasher",
    "JwksVerifier",
    "JwtAccessTokens",
    "SigningKey",
    "load_signing_key",
]
