"""The SQL :class:`~questlog_core.identity.second_factor.SecondFactorRepository` of the auth
unit of work (:class:`adapters.sql.auth.SqlAuthUnitOfWork`): authenticators, recovery codes and
sign-in challenges, as Core statements on the unit of work's connection.

Every ``bool`` method is one conditional ``UPDATE ... RETURNING`` (or an insert that refuses a
clash): the database serialises writers on the row, so exactly one of any number of concurrent
callers wins, as for refresh tokens (see :mod:`adapters.sql.auth`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.engine import Row

from adapters.sql import dialects
from adapters.sql.tables import auth as t
from questlog_core.identity.second_factor import RecoveryCode, SecondFactor, SignInChallenge
from questlog_core.ids import UserId

if TYPE_CHECKING:
    from adapters.sql.unit_of_work import SqlUnitOfWork

#: the only method so far (the column leaves room for WebAuthn later)
_TOTP = "totp"


def _factor(row: Row[Any]) -> SecondFactor:
    return SecondFactor(
        user_id=UserId(row.user_id),
        sealed_secret=row.sealed_secret,
        created_at=row.created_at,
        confirmed_at=row.confirmed_at,
        last_used_step=row.last_used_step,
    )


def _challenge(row: Row[Any]) -> SignInChallenge:
    return SignInChallenge(
        token_hash=row.token_hash,
        user_id=UserId(row.user_id),
        created_at=row.created_at,
        expires_at=row.expires_at,
        used_at=row.used_at,
        failures=row.failures,
    )


class SqlSecondFactors:
    """Two-step sign-in state in the auth tables (see the module docstring)."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    async def get(self, user_id: UserId) -> SecondFactor | None:
        """The account's factor (pending or confirmed), or ``None``."""
        query = select(t.second_factors).where(t.second_factors.c.user_id == user_id)
        row = (await self._uow.connection.execute(query)).first()
        return _factor(row) if row is not None else None

    async def put_pending(self, factor: SecondFactor) -> bool:
        """Replace a pending factor (or add one); ``False`` if a confirmed one is there."""
        f = t.second_factors.c
        c = self._uow.connection
        await c.execute(
            delete(t.second_factors).where(f.user_id == factor.user_id, f.confirmed_at.is_(None))
        )
        values = {
            "user_id": factor.user_id,
            "method": _TOTP,
            "sealed_secret": factor.sealed_secret,
            "created_at": factor.created_at,
            "confirmed_at": None,
            "last_used_step": None,
        }
        return await dialects.insert_if_absent(c, t.second_factors, values)

    async def confirm(self, user_id: UserId, at: datetime, step: int) -> bool:
        """Confirm the pending factor (compare-and-set on ``confirmed_at``)."""
        f = t.second_factors.c
        statement = (
            update(t.second_factors)
            .where(f.user_id == user_id, f.confirmed_at.is_(None))
            .values(confirmed_at=at, last_used_step=step)
            .returning(f.user_id)
        )
        return (await self._uow.connection.execute(statement)).first() is not None

    async def use_step(self, user_id: UserId, step: int) -> bool:
        """Move the replay guard to ``step`` if it is later than the last one used."""
        f = t.second_factors.c
        statement = (
            update(t.second_factors)
            .where(
                f.user_id == user_id,
                or_(f.last_used_step.is_(None), f.last_used_step < step),
            )
            .values(last_used_step=step)
            .returning(f.user_id)
        )
        return (await self._uow.connection.execute(statement)).first() is not None

    async def remove(self, user_id: UserId) -> bool:
        """Delete the factor and the recovery codes; ``False`` if there was no factor."""
        c = self._uow.connection
        await c.execute(delete(t.recovery_codes).where(t.recovery_codes.c.user_id == user_id))
        statement = (
            delete(t.second_factors)
            .where(t.second_factors.c.user_id == user_id)
            .returning(t.second_factors.c.user_id)
        )
        return (await c.execute(statement)).first() is not None

    async def replace_recovery_codes(self, codes: list[RecoveryCode]) -> None:
        """Make ``codes`` the only recovery codes of their account."""
        c = self._uow.connection
        for owner in {code.user_id for code in codes}:
            await c.execute(delete(t.recovery_codes).where(t.recovery_codes.c.user_id == owner))
        if codes:
            await c.execute(
                t.recovery_codes.insert(),
                [
                    {
                        "user_id": code.user_id,
                        "code_hash": code.code_hash,
                        "created_at": code.created_at,
                        "used_at": code.used_at,
                    }
                    for code in codes
                ],
            )

    async def use_recovery_code(self, user_id: UserId, code_hash: str, at: datetime) -> bool:
        """Spend an unused recovery code of the account (compare-and-set on ``used_at``)."""
        r = t.recovery_codes.c
        statement = (
            update(t.recovery_codes)
            .where(r.user_id == user_id, r.code_hash == code_hash, r.used_at.is_(None))
            .values(used_at=at)
            .returning(r.code_hash)
        )
        return (await self._uow.connection.execute(statement)).first() is not None

    async def recovery_codes_left(self, user_id: UserId) -> int:
        """How many unused recovery codes the account has."""
        r = t.recovery_codes.c
        query = select(func.count()).where(r.user_id == user_id, r.used_at.is_(None))
        return int((await self._uow.connection.execute(query)).scalar_one())

    async def add_challenge(self, challenge: SignInChallenge) -> None:
        """Store a new sign-in challenge (by the hash of its token)."""
        await self._uow.connection.execute(
            t.sign_in_challenges.insert().values(
                token_hash=challenge.token_hash,
                user_id=challenge.user_id,
                created_at=challenge.created_at,
                expires_at=challenge.expires_at,
                used_at=challenge.used_at,
                failures=challenge.failures,
            )
        )

    async def forget_challenges(self, user_id: UserId, *, ended_before: datetime) -> int:
        """Delete the account's challenges used or expired before ``ended_before``."""
        ch = t.sign_in_challenges.c
        statement = (
            delete(t.sign_in_challenges)
            .where(
                ch.user_id == user_id,
                or_(ch.expires_at < ended_before, ch.used_at < ended_before),
            )
            .returning(ch.token_hash)
        )
        return len((await self._uow.connection.execute(statement)).all())

    async def challenge(self, token_hash: str) -> SignInChallenge | None:
        """The challenge with this token hash, or ``None``."""
        query = select(t.sign_in_challenges).where(t.sign_in_challenges.c.token_hash == token_hash)
        row = (await self._uow.connection.execute(query)).first()
        return _challenge(row) if row is not None else None

    async def spend_challenge(self, token_hash: str, at: datetime) -> bool:
        """Mark an unused challenge used (compare-and-set)."""
        ch = t.sign_in_challenges.c
        statement = (
            update(t.sign_in_challenges)
            .where(ch.token_hash == token_hash, ch.used_at.is_(None))
            .values(used_at=at)
            .returning(ch.token_hash)
        )
        return (await self._uow.connection.execute(statement)).first() is not None

    async def fail_challenge(self, token_hash: str) -> int:
        """Count one wrong code against the challenge (in the database, so concurrent wrong
        codes all count); the failures so far."""
        ch = t.sign_in_challenges.c
        statement = (
            update(t.sign_in_challenges)
            .where(ch.token_hash == token_hash)
            .values(failures=ch.failures + 1)
            .returning(ch.failures)
        )
        failures = (await self._uow.connection.execute(statement)).scalar_one_or_none()
        return int(failures or 0)


__all__ = ["SqlSecondFactors"]
