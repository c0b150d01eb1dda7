"""Moved to :mod:`questlog_core.identity.use_cases.sessions`; this path keeps working.

It re-exports the same objects, so old imports and ``isinstance`` checks are unaffected.
"""

from questlog_core.identity.events import RefreshTokenReuseDetected as RefreshTokenReuseDetected
from questlog_core.identity.tokens import Principal as Principal
from questlog_core.identity.tokens import PrincipalKind as PrincipalKind
from questlog_core.identity.tokens import TokenKind as TokenKind
from questlog_core.identity.tokens import hash_token as hash_token
from questlog_core.identity.tokens import principal_from_claims as principal_from_claims
from questlog_core.identity.tokens import token_kind as token_kind
from questlog_core.identity.use_cases.base import AuthBase as AuthBase
from questlog_core.identity.use_cases.results import SessionInfo as SessionInfo
from questlog_core.identity.use_cases.results import TokenPair as TokenPair
from questlog_core.identity.use_cases.sessions import SessionUseCases as SessionUseCases
from questlog_core.identity.use_cases.sessions import refuse_revoked as refuse_revoked
from questlog_core.kernel.errors import AuthenticationFailed as AuthenticationFailed
from questlog_core.kernel.errors import NotFound as NotFound
from questlog_core.kernel.errors import ValidationFailed as ValidationFailed
from questlog_core.ports.sessions import TokenDenylist as TokenDenylist

__all__ = [
    "SessionUseCases",
    "refuse_revoked",
]
